package dev.certsonar.scanner.judge;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * The CA/Browser Forum's maximum validity of a TLS server certificate by its notBefore date (Baseline Requirements
 * 6.3.2, ballot SC-081), counted as the Baseline Requirements count it: notAfter minus notBefore plus one second.
 */
final class LifetimeRule {

    private static final Instant BR_825 = Instant.parse("2018-03-01T00:00:00Z");
    private static final Instant BR_398 = Instant.parse("2020-09-01T00:00:00Z");
    private static final Instant SC081_200 = Instant.parse("2026-03-15T00:00:00Z");
    private static final Instant SC081_100 = Instant.parse("2027-03-15T00:00:00Z");
    private static final Instant SC081_47 = Instant.parse("2029-03-15T00:00:00Z");

    private LifetimeRule() {
    }

    /** Maximum days for a certificate issued (notBefore) at the given instant. */
    public static int maximumDays(Instant notBefore) {
        if (notBefore.isBefore(BR_825)) {
            return 1185;
        }
        if (notBefore.isBefore(BR_398)) {
            return 825;
        }
        if (notBefore.isBefore(SC081_200)) {
            return 398;
        }
        if (notBefore.isBefore(SC081_100)) {
            return 200;
        }
        if (notBefore.isBefore(SC081_47)) {
            return 100;
        }
        return 47;
    }

    /** The validity period as the Baseline Requirements count it: both ends inclusive. */
    public static Duration validity(Instant notBefore, Instant notAfter) {
        return Duration.between(notBefore, notAfter).plusSeconds(1);
    }

    public static boolean exceeds(X509Certificate cert) {
        Instant nb = cert.getNotBefore().toInstant();
        Instant na = cert.getNotAfter().toInstant();
        return validity(nb, na).compareTo(Duration.ofDays(maximumDays(nb))) > 0;
    }
}

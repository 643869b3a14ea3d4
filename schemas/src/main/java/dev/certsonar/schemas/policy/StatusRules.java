package dev.certsonar.schemas.policy;

import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Checks;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The status of an observation at a given instant, worst first: EXPIRED (notAfter has passed), INVALID (untrusted,
 * incomplete chain, hostname mismatch, not yet valid, weak key or signature), CRITICAL, UNREACHABLE (outcome not OK),
 * WARNING, OK; a condition of the policy's findings (legacy protocol, lifetime over the maximum) makes the status of
 * its severity when nothing is worse. The conditions and so the status come from {@link Verdicts}. Pure functions:
 * time is an argument.
 *
 * <p>Thresholds are strict: a certificate is WARNING once fewer than {@code min(warnDays, warnFraction × lifetime)}
 * days are left, so at exactly {@link #warnAt} it is not yet WARNING; it is EXPIRED once {@code now} is after notAfter.
 * The lifetime is that of the certificate that defines notAfter ({@link Observation#getExpiryCertificate()}).
 */
public final class StatusRules {

    private static final double MILLIS_PER_DAY = Duration.ofDays(1).toMillis();

    private StatusRules() {
    }

    /** The status of {@link Verdicts#of}: the worst that the observation's conditions make. */
    public static Status status(Observation o, ExpiryPolicy p, Instant now) {
        return Verdicts.of(o, p, now).status();
    }

    /** Days left until notAfter (negative once expired); NaN when the observation has no notAfter. */
    public static double daysLeft(Observation o, Instant now) {
        if (o.getNotAfter() == null) {
            return Double.NaN;
        }
        return (o.getNotAfter().toEpochMilli() - now.toEpochMilli()) / MILLIS_PER_DAY;
    }

    /** The instant after which the observation is WARNING: notAfter minus min(warnDays, warnFraction × lifetime). */
    public static Instant warnAt(Observation o, ExpiryPolicy p) {
        return threshold(o, p.warnDays(), p.warnFraction());
    }

    /** The instant after which the observation is CRITICAL: notAfter minus min(criticalDays, criticalFraction × lifetime). */
    public static Instant criticalAt(Observation o, ExpiryPolicy p) {
        return threshold(o, p.criticalDays(), p.criticalFraction());
    }

    /**
     * The lifetime of the certificate that defines notAfter: its notAfter minus its notBefore. Taken from
     * {@code expiryCertificate}, else from the served certificate with that notAfter (the leaf first); empty when unknown.
     */
    public static Optional<Duration> lifetime(Observation o) {
        CertificateRef ref = o.getExpiryCertificate();
        if (ref != null && ref.getNotBefore() != null) {
            return Optional.of(Duration.between(ref.getNotBefore(), ref.getNotAfter()));
        }
        List<Certificate> chain = o.getChain();
        if (chain == null || chain.isEmpty()) {
            return Optional.empty();
        }
        String sha = ref != null ? ref.getSha256() : null;
        for (Certificate c : chain) {
            if (sha != null ? sha.equals(c.getSha256()) : c.getNotAfter().equals(o.getNotAfter())) {
                return Optional.of(Duration.between(c.getNotBefore(), c.getNotAfter()));
            }
        }
        Certificate leaf = chain.get(0);
        return Optional.of(Duration.between(leaf.getNotBefore(), leaf.getNotAfter()));
    }

    /**
     * The first instant after {@code now} at which {@link #status} gives another answer by the passing of time alone
     * (a threshold crossed, notAfter passed, a not-yet-valid certificate becoming valid); empty when nothing changes.
     * Precision is one millisecond.
     */
    public static Optional<Instant> nextTransition(Observation o, ExpiryPolicy p, Instant now) {
        List<Instant> candidates = new ArrayList<>();
        if (o.getNotAfter() != null) {
            candidates.add(warnAt(o, p).plusMillis(1));
            candidates.add(criticalAt(o, p).plusMillis(1));
            candidates.add(o.getNotAfter().plusMillis(1));
        }
        notYetValidUntil(o).ifPresent(candidates::add);
        Status current = status(o, p, now);
        return candidates.stream()
                .filter(t -> t.isAfter(now))
                .sorted()
                .filter(t -> status(o, p, t) != current)
                .findFirst();
    }

    /**
     * Whether a certificate that was not yet valid when observed still is at {@code now}: until the latest notBefore
     * among the served certificates that were not yet valid then (for good, when such a certificate was not served).
     */
    public static boolean notYetValid(Observation o, Instant now) {
        Checks c = o.getChecks();
        if (c == null || !c.getNotYetValid()) {
            return false;
        }
        Optional<Instant> until = notYetValidUntil(o);
        return until.isEmpty() || now.isBefore(until.get());
    }

    private static Optional<Instant> notYetValidUntil(Observation o) {
        Checks c = o.getChecks();
        if (c == null || !c.getNotYetValid() || o.getChain() == null) {
            return Optional.empty();
        }
        Instant observed = o.getObservedAt();
        return o.getChain().stream()
                .map(Certificate::getNotBefore)
                .filter(nb -> observed == null || nb.isAfter(observed))
                .max(Instant::compareTo);
    }

    private static Instant threshold(Observation o, double days, double fraction) {
        long byDays = Math.round(days * MILLIS_PER_DAY);
        long before = lifetime(o)
                .map(l -> Math.min(byDays, Math.round(fraction * l.toMillis())))
                .orElse(byDays);
        return o.getNotAfter().minusMillis(Math.max(0, before));
    }
}

package dev.certsonar.scanner.revocation;

import dev.certsonar.schemas.avro.RevocationSource;
import dev.certsonar.schemas.avro.RevocationStatus;

import java.time.Instant;

/**
 * What one source said of one certificate: GOOD, REVOKED (with when and why) or UNKNOWN (with why no answer could be
 * used, in words).
 */
record Answer(RevocationStatus status, RevocationSource source, String url, Instant revokedAt, String reason,
              Instant thisUpdate, Instant nextUpdate, String detail) {

    static Answer good(RevocationSource source, String url, Instant thisUpdate, Instant nextUpdate) {
        return new Answer(RevocationStatus.GOOD, source, url, null, null, thisUpdate, nextUpdate, null);
    }

    static Answer revoked(RevocationSource source, String url, Instant at, String reason, Instant thisUpdate,
                          Instant nextUpdate) {
        return new Answer(RevocationStatus.REVOKED, source, url, at, reason, thisUpdate, nextUpdate, null);
    }

    static Answer unknown(RevocationSource source, String url, String detail) {
        return new Answer(RevocationStatus.UNKNOWN, source, url, null, null, null, null, detail);
    }

    boolean known() {
        return status == RevocationStatus.GOOD || status == RevocationStatus.REVOKED;
    }

    /** RFC 5280 names of the CRLReason codes, indexed by code (7 is unused). */
    private static final String[] REASONS = {"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
            "superseded", "cessationOfOperation", "certificateHold", null, "removeFromCRL", "privilegeWithdrawn",
            "aACompromise"};

    /** The RFC 5280 name of a CRLReason code; null for none or a code it does not know. */
    static String reason(Integer code) {
        if (code == null || code < 0 || code >= REASONS.length) {
            return null;
        }
        return REASONS[code];
    }
}

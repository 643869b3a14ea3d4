package dev.certsonar.scanner.revocation;

import dev.certsonar.schemas.ValueRules;

import java.time.Duration;

/**
 * How the scanner learns whether the certificates it validated are revoked ({@code scanner.revocation}). A value that
 * breaks the rule of its field is an {@link dev.certsonar.schemas.InvalidValueException} naming the field.
 *
 * @param enabled         whether revocation is checked at all
 * @param timeout         the longest one CRL or OCSP fetch may take, connect and body together; positive. A probe
 *                        waits for a fetch no longer than its own deadline
 * @param maxCrlBytes     the largest CRL read; a larger one is not read past this size and gives UNKNOWN; at least 1024
 * @param maxCacheEntries CRLs and OCSP responses kept at most; at least 1
 * @param maxCacheBytes   estimated bytes of the kept CRL entries and OCSP answers at most; at least 65536
 * @param maxAge          the longest a CRL or OCSP response is used before it is fetched again, also when its nextUpdate
 *                        is later or absent; positive
 * @param retryAfter      how long a failed fetch is remembered before that URL is asked again; not negative
 * @param grace           how long a certificate's status may stay UNKNOWN (soft failure, no condition) before it gives
 *                        the condition REVOCATION_UNKNOWN; not negative
 * @param maxFetches      CRL and OCSP fetches in flight at most; at least 1
 */
public record RevocationConfig(boolean enabled, Duration timeout, int maxCrlBytes, int maxCacheEntries,
                               long maxCacheBytes, Duration maxAge, Duration retryAfter, Duration grace,
                               int maxFetches) {

    /**
     * Checks on; 5 s per fetch; CRLs up to 10 MiB (the largest public CAs' are a few MiB); 10,000 CRLs and OCSP answers
     * and 256 MiB kept at most, each; refetched after 4 h at the latest, a failure after 5 min; 24 h of grace; 4 fetches
     * at once, each of CRLs and OCSP (a CRL fetch in flight holds its bytes and their parse, a few times its size).
     */
    public static final RevocationConfig DEFAULT = new RevocationConfig(true, Duration.ofSeconds(5), 10 * 1024 * 1024,
            10_000, 256L * 1024 * 1024, Duration.ofHours(4), Duration.ofMinutes(5), Duration.ofHours(24), 4);

    /** Revocation not checked at all. */
    public static final RevocationConfig OFF = DEFAULT.withEnabled(false);

    public RevocationConfig {
        ValueRules.positive("timeout", timeout);
        ValueRules.atLeast("maxCrlBytes", maxCrlBytes, 1024);
        ValueRules.atLeast("maxCacheEntries", maxCacheEntries, 1);
        if (maxCacheBytes < 64 * 1024) {
            throw new dev.certsonar.schemas.InvalidValueException("maxCacheBytes",
                    "must be at least 65536, was " + maxCacheBytes);
        }
        ValueRules.positive("maxAge", maxAge);
        ValueRules.notNegative("retryAfter", retryAfter);
        ValueRules.notNegative("grace", grace);
        ValueRules.atLeast("maxFetches", maxFetches, 1);
    }

    public RevocationConfig withEnabled(boolean value) {
        return new RevocationConfig(value, timeout, maxCrlBytes, maxCacheEntries, maxCacheBytes, maxAge, retryAfter, grace, maxFetches);
    }

    public RevocationConfig withTimeout(Duration value) {
        return new RevocationConfig(enabled, value, maxCrlBytes, maxCacheEntries, maxCacheBytes, maxAge, retryAfter, grace, maxFetches);
    }

    public RevocationConfig withMaxCrlBytes(int value) {
        return new RevocationConfig(enabled, timeout, value, maxCacheEntries, maxCacheBytes, maxAge, retryAfter, grace, maxFetches);
    }

    public RevocationConfig withMaxCacheEntries(int value) {
        return new RevocationConfig(enabled, timeout, maxCrlBytes, value, maxCacheBytes, maxAge, retryAfter, grace, maxFetches);
    }

    public RevocationConfig withMaxAge(Duration value) {
        return new RevocationConfig(enabled, timeout, maxCrlBytes, maxCacheEntries, maxCacheBytes, value, retryAfter, grace, maxFetches);
    }

    public RevocationConfig withRetryAfter(Duration value) {
        return new RevocationConfig(enabled, timeout, maxCrlBytes, maxCacheEntries, maxCacheBytes, maxAge, value, grace, maxFetches);
    }

    public RevocationConfig withGrace(Duration value) {
        return new RevocationConfig(enabled, timeout, maxCrlBytes, maxCacheEntries, maxCacheBytes, maxAge, retryAfter, value, maxFetches);
    }
}

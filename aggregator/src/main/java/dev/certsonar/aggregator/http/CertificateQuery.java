package dev.certsonar.aggregator.http;

import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.InvalidValueException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A search of the certificate inventory, read from query parameters
 * ({@code ?expiringWithin=30d&issuer=let's&keyType=EC&keyBits=256&offset=0&limit=100}). A bad parameter is an
 * {@link InvalidValueException} naming it.
 *
 * @param expiringWithin keep certificates whose notAfter is within this long from now (passed ones too); null keeps all
 * @param issuer         lower-case text the issuer contains; null keeps all
 * @param keyType        the key algorithm (RSA, EC, Ed25519, ...), any case; null keeps all
 * @param keyBits        the key size; 0 keeps all
 */
public record CertificateQuery(Duration expiringWithin, String issuer, String keyType, int keyBits, int offset, int limit) {

    /** Rows of a page when no {@code limit} is given. */
    public static final int DEFAULT_LIMIT = 100;

    public static CertificateQuery parse(Map<String, List<String>> params) {
        String within = ServiceQuery.single(params, "expiringWithin");
        Duration d = null;
        if (within != null && !within.isBlank()) {
            try {
                d = Durations.parse(within.strip());
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException("expiringWithin", "'" + within + "' is not a duration (such as 30d, 12h)");
            }
        }
        String issuer = ServiceQuery.single(params, "issuer");
        String keyType = ServiceQuery.single(params, "keyType");
        return new CertificateQuery(d, issuer == null || issuer.isBlank() ? null : issuer.strip().toLowerCase(Locale.ROOT),
                keyType == null || keyType.isBlank() ? null : keyType.strip(),
                ServiceQuery.number(params, "keyBits", 0, 1, 65_536),
                ServiceQuery.number(params, "offset", 0, 0, Integer.MAX_VALUE),
                ServiceQuery.number(params, "limit", DEFAULT_LIMIT, 1, ServiceQuery.MAX_LIMIT));
    }

    /** Whether a certificate passes every filter at the instant {@code now}. */
    public Predicate<ServiceIndex.CertificateRow> filter(Instant now) {
        Instant limit = expiringWithin == null ? null : now.plus(expiringWithin);
        return c -> (limit == null || c.notAfter() != null && !c.notAfter().isAfter(limit))
                && (issuer == null || c.issuer() != null && c.issuer().toLowerCase(Locale.ROOT).contains(issuer))
                && (keyType == null || keyType.equalsIgnoreCase(c.keyAlgorithm()))
                && (keyBits == 0 || c.keyBits() != null && c.keyBits() == keyBits);
    }
}

package dev.certsonar.scanner.revocation;

import dev.certsonar.scanner.probe.Deadline;
import dev.certsonar.schemas.avro.RevocationSource;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CRLReason;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Certificate revocation lists from their distribution points: each CRL fetched over HTTP once per URL and issuer, its
 * signature verified with the issuer's key, its dates checked, and only what a lookup needs kept (each revoked serial
 * with its date and reason), until its nextUpdate, at most {@link RevocationConfig#maxAge()}. A fetch that fails is
 * remembered for {@link RevocationConfig#retryAfter()}. Delta CRLs and indirect CRLs (entries of another issuer) are
 * not read.
 */
final class CrlSource {

    /** A revoked serial's date and reason. */
    private record Entry(Instant revokedAt, String reason) {
    }

    /** What a CRL fetch left: the index of a good CRL, or why there is none. */
    private sealed interface Result permits Index, Failure {
    }

    private record Index(String url, Map<BigInteger, Entry> revoked, Instant thisUpdate, Instant nextUpdate)
            implements Result {
    }

    private record Failure(String url, String detail) implements Result {
    }

    /** The CRL of a URL as signed by one issuer key: one URL may serve different issuers only in a broken PKI. */
    private record Key(String url, String issuerKey) {
    }

    /** Bytes a kept revoked serial costs, about: the map's node, the serial, the date and the entry. */
    private static final long BYTES_PER_ENTRY = 160;
    /** What the clocks of a CA and the scanner may differ by. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private final RevocationConfig config;
    private final Clock clock;
    private final HttpFetch http;
    private final SharedFetches<Key, Result> cache;

    CrlSource(RevocationConfig config, Clock clock, HttpFetch http, ExecutorService threads) {
        this.config = config;
        this.clock = clock;
        this.http = http;
        this.cache = new SharedFetches<>(clock, config.maxCacheEntries(), config.maxCacheBytes(), config.maxFetches(), threads);
    }

    /** The status of {@code certificate} by the CRL at {@code url}, signed by {@code issuer}. */
    CompletableFuture<Answer> lookup(String url, X509Certificate certificate, X509Certificate issuer) {
        Key key = new Key(url, keyId(issuer));
        return cache.get(key, () -> fetch(url, issuer)).thenApply(r -> answer(r, certificate));
    }

    long fetches() {
        return cache.fetches();
    }

    private Answer answer(Result r, X509Certificate certificate) {
        return switch (r) {
            case Failure f -> Answer.unknown(RevocationSource.CRL, f.url(), f.detail());
            case Index i -> {
                Instant now = clock.instant();
                if (i.nextUpdate() != null && now.isAfter(i.nextUpdate())) {
                    yield Answer.unknown(RevocationSource.CRL, i.url(), "the CRL is past its nextUpdate (" + i.nextUpdate() + ")");
                }
                Entry e = i.revoked().get(certificate.getSerialNumber());
                yield e == null ? Answer.good(RevocationSource.CRL, i.url(), i.thisUpdate(), i.nextUpdate())
                        : Answer.revoked(RevocationSource.CRL, i.url(), e.revokedAt(), e.reason(), i.thisUpdate(), i.nextUpdate());
            }
        };
    }

    private SharedFetches.Loaded<Result> fetch(String url, X509Certificate issuer) {
        Instant fetchedAt = clock.instant();
        Result r;
        try {
            HttpFetch.Response response = http.get(URI.create(url), Deadline.in(config.timeout()), config.maxCrlBytes());
            if (response.status() != 200) {
                r = new Failure(url, "the CRL server answered HTTP " + response.status());
            } else {
                r = index(url, response.body(), issuer, clock.instant());
            }
        } catch (HttpFetch.Failed e) {
            r = new Failure(url, e.getMessage());
        } catch (IllegalArgumentException e) {
            r = new Failure(url, "not a URL: " + e.getMessage());
        }
        return switch (r) {
            case Failure f -> new SharedFetches.Loaded<>(f, fetchedAt.plus(config.retryAfter()), 256);
            case Index i -> {
                Instant until = fetchedAt.plus(config.maxAge());
                if (i.nextUpdate() != null && i.nextUpdate().isBefore(until)) {
                    until = i.nextUpdate().isAfter(fetchedAt) ? i.nextUpdate() : fetchedAt.plus(config.retryAfter());
                }
                yield new SharedFetches.Loaded<>(i, until, 256 + BYTES_PER_ENTRY * i.revoked().size());
            }
        };
    }

    /** The CRL read, verified and indexed; a failure naming what is wrong with it. */
    private static Result index(String url, byte[] der, X509Certificate issuer, Instant now) {
        X509CRL crl;
        try {
            crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            return new Failure(url, "not a CRL (" + e.getMessage() + ")");
        }
        if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return new Failure(url, "the CRL is issued by " + crl.getIssuerX500Principal().getName()
                    + ", not by the certificate's issuer " + issuer.getSubjectX500Principal().getName());
        }
        boolean[] usage = issuer.getKeyUsage();
        if (usage != null && (usage.length <= 6 || !usage[6])) {
            return new Failure(url, "the issuer's key may not sign CRLs (no cRLSign key usage)");
        }
        try {
            crl.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            return new Failure(url, "bad signature: the CRL's signature does not verify with its issuer's key");
        }
        Instant thisUpdate = crl.getThisUpdate().toInstant();
        Instant nextUpdate = crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
        if (thisUpdate.isAfter(now.plus(SKEW))) {
            return new Failure(url, "the CRL is not valid yet (thisUpdate " + thisUpdate + ")");
        }
        if (crl.getCriticalExtensionOIDs() != null
                && !Set.of("2.5.29.28", "2.5.29.20").containsAll(crl.getCriticalExtensionOIDs())) {
            // a delta CRL indicator (2.5.29.27) or another critical extension this reader does not know
            return new Failure(url, "the CRL has a critical extension the scanner does not read: " + crl.getCriticalExtensionOIDs());
        }
        Map<BigInteger, Entry> revoked = new HashMap<>();
        Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
        if (entries != null) {
            for (X509CRLEntry e : entries) {
                if (e.getCertificateIssuer() != null && !e.getCertificateIssuer().equals(issuer.getSubjectX500Principal())) {
                    continue;
                }
                CRLReason reason = e.getRevocationReason();
                if (reason == CRLReason.REMOVE_FROM_CRL) {
                    continue;
                }
                revoked.put(e.getSerialNumber(), new Entry(e.getRevocationDate().toInstant(),
                        reason == null ? null : Answer.reason(reason.ordinal())));
            }
        }
        return new Index(url, Map.copyOf(revoked), thisUpdate, nextUpdate);
    }

    /** SHA-256 of the issuer's public key. */
    static String keyId(X509Certificate issuer) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(issuer.getPublicKey().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

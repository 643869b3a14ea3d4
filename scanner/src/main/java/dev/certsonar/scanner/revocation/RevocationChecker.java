package dev.certsonar.scanner.revocation;

import dev.certsonar.scanner.judge.CertificateParser;
import dev.certsonar.scanner.net.AddressPolicy;
import dev.certsonar.scanner.net.Resolver;
import dev.certsonar.scanner.probe.Deadline;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.Revocation;
import dev.certsonar.schemas.avro.RevocationSource;
import dev.certsonar.schemas.avro.RevocationStatus;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The revocation status of every certificate of a validated path but its trust anchor, leaf first: for the leaf, an
 * OCSP response stapled in the handshake first; then the CRL of the certificate's first http:// distribution point
 * ({@link CrlSource}), else its OCSP responder ({@link OcspSource}) when it names no CRL. The lookups of a path run at
 * once and a probe waits for them no longer than its own deadline: what has not answered by then is UNKNOWN, while its
 * fetch goes on for the next probe.
 *
 * <p>When no status can be learned the check soft-fails: the certificate is UNKNOWN, with why, and since when (the
 * first failure in a row for that certificate, remembered by this checker for at most {@value #MAX_TRACKED}
 * certificates); once that is longer than {@link RevocationConfig#grace()} the status says the grace is exceeded.
 */
public final class RevocationChecker implements AutoCloseable {

    static final int MAX_TRACKED = 100_000;

    private final RevocationConfig config;
    private final Clock clock;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final CrlSource crls;
    private final OcspSource ocsp;
    private final LinkedHashMap<String, Instant> unknownSince = new LinkedHashMap<>(64, 0.75f, true);

    public RevocationChecker(RevocationConfig config, Clock clock, AddressPolicy policy, Resolver resolver) {
        this.config = config;
        this.clock = clock;
        HttpFetch http = new HttpFetch(policy, resolver);
        this.crls = new CrlSource(config, clock, http, threads);
        this.ocsp = new OcspSource(config, clock, http, threads);
    }

    public RevocationConfig config() {
        return config;
    }

    /** CRLs fetched so far (each URL once per interval however many probes need it). */
    public long crlFetches() {
        return crls.fetches();
    }

    /** OCSP responses fetched so far. */
    public long ocspFetches() {
        return ocsp.fetches();
    }

    /**
     * The status of each certificate of {@code path} but its last (the anchor), leaf first; empty when checks are off
     * or the path holds only its anchor.
     *
     * @param path     a validated path, leaf first, its trust anchor last
     * @param parsed   the served certificates as parsed (their CRL and OCSP URLs), found by SHA-256
     * @param stapled  the OCSP response the server stapled for the leaf; null when none
     * @param deadline the probe's deadline: no lookup is waited for past it
     */
    public List<Revocation> check(List<X509Certificate> path, List<Certificate> parsed, byte[] stapled, Deadline deadline) {
        if (!config.enabled() || path.size() < 2) {
            return List.of();
        }
        Map<String, Certificate> bySha = new LinkedHashMap<>();
        for (Certificate c : parsed) {
            bySha.put(c.getSha256(), c);
        }
        int n = path.size() - 1;
        List<Certificate> described = new ArrayList<>(n);
        List<CompletableFuture<Answer>> lookups = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            X509Certificate cert = path.get(i);
            X509Certificate issuer = path.get(i + 1);
            Certificate c = bySha.get(sha256(cert));
            if (c == null) {
                c = CertificateParser.parse(cert);
            }
            described.add(c);
            Answer fromStaple = i == 0 && stapled != null
                    ? ocsp.read(stapled, cert, issuer, RevocationSource.STAPLED_OCSP, null) : null;
            if (fromStaple != null && fromStaple.known()) {
                lookups.add(CompletableFuture.completedFuture(fromStaple));
            } else {
                // a stapled response that cannot be used is the answer only when there is nothing else to ask
                lookups.add(lookup(c, cert, issuer).thenApply(a -> a == null ? fromStaple : a));
            }
        }
        List<Revocation> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(revocation(described.get(i), await(lookups.get(i), deadline)));
        }
        return out;
    }

    /**
     * The problems the statuses make, in words, for the checks' list: each revoked certificate, and each whose status
     * stayed unknown past the grace period.
     */
    public static List<String> problems(List<Revocation> statuses) {
        List<String> out = new ArrayList<>();
        for (Revocation r : statuses) {
            if (r.getStatus() == RevocationStatus.REVOKED) {
                out.add("revoked: '" + r.getSubject() + "' was revoked at " + r.getRevokedAt()
                        + (r.getReason() == null ? "" : " (" + r.getReason() + ")") + " according to " + from(r));
            } else if (r.getStatus() == RevocationStatus.UNKNOWN && r.getGraceExceeded()) {
                out.add("revocation status of '" + r.getSubject() + "' unknown since " + r.getUnknownSince() + ": "
                        + r.getDetail());
            }
        }
        return out;
    }

    private static String from(Revocation r) {
        return switch (r.getSource()) {
            case CRL -> "the CRL at " + r.getUrl();
            case OCSP -> "the OCSP responder at " + r.getUrl();
            case STAPLED_OCSP -> "the OCSP response the server stapled";
            case NONE -> "its CA";
        };
    }

    private CompletableFuture<Answer> lookup(Certificate c, X509Certificate cert, X509Certificate issuer) {
        String crl = firstHttp(c.getCrlUrls());
        if (crl != null) {
            return crls.lookup(crl, cert, issuer);
        }
        if (!c.getCrlUrls().isEmpty()) {
            return CompletableFuture.completedFuture(Answer.unknown(RevocationSource.NONE, c.getCrlUrls().getFirst(),
                    "no http:// CRL distribution point (only " + c.getCrlUrls() + ")"));
        }
        String responder = firstHttp(c.getOcspUrls());
        if (responder != null) {
            return ocsp.lookup(responder, cert, issuer);
        }
        if (!c.getOcspUrls().isEmpty()) {
            return CompletableFuture.completedFuture(Answer.unknown(RevocationSource.NONE, c.getOcspUrls().getFirst(),
                    "no http:// OCSP responder (only " + c.getOcspUrls() + ")"));
        }
        return CompletableFuture.completedFuture(null);
    }

    private static String firstHttp(List<String> urls) {
        for (String u : urls) {
            if (u.toLowerCase(Locale.ROOT).startsWith("http://")) {
                return u;
            }
        }
        return null;
    }

    /** The lookup's answer, or UNKNOWN when it did not come within the deadline; null when nothing was asked. */
    private Answer await(CompletableFuture<Answer> lookup, Deadline deadline) {
        try {
            return lookup.get(Math.max(1, deadline.remaining().toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Answer.unknown(RevocationSource.NONE, null, "timeout: no answer within the probe's deadline");
        } catch (ExecutionException e) {
            return Answer.unknown(RevocationSource.NONE, null, "the lookup failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.unknown(RevocationSource.NONE, null, "interrupted");
        }
    }

    private Revocation revocation(Certificate c, Answer a) {
        Revocation.Builder b = Revocation.newBuilder()
                .setSha256(c.getSha256())
                .setSubject(c.getSubject());
        if (a == null) {
            forget(c.getSha256());
            return b.setStatus(RevocationStatus.NOT_CHECKED).setSource(RevocationSource.NONE).build();
        }
        b.setStatus(a.status()).setSource(a.source()).setUrl(a.url()).setRevokedAt(a.revokedAt()).setReason(a.reason())
                .setThisUpdate(a.thisUpdate()).setNextUpdate(a.nextUpdate()).setDetail(a.detail());
        if (a.known()) {
            forget(c.getSha256());
            return b.build();
        }
        Instant now = clock.instant();
        Instant since = failingSince(c.getSha256(), now);
        return b.setUnknownSince(since).setGraceExceeded(!now.isBefore(since.plus(config.grace()))).build();
    }

    private Instant failingSince(String sha256, Instant now) {
        synchronized (unknownSince) {
            Instant since = unknownSince.computeIfAbsent(sha256, k -> now);
            if (unknownSince.size() > MAX_TRACKED) {
                unknownSince.pollFirstEntry();
            }
            return since;
        }
    }

    private void forget(String sha256) {
        synchronized (unknownSince) {
            unknownSince.remove(sha256);
        }
    }

    private static String sha256(X509Certificate c) {
        try {
            return CertificateParser.sha256(c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate of the path", e);
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}

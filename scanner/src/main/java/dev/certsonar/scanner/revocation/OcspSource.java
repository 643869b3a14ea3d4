package dev.certsonar.scanner.revocation;

import dev.certsonar.scanner.probe.Deadline;
import dev.certsonar.schemas.avro.RevocationSource;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaCertificateID;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.io.IOException;
import java.net.URI;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * OCSP (RFC 6960) with Bouncy Castle: a request for one certificate POSTed to the responder named in the certificate,
 * and the response checked: successful, signed by the issuer or by a responder certificate the issuer signed for
 * OCSP signing (id-kp-OCSPSigning), about this certificate, and current (thisUpdate not ahead, nextUpdate not past).
 * Answers are kept until their nextUpdate, at most {@link RevocationConfig#maxAge()}; failures for
 * {@link RevocationConfig#retryAfter()}. A response stapled in the handshake is read by the same rules.
 */
final class OcspSource {

    /** The largest OCSP response read; real ones are a few kilobytes. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final String[] RESPONSE_STATUSES = {"successful", "malformedRequest", "internalError", "tryLater",
            null, "sigRequired", "unauthorized"};

    private record Key(String url, String issuerKey, java.math.BigInteger serial) {
    }

    private final RevocationConfig config;
    private final Clock clock;
    private final HttpFetch http;
    private final SharedFetches<Key, Answer> cache;
    private final DigestCalculatorProvider digests;

    OcspSource(RevocationConfig config, Clock clock, HttpFetch http, ExecutorService threads) {
        this.config = config;
        this.clock = clock;
        this.http = http;
        this.cache = new SharedFetches<>(clock, config.maxCacheEntries(), config.maxCacheBytes(), config.maxFetches(), threads);
        try {
            this.digests = new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no digest calculators for OCSP", e);
        }
    }

    long fetches() {
        return cache.fetches();
    }

    /** The status of {@code certificate} by the responder at {@code url}. */
    CompletableFuture<Answer> lookup(String url, X509Certificate certificate, X509Certificate issuer) {
        Key key = new Key(url, CrlSource.keyId(issuer), certificate.getSerialNumber());
        return cache.get(key, () -> fetch(url, certificate, issuer)).thenApply(this::current);
    }

    /** A kept answer past its nextUpdate is no answer. */
    private Answer current(Answer a) {
        if (a.known() && a.nextUpdate() != null && clock.instant().isAfter(a.nextUpdate())) {
            return Answer.unknown(a.source(), a.url(), "the OCSP response is past its nextUpdate (" + a.nextUpdate() + ")");
        }
        return a;
    }

    private SharedFetches.Loaded<Answer> fetch(String url, X509Certificate certificate, X509Certificate issuer) {
        Instant fetchedAt = clock.instant();
        Answer a;
        try {
            CertificateID id = new JcaCertificateID(digests.get(CertificateID.HASH_SHA1), issuer, certificate.getSerialNumber());
            byte[] request = new OCSPReqBuilder().addRequest(id).build().getEncoded();
            HttpFetch.Response response = http.post(URI.create(url), "application/ocsp-request", request,
                    Deadline.in(config.timeout()), MAX_RESPONSE_BYTES);
            a = response.status() != 200
                    ? Answer.unknown(RevocationSource.OCSP, url, "the OCSP responder answered HTTP " + response.status())
                    : read(response.body(), certificate, issuer, RevocationSource.OCSP, url);
        } catch (HttpFetch.Failed e) {
            a = Answer.unknown(RevocationSource.OCSP, url, e.getMessage());
        } catch (OCSPException | OperatorCreationException | CertificateEncodingException | IOException e) {
            a = Answer.unknown(RevocationSource.OCSP, url, "cannot make the OCSP request: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            a = Answer.unknown(RevocationSource.OCSP, url, "not a URL: " + e.getMessage());
        }
        Instant until;
        if (a.known() || a.thisUpdate() != null) {
            until = fetchedAt.plus(config.maxAge());
            if (a.nextUpdate() != null && a.nextUpdate().isBefore(until)) {
                until = a.nextUpdate();
            }
        } else {
            until = fetchedAt.plus(config.retryAfter());
        }
        return new SharedFetches.Loaded<>(a, until, 512);
    }

    /** What an OCSP response (fetched or stapled) says of the certificate, checked. */
    Answer read(byte[] der, X509Certificate certificate, X509Certificate issuer, RevocationSource source, String url) {
        try {
            OCSPResp resp = new OCSPResp(der);
            if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
                int s = resp.getStatus();
                String name = s >= 0 && s < RESPONSE_STATUSES.length && RESPONSE_STATUSES[s] != null ? RESPONSE_STATUSES[s] : "status " + s;
                return Answer.unknown(source, url, "the OCSP responder refused: " + name);
            }
            if (!(resp.getResponseObject() instanceof BasicOCSPResp basic)) {
                return Answer.unknown(source, url, "not a basic OCSP response");
            }
            if (!signedForIssuer(basic, issuer)) {
                return Answer.unknown(source, url,
                        "bad signature: the OCSP response is signed neither by the issuer nor by a responder it authorised");
            }
            X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
            for (SingleResp single : basic.getResponses()) {
                CertificateID id = single.getCertID();
                if (!id.getSerialNumber().equals(certificate.getSerialNumber()) || !id.matchesIssuer(issuerHolder, digests)) {
                    continue;
                }
                Instant now = clock.instant();
                Instant thisUpdate = single.getThisUpdate().toInstant();
                Instant nextUpdate = single.getNextUpdate() == null ? null : single.getNextUpdate().toInstant();
                if (thisUpdate.isAfter(now.plus(SKEW))) {
                    return Answer.unknown(source, url, "the OCSP response is not valid yet (thisUpdate " + thisUpdate + ")");
                }
                if (nextUpdate != null && now.isAfter(nextUpdate)) {
                    return Answer.unknown(source, url, "the OCSP response is past its nextUpdate (" + nextUpdate + ")");
                }
                CertificateStatus status = single.getCertStatus();
                if (status == CertificateStatus.GOOD) {
                    return Answer.good(source, url, thisUpdate, nextUpdate);
                }
                if (status instanceof RevokedStatus r) {
                    return Answer.revoked(source, url, r.getRevocationTime().toInstant(),
                            r.hasRevocationReason() ? Answer.reason(r.getRevocationReason()) : null, thisUpdate, nextUpdate);
                }
                if (status instanceof UnknownStatus) {
                    return new Answer(dev.certsonar.schemas.avro.RevocationStatus.UNKNOWN, source, url, null, null,
                            thisUpdate, nextUpdate, "the OCSP responder does not know the certificate");
                }
            }
            return Answer.unknown(source, url, "the OCSP response says nothing of this certificate");
        } catch (IOException | OCSPException | CertificateEncodingException | RuntimeException e) {
            return Answer.unknown(source, url, "not an OCSP response (" + e.getMessage() + ")");
        }
    }

    /** Signed by the issuer's key, or by a certificate the issuer signed for OCSP signing, valid now. */
    private boolean signedForIssuer(BasicOCSPResp basic, X509Certificate issuer) {
        try {
            if (basic.isSignatureValid(verifier(issuer.getPublicKey()))) {
                return true;
            }
        } catch (OCSPException | OperatorCreationException | RuntimeException e) {
            // not the issuer's signature: try a delegated responder
        }
        Date now = Date.from(clock.instant());
        for (X509CertificateHolder responder : basic.getCerts()) {
            try {
                boolean authorised = responder.getIssuer().equals(new JcaX509CertificateHolder(issuer).getSubject())
                        && responder.isValidOn(now)
                        && responder.isSignatureValid(verifier(issuer.getPublicKey()))
                        && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(responder.getExtensions()) != null
                        && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(responder.getExtensions())
                                .hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning);
                if (authorised && basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder))) {
                    return true;
                }
            } catch (Exception e) {
                // a responder certificate that cannot be read or checked authorises nothing
            }
        }
        return false;
    }

    private static ContentVerifierProvider verifier(PublicKey key) throws OperatorCreationException {
        return new JcaContentVerifierProviderBuilder().build(key);
    }
}

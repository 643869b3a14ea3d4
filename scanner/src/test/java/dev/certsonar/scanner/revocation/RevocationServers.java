package dev.certsonar.scanner.revocation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.certsonar.sandbox.tls.CertificateAuthority;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaBasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.jcajce.JcaCertificateID;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CA's HTTP side on loopback: CRLs published at paths, a server that never answers, one that sends more than any
 * limit, and an OCSP responder answering from a table of serials; every request counted by path.
 */
final class RevocationServers implements AutoCloseable {

    /** What the responder says of a serial. */
    enum OcspAnswer { GOOD, REVOKED, UNKNOWN }

    private final HttpServer server;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    RevocationServers() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int requests(String path) {
        AtomicInteger n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    /** Serves these bytes at the path. */
    void publish(String path, byte[] body) {
        server.createContext(path, exchange -> {
            count(exchange);
            respond(exchange, 200, body);
        });
    }

    /** Serves these bytes at the path in chunks of {@code chunk} bytes (chunked transfer encoding). */
    void publishChunked(String path, byte[] body, int chunk) {
        server.createContext(path, exchange -> {
            count(exchange);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int at = 0; at < body.length; at += chunk) {
                    out.write(body, at, Math.min(chunk, body.length - at));
                    out.flush();
                }
            }
        });
    }

    /** Accepts requests at the path and never answers (until closed). */
    void silent(String path) {
        server.createContext(path, exchange -> {
            count(exchange);
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
    }

    /** Answers at the path with {@code bytes} bytes of nothing, announced or not. */
    void oversized(String path, int bytes, boolean announced) {
        server.createContext(path, exchange -> {
            count(exchange);
            exchange.sendResponseHeaders(200, announced ? bytes : 0);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] block = new byte[8192];
                for (int sent = 0; sent < bytes; sent += block.length) {
                    out.write(block, 0, Math.min(block.length, bytes - sent));
                }
            } catch (IOException e) {
                // the client stopped reading: what the test expects
            }
        });
    }

    /** An OCSP responder at the path for certificates of {@code ca}, signed by {@code signer}'s key. */
    void ocsp(String path, CertificateAuthority ca, X509Certificate signerCertificate, PrivateKey signerKey,
              Map<BigInteger, OcspAnswer> answers) {
        server.createContext(path, exchange -> {
            count(exchange);
            try {
                OCSPReq request = new OCSPReq(exchange.getRequestBody().readAllBytes());
                BigInteger serial = request.getRequestList()[0].getCertID().getSerialNumber();
                respond(exchange, 200, ocspResponse(ca, signerCertificate, signerKey, serial,
                        answers.getOrDefault(serial, OcspAnswer.UNKNOWN), Instant.now(), Instant.now().plusSeconds(3600)));
            } catch (Exception e) {
                respond(exchange, 500, new byte[0]);
            }
        });
    }

    private void count(HttpExchange exchange) {
        requests.computeIfAbsent(exchange.getHttpContext().getPath(), p -> new AtomicInteger()).incrementAndGet();
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A CRL of {@code ca} listing the serials (revoked an hour ago, for keyCompromise); no nextUpdate when null. */
    static byte[] crl(CertificateAuthority ca, Instant thisUpdate, Instant nextUpdate, BigInteger... revoked) throws Exception {
        X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                Date.from(thisUpdate));
        if (nextUpdate != null) {
            b.setNextUpdate(Date.from(nextUpdate));
        }
        for (BigInteger serial : revoked) {
            b.addCRLEntry(serial, Date.from(thisUpdate.minusSeconds(3600)), CRLReason.keyCompromise);
        }
        return b.build(new JcaContentSignerBuilder(signatureAlgorithm(ca.privateKey())).build(ca.privateKey())).getEncoded();
    }

    /** An OCSP response for one serial of {@code ca}, signed by the signer (the CA or a responder it authorised). */
    static byte[] ocspResponse(CertificateAuthority ca, X509Certificate signerCertificate, PrivateKey signerKey,
                               BigInteger serial, OcspAnswer answer, Instant thisUpdate, Instant nextUpdate) throws Exception {
        var digests = new JcaDigestCalculatorProviderBuilder().build();
        CertificateID id = new JcaCertificateID(digests.get(CertificateID.HASH_SHA1), ca.certificate(), serial);
        BasicOCSPRespBuilder b = new JcaBasicOCSPRespBuilder(signerCertificate.getPublicKey(), digests.get(CertificateID.HASH_SHA1));
        CertificateStatus status = switch (answer) {
            case GOOD -> CertificateStatus.GOOD;
            case REVOKED -> new RevokedStatus(Date.from(thisUpdate.minusSeconds(7200)), CRLReason.superseded);
            case UNKNOWN -> new UnknownStatus();
        };
        b.addResponse(id, status, Date.from(thisUpdate), nextUpdate == null ? null : Date.from(nextUpdate), null);
        X509CertificateHolder[] chain = signerCertificate.equals(ca.certificate())
                ? new X509CertificateHolder[0] : new X509CertificateHolder[] {new JcaX509CertificateHolder(signerCertificate)};
        var basic = b.build(new JcaContentSignerBuilder(signatureAlgorithm(signerKey)).build(signerKey), chain, new Date());
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
    }

    static String signatureAlgorithm(PrivateKey key) {
        return key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}

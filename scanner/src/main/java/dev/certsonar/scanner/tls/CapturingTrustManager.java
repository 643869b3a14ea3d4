package dev.certsonar.scanner.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A trust manager that records every server chain, with the negotiated version and cipher suite (known from the
 * ServerHello), for the probe whose engine received it, and accepts it: trust is judged afterwards, on the captured
 * chain. With {@link HandshakeEnd#AT_CERTIFICATE} it ends the handshake right there instead: what follows the
 * certificate (the server's signature, the key exchange, Finished) tells the scanner nothing it needs and costs most
 * of the client's CPU, but the server then sees an aborted handshake. The handshake fails with {@link Captured} as
 * its cause, which the connector takes as success.
 */
final class CapturingTrustManager extends X509ExtendedTrustManager {

    /**
     * What the handshake had shown when the server's certificate arrived; {@code stapledOcsp} is the OCSP response the
     * server stapled for its certificate (null when none).
     */
    record Capture(List<X509Certificate> chain, String protocol, String cipherSuite, byte[] stapledOcsp) {
    }

    /** Ends the handshake once the chain is recorded; not a failure of the server. */
    static final class Captured extends CertificateException {
        private Captured() {
            super("the server's certificate chain is captured; the handshake ends here");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** Whether a handshake failure is the end the trust manager put to it after recording the chain. */
    static boolean isCaptured(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Captured) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private final Map<SSLEngine, Capture> captures = new ConcurrentHashMap<>();
    private final HandshakeEnd end;

    CapturingTrustManager(HandshakeEnd end) {
        this.end = end;
    }

    /** The capture of this engine, forgetting the engine. */
    Capture release(SSLEngine engine) {
        return captures.remove(engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (engine != null) {
            ClientEngines.Negotiated n = ClientEngines.Negotiated.during(engine);
            captures.put(engine, new Capture(List.of(chain), n.protocol(), n.cipherSuite(), ClientEngines.stapledOcsp(engine)));
            if (end == HandshakeEnd.AT_CERTIFICATE) {
                throw new Captured();
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("the scanner accepts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("the scanner accepts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the scanner accepts no clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}

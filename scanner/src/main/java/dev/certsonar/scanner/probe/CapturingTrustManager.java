package dev.certsonar.scanner.probe;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A trust manager that accepts every server chain and hands it, with the negotiated version and cipher suite, to the
 * probe whose engine received it. Trust is judged afterwards, on the captured chain.
 */
final class CapturingTrustManager extends X509ExtendedTrustManager {

    /** What the handshake had shown when the server's certificate arrived. */
    record Capture(List<X509Certificate> chain, String protocol, String cipherSuite) {
    }

    private final Map<SSLEngine, Capture> captures = new ConcurrentHashMap<>();
    /** The capture of this engine, forgetting the engine. */
    Capture release(SSLEngine engine) {
        return captures.remove(engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (engine != null) {
            SSLSession s = engine.getHandshakeSession();
            captures.put(engine, new Capture(List.of(chain), s == null ? null : s.getProtocol(), s == null ? null : s.getCipherSuite()));
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

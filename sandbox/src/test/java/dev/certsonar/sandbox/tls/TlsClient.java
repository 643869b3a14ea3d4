package dev.certsonar.sandbox.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** A plain JSSE client for the tests: connects, handshakes, sends a request and reads the answer. */
final class TlsClient {

    record Result(String protocol, List<X509Certificate> peerChain, String response) {
    }

    private TlsClient() {
    }

    /** A context that validates against {@code root} only (PKIX, as a scanner would). */
    static SSLContext trusting(X509Certificate root) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("root", root);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** A context that accepts any chain, so the test sees exactly what was served. */
    static SSLContext acceptingAnything() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }

    static Result connect(SSLContext context, TlsServer server, String sni, String... protocols) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(server.address(), server.port()), 5000);
            socket.setSoTimeout(5000);
            SSLParameters parameters = socket.getSSLParameters();
            if (sni != null) {
                parameters.setServerNames(List.of(new SNIHostName(sni)));
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (protocols.length > 0) {
                parameters.setProtocols(protocols);
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : socket.getSession().getPeerCertificates()) {
                chain.add((X509Certificate) c);
            }
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.0\r\nHost: " + (sni == null ? "localhost" : sni) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return new Result(socket.getSession().getProtocol(), chain, response);
        }
    }
}

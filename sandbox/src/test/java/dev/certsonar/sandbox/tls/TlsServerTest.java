package dev.certsonar.sandbox.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TlsServerTest {

    private static CertificateAuthority root;
    private static CertificateAuthority intermediate;
    private static IssuedCertificate localhost;

    @BeforeAll
    static void pki() {
        root = Pki.root("Server Test Root");
        intermediate = root.intermediate("Server Test CA");
        localhost = intermediate.leaf().dnsNames("localhost").ipAddresses("127.0.0.1").issue();
    }

    @Test
    void aTrustingClientHandshakesAndSeesTheChainInServedOrder() throws Exception {
        try (TlsServer server = TlsServer.builder().chain(localhost).start()) {
            var result = TlsClient.connect(TlsClient.trusting(root.certificate()), server, "localhost");

            assertThat(result.peerChain()).containsExactly(localhost.certificate(), intermediate.certificate());
            assertThat(result.protocol()).isEqualTo("TLSv1.3");
            assertThat(result.response()).startsWith("HTTP/1.0 200 OK").endsWith("ok\n");
            assertThat(server.address().getHostAddress()).isEqualTo("127.0.0.1");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.handshakes() == 1);
        }
    }

    @Test
    void aChainIsServedExactlyAsGivenEvenOutOfOrderWithTheRoot() throws Exception {
        List<X509Certificate> shuffled = List.of(localhost.certificate(), root.certificate(), intermediate.certificate());
        try (TlsServer server = TlsServer.builder().chain(localhost.privateKey(), shuffled).start()) {
            var result = TlsClient.connect(TlsClient.acceptingAnything(), server, null);

            assertThat(result.peerChain()).containsExactlyElementsOf(shuffled);
        }
    }

    @Test
    void sniSelectsTheChainAndUnknownNamesGetTheDefault() throws Exception {
        IssuedCertificate a = root.leaf().dnsNames("a.test").key(KeySpec.ec(256)).issue();
        IssuedCertificate b = intermediate.leaf().dnsNames("b.test").issue();
        try (TlsServer server = TlsServer.builder().chain(localhost).sni("a.test", a).sni("B.TEST", b).start()) {
            // a fresh client context each time: a JSSE client resumes its session with the same address and port
            // even for another SNI name, and would then show the previous session's chain
            assertThat(TlsClient.connect(TlsClient.trusting(root.certificate()), server, "a.test").peerChain())
                    .containsExactly(a.certificate());
            assertThat(TlsClient.connect(TlsClient.trusting(root.certificate()), server, "b.test").peerChain())
                    .containsExactly(b.certificate(), intermediate.certificate());
            assertThat(TlsClient.connect(TlsClient.acceptingAnything(), server, "other.test").peerChain().get(0))
                    .isEqualTo(localhost.certificate());
            assertThat(TlsClient.connect(TlsClient.acceptingAnything(), server, null).peerChain().get(0))
                    .isEqualTo(localhost.certificate());
        }
    }

    @Test
    void aWeakRsa1024Sha1ChainIsServedAndReceived() throws Exception {
        CertificateAuthority weakRoot = Pki.rootBuilder("Weak Root").key(KeySpec.rsa(1024)).signatureAlgorithm("SHA1withRSA").create();
        IssuedCertificate weak = weakRoot.leaf().dnsNames("localhost").key(KeySpec.rsa(1024)).signatureAlgorithm("SHA1withRSA").issue();
        try (TlsServer server = TlsServer.builder().chain(weak).protocols("TLSv1.2").start()) {
            var result = TlsClient.connect(TlsClient.trusting(weakRoot.certificate()), server, "localhost");

            assertThat(result.protocol()).isEqualTo("TLSv1.2");
            assertThat(result.peerChain()).containsExactly(weak.certificate());
            assertThat(result.peerChain().get(0).getSigAlgName()).isEqualTo("SHA1withRSA");
        }
        try (TlsServer server = TlsServer.builder().chain(weak).start()) {
            var result = TlsClient.connect(TlsClient.trusting(weakRoot.certificate()), server, "localhost");

            assertThat(result.protocol()).isEqualTo("TLSv1.3");
            assertThat(result.peerChain()).containsExactly(weak.certificate());
        }
    }

    @Test
    void anExpiredChainIsServed() throws Exception {
        IssuedCertificate expired = root.leaf().dnsNames("localhost").expiresIn(Duration.ofDays(-10)).issue();
        try (TlsServer server = TlsServer.builder().chain(expired).start()) {
            assertThat(TlsClient.connect(TlsClient.acceptingAnything(), server, "localhost").peerChain())
                    .containsExactly(expired.certificate());
            assertThatThrownBy(() -> TlsClient.connect(TlsClient.trusting(root.certificate()), server, "localhost"))
                    .isInstanceOf(SSLHandshakeException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.failedHandshakes() == 1);
        }
    }

    @Test
    void theServerAcceptsOnlyTheProtocolsItWasGiven() throws Exception {
        try (TlsServer server = TlsServer.builder().chain(localhost).protocols("TLSv1.2").start()) {
            assertThat(server.protocols()).containsExactly("TLSv1.2");
            assertThatThrownBy(() -> TlsClient.connect(TlsClient.acceptingAnything(), server, null, "TLSv1.3"))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(TlsClient.connect(TlsClient.acceptingAnything(), server, null).protocol()).isEqualTo("TLSv1.2");
        }
    }

    @Test
    void closeStopsAcceptingAndClosesOpenConnections() throws Exception {
        TlsServer server = TlsServer.builder().chain(localhost).start();
        var address = new InetSocketAddress(server.address(), server.port());
        try (Socket idle = new Socket()) {
            idle.connect(address, 2000);
            idle.setSoTimeout(5000);

            server.close();

            assertThat(readOrReset(idle)).as("the server closed the idle connection").isEqualTo(-1);
        }
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(address, 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    /**
     * Reads to the end of the stream: -1 once the server has closed the connection (a reset counts as closed).
     * A connection the server had already accepted may first get a TLS alert record (type 21) as it is closed;
     * a bounded number of such bytes is read past, and a server that keeps sending is reported by the last byte.
     */
    private static int readOrReset(Socket socket) throws IOException {
        int last = -1;
        try {
            var in = socket.getInputStream();
            for (int i = 0; i < 64; i++) {
                last = in.read();
                if (last == -1) {
                    return -1;
                }
            }
            return last;
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    @Test
    void aServerWithoutAChainIsRefused() {
        assertThatThrownBy(() -> TlsServer.builder().start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("chain");
    }

    @Test
    void aTakenPortIsReportedWithTheAddress() throws IOException {
        try (TlsServer first = TlsServer.builder().chain(localhost).start()) {
            assertThatThrownBy(() -> TlsServer.builder().chain(localhost).port(first.port()).start())
                    .hasMessageContaining("127.0.0.1:" + first.port());
        }
    }
}

package dev.certsonar.sandbox.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

/** Without {@link TlsServer#relaxLegacyConstraints()} the JDK refuses TLS 1.0 (this class runs in its own JVM). */
class LegacyProtocolDisabledTest {

    @Test
    void tls10IsRefusedByDefaultWhileTls12Works() throws Exception {
        CertificateAuthority root = Pki.root("Default Root");
        IssuedCertificate leaf = root.leaf().dnsNames("localhost").issue();
        try (TlsServer server = TlsServer.builder().chain(leaf).protocols("TLSv1", "TLSv1.2").start()) {
            assertThatThrownBy(() -> TlsClient.connect(TlsClient.acceptingAnything(), server, "localhost", "TLSv1"))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(TlsClient.connect(TlsClient.acceptingAnything(), server, "localhost").protocol()).isEqualTo("TLSv1.2");
        }
    }
}

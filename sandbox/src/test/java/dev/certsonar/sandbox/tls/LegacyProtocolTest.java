package dev.certsonar.sandbox.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.Security;

import org.junit.jupiter.api.Test;

/**
 * TLS 1.0 and 1.1 work only after {@link TlsServer#relaxLegacyConstraints()} ran before the JVM's first use of
 * JSSE; the sandbox's surefire runs each test class in a fresh JVM, so this class relaxes them first.
 */
class LegacyProtocolTest {

    static {
        TlsServer.relaxLegacyConstraints();
    }

    @Test
    void tls10AndTls11ServeAWeakChainAfterRelaxing() throws Exception {
        assertThat(Security.getProperty("jdk.tls.disabledAlgorithms")).doesNotContain("TLSv1,").doesNotContain("TLSv1.1");
        CertificateAuthority root = Pki.rootBuilder("Legacy Root").signatureAlgorithm("SHA1withRSA").create();
        IssuedCertificate weak = root.leaf().dnsNames("localhost").key(KeySpec.rsa(1024)).signatureAlgorithm("SHA1withRSA").issue();

        for (String protocol : new String[] {"TLSv1", "TLSv1.1"}) {
            try (TlsServer server = TlsServer.builder().chain(weak).protocols(protocol).start()) {
                var result = TlsClient.connect(TlsClient.trusting(root.certificate()), server, "localhost", protocol);

                assertThat(result.protocol()).isEqualTo(protocol);
                assertThat(result.peerChain()).containsExactly(weak.certificate());
                assertThat(result.response()).startsWith("HTTP/1.0 200 OK");
            }
        }
    }

    @Test
    void relaxingTwiceChangesNothingMore() {
        assertThat(TlsServer.relaxLegacyConstraints()).isFalse();
    }
}

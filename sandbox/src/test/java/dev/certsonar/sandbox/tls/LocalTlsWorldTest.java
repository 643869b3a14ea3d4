package dev.certsonar.sandbox.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTlsWorldTest {

    @Test
    void fourServersPresentTheirCertificatesForLocalhost(@TempDir Path dir) throws Exception {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        try (LocalTlsWorld world = LocalTlsWorld.start(dir, clock)) {
            assertThat(world.caFile()).isEqualTo(dir.resolve("ca.pem"));
            assertThat(Pem.read(world.caFile())).containsExactly(world.root().certificate());
            assertThat(world.servers()).extracting(LocalTlsWorld.LocalServer::kind)
                    .containsExactly("valid", "expiring", "expired", "self-signed");
            assertThat(world.servers()).allSatisfy(s -> assertThat(s.host()).isEqualTo("localhost"));
            assertThat(world.servers()).extracting(LocalTlsWorld.LocalServer::port).doesNotHaveDuplicates();

            assertThat(notAfter(world, "valid")).isEqualTo(now.plus(Duration.ofDays(200)));
            assertThat(notAfter(world, "expiring")).isEqualTo(now.plus(Duration.ofDays(3)));
            assertThat(notAfter(world, "expired")).isEqualTo(now.minus(Duration.ofDays(10)));
            var selfSigned = world.certificate("self-signed").certificate();
            assertThat(selfSigned.getIssuerX500Principal()).isEqualTo(selfSigned.getSubjectX500Principal());

            var trusting = TlsClient.trusting(Pem.read(world.caFile()).get(0));
            var valid = TlsClient.connect(trusting, serverOf(world, "valid"), "localhost");
            assertThat(valid.peerChain()).hasSize(2).first().isEqualTo(world.certificate("valid").certificate());
            assertThat(TlsClient.connect(trusting, serverOf(world, "expiring"), "localhost").peerChain().get(0))
                    .isEqualTo(world.certificate("expiring").certificate());
            assertThatThrownBy(() -> TlsClient.connect(trusting, serverOf(world, "expired"), "localhost"))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThatThrownBy(() -> TlsClient.connect(trusting, serverOf(world, "self-signed"), "localhost"))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(TlsClient.connect(TlsClient.acceptingAnything(), serverOf(world, "self-signed"), "localhost").peerChain())
                    .containsExactly(selfSigned);
        }
    }

    private static Instant notAfter(LocalTlsWorld world, String kind) {
        return world.certificate(kind).certificate().getNotAfter().toInstant();
    }

    private static TlsServer serverOf(LocalTlsWorld world, String kind) {
        return world.tlsServer(kind);
    }
}

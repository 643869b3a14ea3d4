package dev.certsonar.scanner.revocation;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pem;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.probe.ProbeEngine;
import dev.certsonar.scanner.revocation.RevocationServers.OcspAnswer;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.scanner.tls.TlsLibrary;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Revocation;
import dev.certsonar.schemas.avro.RevocationSource;
import dev.certsonar.schemas.avro.RevocationStatus;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import dev.certsonar.schemas.policy.Verdicts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revocation by OCSP: a responder built with Bouncy Castle on loopback answering good, revoked and unknown, a
 * delegated responder, a response signed by a stranger, and a response stapled by a real TLS server (BoringSSL through
 * netty, which staples what it is given) to each of the scanner's TLS libraries.
 */
class OcspProbeTest extends WithRevocationServers {

    static final String NAME = "app.test";

    @TempDir
    static Path dir;
    static Path caFile;
    static CertificateAuthority root;
    static CertificateAuthority intermediate;

    @BeforeAll
    static void pki() throws Exception {
        root = Pki.rootBuilder("OCSP Test Root").key(KeySpec.EC_256).create();
        intermediate = root.intermediateBuilder("OCSP Test Issuing CA").key(KeySpec.EC_256).create();
        caFile = dir.resolve("root.pem");
        Pem.write(caFile, root.certificate());
    }

    ProbeEngine engine(TlsLibrary library) {
        ProbeEngine e = new ProbeEngine(ScannerConfig.DEFAULT.withTimeout(Duration.ofSeconds(5)).withCaFiles(List.of(caFile))
                .withTlsLibrary(library), Clock.systemUTC());
        closing.add(e);
        return e;
    }

    IssuedCertificate leaf(String ocspPath) {
        return intermediate.leaf().key(KeySpec.EC_256).dnsNames(NAME).validFor(Duration.ofDays(90))
                .ocspUrl(http.url(ocspPath)).issue();
    }

    Observation scan(ProbeEngine engine, int port) {
        Target t = TargetSpecs.parse("127.0.0.1:" + port, Map.of("sni", NAME), false);
        Observation o = engine.scan(t, "scan-1").getFirst();
        assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
        return o;
    }

    int serve(IssuedCertificate leaf) {
        TlsServer s = TlsServer.builder().chain(leaf.privateKey(), leaf.chain()).start();
        closing.add(s);
        return s.port();
    }

    @Test
    void theResponderSaysGoodRevokedAndUnknown() {
        IssuedCertificate good = leaf("/ocsp");
        IssuedCertificate revoked = leaf("/ocsp");
        IssuedCertificate unknown = leaf("/ocsp");
        http.ocsp("/ocsp", intermediate, intermediate.certificate(), intermediate.privateKey(), Map.of(
                good.certificate().getSerialNumber(), OcspAnswer.GOOD,
                revoked.certificate().getSerialNumber(), OcspAnswer.REVOKED));
        ProbeEngine engine = engine(TlsLibrary.BORINGSSL);

        Observation g = scan(engine, serve(good));
        assertThat(g.getRevocation()).extracting(Revocation::getStatus).containsExactly(RevocationStatus.GOOD, RevocationStatus.NOT_CHECKED);
        assertThat(g.getRevocation().getFirst().getStatus()).isEqualTo(RevocationStatus.GOOD);
        assertThat(g.getRevocation().getFirst().getSource()).isEqualTo(RevocationSource.OCSP);
        assertThat(g.getRevocation().getFirst().getUrl()).isEqualTo(http.url("/ocsp"));
        assertThat(g.getRevocation().getFirst().getNextUpdate()).isAfter(Instant.now());

        Observation r = scan(engine, serve(revoked));
        Revocation rr = r.getRevocation().getFirst();
        assertThat(rr.getStatus()).isEqualTo(RevocationStatus.REVOKED);
        assertThat(rr.getReason()).isEqualTo("superseded");
        assertThat(rr.getRevokedAt()).isBefore(Instant.now());
        Verdicts.Verdict v = Verdicts.of(r, ExpiryPolicy.DEFAULT, Instant.now());
        assertThat(v.status()).isEqualTo(Status.INVALID);
        assertThat(v.conditions()).extracting(Verdicts.Finding::type).containsExactly(ConditionType.REVOKED);

        Observation u = scan(engine, serve(unknown));
        Revocation ur = u.getRevocation().getFirst();
        assertThat(ur.getStatus()).isEqualTo(RevocationStatus.UNKNOWN);
        assertThat(ur.getDetail()).isEqualTo("the OCSP responder does not know the certificate");
        assertThat(ur.getUnknownSince()).isNotNull();

        // each answer is kept until its nextUpdate: a second probe asks nothing
        scan(engine, serve(good));
        assertThat(http.requests("/ocsp")).isEqualTo(3);
        assertThat(engine.revocation().ocspFetches()).isEqualTo(3);
    }

    @Test
    void aDelegatedResponderIsBelievedAndAStrangerIsNot() throws Exception {
        CertificateAuthority stranger = Pki.rootBuilder("OCSP Test Issuing CA").key(KeySpec.EC_256).create();
        IssuedCertificate responder = intermediate.leaf().key(KeySpec.EC_256).subject("OCSP Responder")
                .profile(p -> p.extendedKeyUsage("OCSPSigning")).issue();
        IssuedCertificate delegated = leaf("/delegated");
        IssuedCertificate forged = leaf("/forged");
        http.ocsp("/delegated", intermediate, responder.certificate(), responder.privateKey(),
                Map.of(delegated.certificate().getSerialNumber(), OcspAnswer.REVOKED));
        http.ocsp("/forged", intermediate, stranger.certificate(), stranger.privateKey(),
                Map.of(forged.certificate().getSerialNumber(), OcspAnswer.REVOKED));
        ProbeEngine engine = engine(TlsLibrary.BORINGSSL);

        assertThat(scan(engine, serve(delegated)).getRevocation().getFirst().getStatus()).isEqualTo(RevocationStatus.REVOKED);
        Revocation f = scan(engine, serve(forged)).getRevocation().getFirst();
        assertThat(f.getStatus()).isEqualTo(RevocationStatus.UNKNOWN);
        assertThat(f.getDetail()).startsWith("bad signature");
    }

    @ParameterizedTest
    @EnumSource(TlsLibrary.class)
    void aStapledResponseIsUsedFirst(TlsLibrary library) throws Exception {
        Assumptions.assumeTrue(OpenSsl.isAvailable() && OpenSsl.isOcspSupported(),
                "the stapling server needs BoringSSL with OCSP: " + OpenSsl.unavailabilityCause());
        IssuedCertificate leaf = leaf("/ocsp");
        // the responder would say good: the stapled response, which says revoked, is the one used
        http.ocsp("/ocsp", intermediate, intermediate.certificate(), intermediate.privateKey(),
                Map.of(leaf.certificate().getSerialNumber(), OcspAnswer.GOOD));
        byte[] stapled = RevocationServers.ocspResponse(intermediate, intermediate.certificate(), intermediate.privateKey(),
                leaf.certificate().getSerialNumber(), OcspAnswer.REVOKED, Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1)));
        int port = stapling(leaf, stapled);

        Observation o = scan(engine(library), port);
        Revocation r = o.getRevocation().getFirst();
        assertThat(r.getSource()).isEqualTo(RevocationSource.STAPLED_OCSP);
        assertThat(r.getStatus()).isEqualTo(RevocationStatus.REVOKED);
        assertThat(r.getUrl()).isNull();
        assertThat(http.requests("/ocsp")).isZero();
    }

    @Test
    void aStapledResponseForAnotherCertificateIsSetAsideForTheResponder() throws Exception {
        Assumptions.assumeTrue(OpenSsl.isAvailable() && OpenSsl.isOcspSupported(),
                "the stapling server needs BoringSSL with OCSP: " + OpenSsl.unavailabilityCause());
        IssuedCertificate leaf = leaf("/ocsp");
        http.ocsp("/ocsp", intermediate, intermediate.certificate(), intermediate.privateKey(),
                Map.of(leaf.certificate().getSerialNumber(), OcspAnswer.GOOD));
        byte[] other = RevocationServers.ocspResponse(intermediate, intermediate.certificate(), intermediate.privateKey(),
                BigInteger.valueOf(42), OcspAnswer.REVOKED, Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)));
        Observation o = scan(engine(TlsLibrary.BORINGSSL), stapling(leaf, other));

        assertThat(o.getRevocation().getFirst().getSource()).isEqualTo(RevocationSource.OCSP);
        assertThat(o.getRevocation().getFirst().getStatus()).isEqualTo(RevocationStatus.GOOD);
        assertThat(http.requests("/ocsp")).isEqualTo(1);
    }

    /** A TLS server on loopback (BoringSSL through netty) that staples {@code response} to every handshake. */
    int stapling(IssuedCertificate leaf, byte[] response) throws Exception {
        SslContext context = SslContextBuilder.forServer(leaf.privateKey(), leaf.chain().toArray(X509Certificate[]::new))
                .sslProvider(SslProvider.OPENSSL).enableOcsp(true).build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler handler = context.newHandler(ch.alloc());
                        ((ReferenceCountedOpenSslEngine) handler.engine()).setOcspResponse(response);
                        ch.pipeline().addLast(handler);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0)).sync().channel();
        closing.add(() -> {
            channel.close().sync();
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        });
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }
}

package dev.certsonar.scanner.probe;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pem;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.judge.CertificateParser;
import dev.certsonar.scanner.judge.TrustAnchors;
import dev.certsonar.scanner.net.LoopbackDns;
import dev.certsonar.scanner.revocation.RevocationConfig;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.scanner.tls.HandshakeEnd;
import dev.certsonar.scanner.tls.Jsse;
import dev.certsonar.scanner.tls.TlsLibrary;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import dev.certsonar.schemas.policy.StatusRules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The probe engine against real local TLS servers presenting certificates made for each case. */
class ProbeEngineTest {

    static final String NAME = "app.test";
    static final Clock CLOCK = Clock.systemUTC();

    static CertificateAuthority root;
    static CertificateAuthority intermediate;
    static Path caFile;
    static ProbeEngine engine;
    static final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void pki(@TempDir Path dir) throws Exception {
        root = Pki.root("Test Root");
        intermediate = root.intermediate("Test Issuing CA");
        caFile = dir.resolve("ca.pem");
        Pem.write(caFile, root.certificate());
        engine = new ProbeEngine(config(), CLOCK);
    }

    static ScannerConfig config() {
        // revocation has tests of its own; the URLs these certificates name are not to be resolved
        return ScannerConfig.DEFAULT.withTimeout(Duration.ofSeconds(5)).withCaFiles(List.of(caFile))
                .withRevocation(RevocationConfig.OFF);
    }

    @AfterAll
    static void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        engine.close();
    }

    static TlsServer serve(X509Certificate leaf, java.security.PrivateKey key, List<X509Certificate> chain, String... protocols) {
        TlsServer.Builder b = TlsServer.builder().chain(key, chain);
        if (protocols.length > 0) {
            b.protocols(protocols);
        }
        TlsServer s = b.start();
        closing.add(s);
        return s;
    }

    static TlsServer serve(IssuedCertificate c) {
        return serve(c.certificate(), c.privateKey(), c.chain());
    }

    static Observation scanOne(TlsServer server) {
        return scanOne(engine, "127.0.0.1:" + server.port(), NAME);
    }

    static Observation scanOne(ProbeEngine e, String spec, String sni) {
        Target t = TargetSpecs.parse(spec, sni == null ? Map.of() : Map.of("sni", sni), false);
        List<Observation> obs = e.scan(t, "scan-1");
        assertThat(obs).hasSize(1);
        return obs.get(0);
    }

    static Status status(Observation o) {
        return StatusRules.status(o, ExpiryPolicy.DEFAULT, CLOCK.instant());
    }

    @Test
    void validChainIsOkAndFullyDescribed() {
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME, "www.app.test").validFor(Duration.ofDays(200))
                .ocspUrl("http://ocsp.test/").caIssuersUrl("http://ca.test/int.crt").crlUrl("http://crl.test/int.crl").issue();
        TlsServer server = serve(leaf);
        Observation o = scanOne(server);

        assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(o.getError()).isNull();
        assertThat(status(o)).isEqualTo(Status.OK);
        assertThat(o.getEndpoint()).isEqualTo(new Endpoint("127.0.0.1", server.port(), NAME));
        assertThat(o.getScanEndpoints()).containsExactly(o.getEndpoint());
        assertThat(o.getScanId()).isEqualTo("scan-1");
        assertThat(o.getTlsVersion()).isEqualTo("TLSv1.3");
        assertThat(o.getCipherSuite()).startsWith("TLS_");
        assertThat(o.getChain()).hasSize(2);
        Certificate c = o.getChain().get(0);
        assertThat(c.getSans()).containsExactly(NAME, "www.app.test");
        assertThat(c.getOcspUrls()).containsExactly("http://ocsp.test/");
        assertThat(c.getCaIssuersUrls()).containsExactly("http://ca.test/int.crt");
        assertThat(c.getCrlUrls()).containsExactly("http://crl.test/int.crl");
        assertThat(c.getCa()).isFalse();
        assertThat(c.getSelfSigned()).isFalse();
        assertThat(c.getSerial()).isEqualTo(java.util.HexFormat.of().formatHex(leaf.certificate().getSerialNumber().toByteArray()));
        assertThat(c.getSha256()).hasSize(64);
        assertThat(o.getChain().get(1).getCa()).isTrue();
        assertThat(o.getChain().get(1).getKeyUsage()).contains("keyCertSign");
        assertThat(o.getNotAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
        assertThat(o.getExpiryCertificate().getSha256()).isEqualTo(c.getSha256());
        var k = o.getChecks();
        assertThat(k.getTrusted()).isTrue();
        assertThat(k.getChainComplete()).isTrue();
        assertThat(k.getHostnameMatch()).isTrue();
        assertThat(k.getHostnameChecked()).isEqualTo(NAME);
        assertThat(k.getPublicAnchor()).isFalse();
        assertThat(k.getProblems()).isEmpty();
        assertThat(o.getTimings().getConnectMillis()).isNotNull();
        assertThat(o.getTimings().getHandshakeMillis()).isNotNull();
    }

    @Test
    void expiredIsExpiredOnlyNotAlsoUntrusted() {
        Instant now = CLOCK.instant();
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).notBefore(now.minus(Duration.ofDays(100)))
                .notAfter(now.minus(Duration.ofDays(10))).issue();
        Observation o = scanOne(serve(leaf));
        assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(status(o)).isEqualTo(Status.EXPIRED);
        assertThat(o.getChecks().getTrusted()).isTrue();
        assertThat(o.getChecks().getChainComplete()).isTrue();
        assertThat(o.getChecks().getExpired()).isTrue();
        assertThat(o.getChecks().getProblems()).singleElement().asString().contains("expired");
    }

    @Test
    void notYetValidIsInvalid() {
        Instant now = CLOCK.instant();
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).notBefore(now.plus(Duration.ofDays(10)))
                .notAfter(now.plus(Duration.ofDays(210))).issue();
        Observation o = scanOne(serve(leaf));
        assertThat(status(o)).isEqualTo(Status.INVALID);
        assertThat(o.getChecks().getNotYetValid()).isTrue();
        assertThat(o.getChecks().getTrusted()).isTrue();
        assertThat(o.getChecks().getProblems()).singleElement().asString().contains("not valid before");
    }

    @Test
    void selfSignedIsUntrusted() {
        IssuedCertificate self = Pki.selfSigned().dnsNames(NAME).validFor(Duration.ofDays(100)).issue();
        Observation o = scanOne(serve(self));
        assertThat(status(o)).isEqualTo(Status.INVALID);
        assertThat(o.getChecks().getTrusted()).isFalse();
        assertThat(o.getChecks().getSelfSigned()).isTrue();
        assertThat(o.getChain().get(0).getSelfSigned()).isTrue();
        assertThat(o.getChecks().getProblems()).singleElement().asString().contains("self-signed");
    }

    @Test
    void wrongHostIsAHostnameMismatch() {
        IssuedCertificate leaf = intermediate.leaf().dnsNames("other.test", "*.other.test").validFor(Duration.ofDays(100)).issue();
        Observation o = scanOne(serve(leaf));
        assertThat(status(o)).isEqualTo(Status.INVALID);
        assertThat(o.getChecks().getHostnameMatch()).isFalse();
        assertThat(o.getChecks().getTrusted()).isTrue();
        assertThat(o.getChecks().getProblems()).singleElement().asString().contains("not valid for app.test");
    }

    @Test
    void missingIntermediateIsAnIncompleteChain() {
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).validFor(Duration.ofDays(100)).issue();
        Observation o = scanOne(serve(leaf.certificate(), leaf.privateKey(), List.of(leaf.certificate())));
        assertThat(status(o)).isEqualTo(Status.INVALID);
        assertThat(o.getChecks().getChainComplete()).isFalse();
        assertThat(o.getChecks().getProblems()).singleElement().asString().contains("incomplete chain");
    }

    @Test
    void aChainServedOutOfOrderIsTrusted() {
        CertificateAuthority second = intermediate.intermediate("Test Second Level CA");
        IssuedCertificate leaf = second.leaf().dnsNames(NAME).validFor(Duration.ofDays(100)).issue();
        List<X509Certificate> shuffled = List.of(leaf.certificate(), intermediate.certificate(), root.certificate(), second.certificate());
        Observation o = scanOne(serve(leaf.certificate(), leaf.privateKey(), shuffled));
        assertThat(o.getChain()).hasSize(4);
        assertThat(o.getChecks().getTrusted()).isTrue();
        assertThat(o.getChecks().getChainComplete()).isTrue();
        assertThat(status(o)).isEqualTo(Status.OK);
    }

    @Test
    void anExpiringCrossSignWithAValidAlternativeIsNoAlarm(@TempDir Path dir) throws Exception {
        Instant now = CLOCK.instant();
        CertificateAuthority oldRoot = Pki.root("Old Root");
        CertificateAuthority newRoot = Pki.root("New Root");
        X509Certificate cross = oldRoot.crossSign(newRoot, now.minus(Duration.ofDays(300)), now.plus(Duration.ofDays(2)));
        CertificateAuthority issuing = newRoot.intermediate("New Issuing CA");
        IssuedCertificate leaf = issuing.leaf().dnsNames(NAME).validFor(Duration.ofDays(90)).issue();
        TlsServer server = serve(leaf.certificate(), leaf.privateKey(), List.of(leaf.certificate(), issuing.certificate(), cross));

        Path both = dir.resolve("both.pem");
        Pem.write(both, oldRoot.certificate(), newRoot.certificate());
        try (ProbeEngine e = new ProbeEngine(config().withCaFiles(List.of(both)), CLOCK)) {
            Observation o = scanOne(e, "127.0.0.1:" + server.port(), NAME);
            assertThat(status(o)).isEqualTo(Status.OK);
            assertThat(o.getNotAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
            assertThat(o.getServedChainNotAfter()).isEqualTo(cross.getNotAfter().toInstant());
            assertThat(o.getChecks().getProblems()).isEmpty();
        }
        // trusting only the old root, the cross-sign is on the only path: it defines notAfter
        Path old = dir.resolve("old.pem");
        Pem.write(old, oldRoot.certificate());
        try (ProbeEngine e = new ProbeEngine(config().withCaFiles(List.of(old)), CLOCK)) {
            Observation o = scanOne(e, "127.0.0.1:" + server.port(), NAME);
            assertThat(o.getNotAfter()).isEqualTo(cross.getNotAfter().toInstant());
            assertThat(o.getExpiryCertificate().getSubject()).isEqualTo("CN=New Root");
            assertThat(status(o)).isEqualTo(Status.CRITICAL);
        }
    }

    @Test
    void rsa1024IsAWeakKey() {
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).key(KeySpec.rsa(1024)).validFor(Duration.ofDays(100)).issue();
        Observation o = scanOne(serve(leaf));
        assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(o.getChain().get(0).getKeyBits()).isEqualTo(1024);
        assertThat(o.getChecks().getWeakKey()).isTrue();
        assertThat(status(o)).isEqualTo(Status.INVALID);
        assertThat(o.getChecks().getProblems()).singleElement().asString().contains("1024-bit RSA");
    }

    @Test
    void sha1IsAWeakSignature() {
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).key(KeySpec.rsa(2048)).signatureAlgorithm("SHA1withRSA")
                .validFor(Duration.ofDays(100)).issue();
        Observation o = scanOne(serve(leaf));
        assertThat(o.getChain().get(0).getSignatureAlgorithm()).isEqualTo("SHA1withRSA");
        assertThat(o.getChecks().getWeakSignature()).isTrue();
        assertThat(o.getChecks().getTrusted()).isTrue();
        assertThat(status(o)).isEqualTo(Status.INVALID);
    }

    @Test
    void tls10IsProbedAndNamedLegacy() {
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).key(KeySpec.rsa(2048)).validFor(Duration.ofDays(100)).issue();
        Observation o = scanOne(serve(leaf.certificate(), leaf.privateKey(), leaf.chain(), "TLSv1"));
        assertThat(o.getOutcome()).as("error: %s", o.getError()).isEqualTo(Outcome.OK);
        assertThat(o.getTlsVersion()).isEqualTo("TLSv1");
        assertThat(o.getChecks().getLegacyProtocol()).isTrue();
        assertThat(o.getChecks().getProblems()).singleElement().asString().contains("legacy protocol");
        assertThat(status(o)).as("LEGACY_PROTOCOL is a WARNING by default").isEqualTo(Status.WARNING);
    }

    @Test
    void aClosedPortIsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Observation o = scanOne(engine, "127.0.0.1:" + port, null);
        assertThat(o.getOutcome()).isEqualTo(Outcome.REFUSED);
        assertThat(o.getError()).contains("refused");
        assertThat(o.getChecks()).isNull();
        assertThat(status(o)).isEqualTo(Status.UNREACHABLE);
    }

    @Test
    void aNameFansOutToEveryAddressWithTheNameAsSni() throws Exception {
        IssuedCertificate leaf = intermediate.leaf().dnsNames("multi.test").validFor(Duration.ofDays(100)).issue();
        TlsServer one = serve(leaf);
        TlsServer two = TlsServer.builder().bind(InetAddress.getByName("127.0.0.2")).port(one.port()).chain(leaf).start();
        closing.add(two);
        try (LoopbackDns dns = new LoopbackDns()) {
            dns.add("multi.test", InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"));
            try (ProbeEngine e = new ProbeEngine(config().withDnsServers(List.of(dns.server())), CLOCK)) {
                List<Observation> obs = e.scan(TargetSpecs.parse("multi.test:" + one.port()), "scan-2");
                assertThat(obs).extracting(Observation::getEndpoint).containsExactlyInAnyOrder(
                        new Endpoint("127.0.0.1", one.port(), "multi.test"), new Endpoint("127.0.0.2", one.port(), "multi.test"));
                assertThat(obs).allSatisfy(o -> {
                    assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
                    assertThat(o.getScanEndpoints()).hasSize(2);
                    assertThat(o.getChecks().getHostnameMatch()).isTrue();
                    assertThat(o.getTimings().getDnsMillis()).isNotNull();
                    assertThat(status(o)).isEqualTo(Status.OK);
                });
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    assertThat(one.handshakes()).isGreaterThanOrEqualTo(1);
                    assertThat(two.handshakes()).isGreaterThanOrEqualTo(1);
                });

                Observation missing = e.scan(TargetSpecs.parse("nothing.test:443"), "scan-3").get(0);
                assertThat(missing.getOutcome()).isEqualTo(Outcome.DNS_FAILED);
                assertThat(missing.getEndpoint()).isNull();
                assertThat(missing.getError()).contains("nothing.test");
            }
        }
    }

    @Test
    void aDeniedAddressIsBlockedWithoutASocket() {
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).validFor(Duration.ofDays(100)).issue();
        TlsServer server = TlsServer.builder().bind(loopback("127.0.0.3")).chain(leaf).start();
        closing.add(server);
        try (ProbeEngine e = new ProbeEngine(config().withDeny(List.of("127.0.0.3/32")), CLOCK)) {
            Observation o = scanOne(e, "127.0.0.3:" + server.port(), NAME);
            assertThat(o.getOutcome()).isEqualTo(Outcome.BLOCKED_BY_POLICY);
            assertThat(o.getError()).contains("127.0.0.3");
            assertThat(server.handshakes() + server.failedHandshakes()).isZero();
        }
        try (ProbeEngine e = new ProbeEngine(config().withAllow(List.of("10.0.0.0/8")), CLOCK)) {
            assertThat(scanOne(e, "127.0.0.3:" + server.port(), NAME).getOutcome()).isEqualTo(Outcome.BLOCKED_BY_POLICY);
        }
        assertThat(scanOne(engine, "127.0.0.3:" + server.port(), NAME).getOutcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void aCidrRangeExpandsToItsAddresses() {
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).validFor(Duration.ofDays(100)).issue();
        TlsServer one = TlsServer.builder().bind(loopback("127.0.0.5")).chain(leaf).start();
        closing.add(one);
        TlsServer two = TlsServer.builder().bind(loopback("127.0.0.6")).port(one.port()).chain(leaf).start();
        closing.add(two);
        List<Observation> obs = engine.scan(TargetSpecs.parse("127.0.0.4/30:" + one.port()), "scan-4");
        assertThat(obs).extracting(o -> o.getEndpoint().getAddress()).containsExactly("127.0.0.5", "127.0.0.6");
        assertThat(obs).allSatisfy(o -> {
            assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
            assertThat(o.getEndpoint().getSni()).isNull();
            assertThat(o.getChecks().getHostnameChecked()).isNull();
            assertThat(o.getScanEndpoints()).hasSize(2);
        });
        assertThatThrownBy(() -> TargetSpecs.parse("10.0.0.0/15:443")).hasMessageContaining("more than a /16");
        assertThat(TargetSpecs.parse("10.0.0.0/15:443", Map.of(), true).getHost()).isEqualTo("10.0.0.0/15");
    }

    @Test
    void anIpTargetSendsNoSniAndIsCheckedAgainstIpSans() {
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).ipAddresses("127.0.0.1").validFor(Duration.ofDays(100)).issue();
        IssuedCertificate byName = intermediate.leaf().dnsNames(NAME).validFor(Duration.ofDays(50)).issue();
        TlsServer server = TlsServer.builder().chain(leaf).sni(NAME, byName).start();
        closing.add(server);
        Observation o = scanOne(engine, "127.0.0.1:" + server.port(), null);
        assertThat(o.getEndpoint().getSni()).isNull();
        assertThat(o.getNotAfter()).as("the default chain, served without SNI").isEqualTo(leaf.certificate().getNotAfter().toInstant());
        Observation named = scanOne(engine, "127.0.0.1:" + server.port(), NAME);
        assertThat(named.getNotAfter()).as("the chain served for the SNI name").isEqualTo(byName.certificate().getNotAfter().toInstant());
        assertThat(o.getChecks().getHostnameChecked()).isEqualTo("127.0.0.1");
        assertThat(o.getChecks().getHostnameMatch()).isTrue();
        assertThat(status(o)).isEqualTo(Status.OK);
    }

    @ParameterizedTest
    @EnumSource(HandshakeEnd.class)
    void twoNamesOnOneAddressAndPortEachSeeTheirOwnCertificateEveryTime(HandshakeEnd end) {
        String other = "other.test";
        IssuedCertificate byName = intermediate.leaf().dnsNames(NAME).validFor(Duration.ofDays(40)).issue();
        IssuedCertificate byOther = intermediate.leaf().dnsNames(other).validFor(Duration.ofDays(80)).issue();
        TlsServer server = TlsServer.builder().chain(byName).sni(NAME, byName).sni(other, byOther).start();
        closing.add(server);
        try (ProbeEngine e = new ProbeEngine(config(), CLOCK, TrustAnchors.load(List.of(caFile)), end)) {
            for (int round = 0; round < 3; round++) {
                Observation a = scanOne(e, "127.0.0.1:" + server.port(), NAME);
                Observation b = scanOne(e, "127.0.0.1:" + server.port(), other);
                assertThat(a.getNotAfter()).isEqualTo(byName.certificate().getNotAfter().toInstant());
                assertThat(b.getNotAfter()).isEqualTo(byOther.certificate().getNotAfter().toInstant());
                assertThat(List.of(a, b)).allSatisfy(o -> {
                    assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
                    assertThat(o.getTlsVersion()).isEqualTo("TLSv1.3");
                    assertThat(o.getChain()).hasSize(2);
                    assertThat(o.getChecks().getHostnameMatch()).isTrue();
                    assertThat(o.getChecks().getProblems()).isEmpty();
                });
            }
        }
    }

    @Test
    void handshakesAreMadeWithBoringSslByDefault() {
        // fails where the bundled native library cannot be loaded: the scanner would then fall back to the JDK's TLS
        assertThat(engine.tlsLibrary()).isEqualTo(TlsLibrary.BORINGSSL);
    }

    @ParameterizedTest
    @EnumSource(TlsLibrary.class)
    void aServerOfferingOnlyFiniteFieldDheIsProbedWithTheJdksTlsWhenBoringSslCannot(TlsLibrary library) {
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).key(KeySpec.rsa(2048)).validFor(Duration.ofDays(100)).issue();
        TlsServer server = TlsServer.builder().chain(leaf.privateKey(), leaf.chain()).protocols("TLSv1.2")
                .cipherSuites("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256").start();
        closing.add(server);
        try (ProbeEngine e = new ProbeEngine(config().withTlsLibrary(library), CLOCK, TrustAnchors.load(List.of(caFile)))) {
            Observation o = scanOne(e, "127.0.0.1:" + server.port(), NAME);
            assertThat(o.getOutcome()).as("error: %s", o.getError()).isEqualTo(Outcome.OK);
            assertThat(o.getTlsVersion()).isEqualTo("TLSv1.2");
            assertThat(o.getCipherSuite()).isEqualTo("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
            assertThat(o.getChecks().getTrusted()).isTrue();
            assertThat(e.tlsLibrary()).isEqualTo(library);
        }
        // BoringSSL has no finite-field DHE: its attempt fails and the JDK's succeeds, on a second connection
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(server.handshakes()).isEqualTo(1);
            assertThat(server.failedHandshakes()).isEqualTo(library == TlsLibrary.BORINGSSL ? 1 : 0);
        });
    }

    @ParameterizedTest
    @EnumSource(TlsLibrary.class)
    void eitherLibrarySeesTheSameCertificateVersionAndSuite(TlsLibrary library) {
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).validFor(Duration.ofDays(90)).issue();
        try (ProbeEngine e = new ProbeEngine(config().withTlsLibrary(library), CLOCK, TrustAnchors.load(List.of(caFile)))) {
            for (String protocol : List.of("TLSv1.3", "TLSv1.2", "TLSv1")) {
                TlsServer server = serve(leaf.certificate(), leaf.privateKey(), leaf.chain(), protocol);
                Observation o = scanOne(e, "127.0.0.1:" + server.port(), NAME);
                assertThat(o.getOutcome()).as("%s: %s", protocol, o.getError()).isEqualTo(Outcome.OK);
                assertThat(o.getTlsVersion()).isEqualTo(protocol);
                assertThat(o.getCipherSuite()).startsWith("TLS_").doesNotContain("NULL");
                assertThat(o.getChain().get(0).getSha256()).isEqualTo(sha256(leaf.certificate()));
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                        assertThat(server.handshakes()).as("one completed handshake, no second attempt").isEqualTo(1));
                assertThat(server.failedHandshakes()).isZero();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(HandshakeEnd.class)
    void aHandshakeEndsWhereAskedWithTheChainVersionAndCipherKnown(HandshakeEnd end) {
        IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).validFor(Duration.ofDays(90)).issue();
        try (ProbeEngine e = new ProbeEngine(config(), CLOCK, TrustAnchors.load(List.of(caFile)), end)) {
            for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                TlsServer server = serve(leaf.certificate(), leaf.privateKey(), leaf.chain(), protocol);
                Observation o = scanOne(e, "127.0.0.1:" + server.port(), NAME);
                assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
                assertThat(o.getTlsVersion()).isEqualTo(protocol);
                assertThat(o.getCipherSuite()).startsWith("TLS_").doesNotContain("NULL");
                assertThat(o.getChain()).hasSize(2);
                assertThat(o.getChain().get(0).getSha256()).isEqualTo(sha256(leaf.certificate()));
                assertThat(o.getChecks().getTrusted()).isTrue();
                assertThat(o.getChecks().getProblems()).isEmpty();
                assertThat(status(o)).isEqualTo(Status.OK);
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.handshakes() + server.failedHandshakes()).isEqualTo(1));
                assertThat(server.handshakes()).as("handshakes the server completed").isEqualTo(end == HandshakeEnd.COMPLETE ? 1 : 0);
            }
        }
    }

    static String sha256(X509Certificate c) {
        try {
            return CertificateParser.sha256(c.getEncoded());
        } catch (java.security.cert.CertificateEncodingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void somethingThatIsNotTlsIsNoTls() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (var s = plain.accept()) {
                    s.getInputStream().read(new byte[512]);
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes());
                } catch (Exception ignored) {
                    // the probe's side is what is tested
                }
            });
            Observation o = scanOne(engine, "127.0.0.1:" + plain.getLocalPort(), null);
            assertThat(o.getOutcome()).isEqualTo(Outcome.NO_TLS);
        }
    }

    @Test
    void aSilentServerTimesOutWithinTheDeadline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             ProbeEngine e = new ProbeEngine(config().withTimeout(Duration.ofMillis(700)), CLOCK)) {
            long t0 = System.nanoTime();
            Observation o = scanOne(e, "127.0.0.1:" + silent.getLocalPort(), null);
            assertThat(o.getOutcome()).isEqualTo(Outcome.TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void aServerDrippingBytesIsStoppedByTheDeadline() throws Exception {
        var drip = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             ProbeEngine e = new ProbeEngine(config().withTimeout(Duration.ofMillis(800)), CLOCK)) {
            Thread.ofVirtual().start(() -> {
                try {
                    var s = server.accept();
                    var out = s.getOutputStream();
                    // a TLS record header announcing a large handshake record, then one byte every 50 ms
                    out.write(new byte[]{0x16, 0x03, 0x03, 0x40, 0x00});
                    drip.scheduleAtFixedRate(() -> {
                        try {
                            out.write(0);
                            out.flush();
                        } catch (Exception ex) {
                            throw new IllegalStateException(ex);
                        }
                    }, 50, 50, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (Exception ignored) {
                    // the probe's side is what is tested
                }
            });
            long t0 = System.nanoTime();
            Observation o = scanOne(e, "127.0.0.1:" + server.getLocalPort(), null);
            assertThat(o.getOutcome()).isEqualTo(Outcome.TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        } finally {
            drip.shutdownNow();
        }
    }

    @Test
    void aServerSendingEndlessHandshakeBytesIsCutOff() throws Exception {
        try (ServerSocket flood = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (var s = flood.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    var out = s.getOutputStream();
                    byte[] record = new byte[5 + 16384];
                    record[0] = 0x16;
                    record[1] = 0x03;
                    record[2] = 0x03;
                    record[3] = 0x40;
                    record[4] = 0x00;
                    // one huge Certificate message (600000 bytes) spread over records
                    record[5] = 0x0b;
                    record[6] = 0x09;
                    record[7] = (byte) 0x27;
                    record[8] = (byte) 0xc0;
                    out.write(record);
                    record[5] = 0;
                    record[6] = 0;
                    record[7] = 0;
                    record[8] = 0;
                    for (int i = 0; i < 40; i++) {
                        out.write(record);
                    }
                } catch (Exception ignored) {
                    // the probe hangs up once it has had enough
                }
            });
            Observation o = scanOne(engine, "127.0.0.1:" + flood.getLocalPort(), null);
            assertThat(o.getOutcome()).isEqualTo(Outcome.PROTOCOL_ERROR);
            // the scanner's cap on bytes read, or BoringSSL's own limit on a handshake message, whichever comes first
            assertThat(o.getError()).containsAnyOf("more than " + ScannerConfig.DEFAULT.maxHandshakeBytes() + " bytes",
                    "exceeds the maximum allowed size");
        }
    }

    @Test
    void anIpv6TargetIsProbed() {
        InetAddress v6 = loopback("::1");
        TlsServer server;
        try {
            IssuedCertificate leaf = intermediate.leaf().dnsNames(NAME).ipAddresses("::1").validFor(Duration.ofDays(100)).issue();
            server = TlsServer.builder().bind(v6).chain(leaf).start();
        } catch (RuntimeException e) {
            org.junit.jupiter.api.Assumptions.abort("IPv6 loopback is not available here: " + e.getMessage());
            return;
        }
        closing.add(server);
        Observation o = scanOne(engine, "[::1]:" + server.port(), null);
        assertThat(o.getOutcome()).as("error: %s", o.getError()).isEqualTo(Outcome.OK);
        assertThat(o.getEndpoint().getAddress()).isEqualTo("::1");
        assertThat(o.getChecks().getHostnameChecked()).isEqualTo("::1");
        assertThat(o.getChecks().getHostnameMatch()).isTrue();
        assertThat(o.getChain().get(0).getSans()).containsExactly(NAME, "::1");
    }

    @Test
    void legacyTlsStaysAvailableInThisProcess() {
        assertThat(Jsse.legacyTlsAvailable()).isTrue();
    }

    static InetAddress loopback(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

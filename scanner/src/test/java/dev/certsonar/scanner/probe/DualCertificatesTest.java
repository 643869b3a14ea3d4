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
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.scanner.tls.TlsLibrary;
import dev.certsonar.schemas.avro.AlternateChain;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import dev.certsonar.schemas.policy.Verdicts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Servers with an ECDSA and an RSA certificate side by side (a JDK server choosing by what the client offers), with
 * only one of them, and what the probe's second handshake, offering only RSA signature algorithms, finds.
 */
class DualCertificatesTest {

    static final String NAME = "dual.test";
    static final Clock CLOCK = Clock.systemUTC();

    static CertificateAuthority intermediate;
    static Path caFile;
    static final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void pki(@TempDir Path dir) throws Exception {
        CertificateAuthority root = Pki.root("Dual Test Root");
        intermediate = root.intermediate("Dual Test Issuing CA");
        caFile = dir.resolve("ca.pem");
        Pem.write(caFile, root.certificate());
    }

    @AfterAll
    static void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    static IssuedCertificate ecdsa200Days() {
        return intermediate.leaf().dnsNames(NAME).key(KeySpec.EC_256).validFor(Duration.ofDays(200)).issue();
    }

    /** A 90-day RSA certificate with 3 days left. */
    static IssuedCertificate rsaWith3DaysLeft() {
        Instant notAfter = CLOCK.instant().plus(Duration.ofDays(3));
        return intermediate.leaf().dnsNames(NAME).key(KeySpec.RSA_2048).notBefore(notAfter.minus(Duration.ofDays(90)))
                .notAfter(notAfter).issue();
    }

    static TlsServer serve(IssuedCertificate first, IssuedCertificate second, String... protocols) {
        TlsServer.Builder b = TlsServer.builder().chain(first);
        if (second != null) {
            b.secondChain(second);
        }
        if (protocols.length > 0) {
            b.protocols(protocols);
        }
        TlsServer s = b.start();
        closing.add(s);
        return s;
    }

    static Observation scan(TlsServer server, ScannerConfig config) {
        try (ProbeEngine e = new ProbeEngine(config, CLOCK, TrustAnchors.load(List.of(caFile)))) {
            List<Observation> obs = e.scan(TargetSpecs.parse("127.0.0.1:" + server.port(), Map.of("sni", NAME), false), "dual");
            assertThat(obs).hasSize(1);
            return obs.get(0);
        }
    }

    static ScannerConfig config(TlsLibrary library) {
        return ScannerConfig.DEFAULT.withTimeout(Duration.ofSeconds(5)).withCaFiles(List.of(caFile)).withTlsLibrary(library);
    }

    static String sha256(X509Certificate c) {
        try {
            return CertificateParser.sha256(c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Probes the server {@code times} times with one engine (as a scanner worker does, interval after interval). */
    static List<Observation> scanRepeatedly(TlsServer server, int times) {
        List<Observation> all = new ArrayList<>();
        try (ProbeEngine e = new ProbeEngine(config(TlsLibrary.BORINGSSL), CLOCK, TrustAnchors.load(List.of(caFile)))) {
            for (int i = 0; i < times; i++) {
                all.addAll(e.scan(TargetSpecs.parse("127.0.0.1:" + server.port(), Map.of("sni", NAME), false), "dual"));
            }
        }
        return all;
    }

    @Test
    void anEndpointFoundWithoutAnRsaCertificateIsNotAskedAgainOnEveryProbe() {
        TlsServer server = serve(ecdsa200Days(), null);

        List<Observation> obs = scanRepeatedly(server, 3);

        assertThat(obs).hasSize(3).allSatisfy(o -> {
            assertThat(o.getOutcome()).as("error: %s", o.getError()).isEqualTo(Outcome.OK);
            assertThat(o.getAlternateChains()).isEmpty();
        });
        assertThat(server.accepted()).as("two connections for the first probe, one for each later one").isEqualTo(4);
    }

    @Test
    void anEndpointServingAnRsaCertificateGetsTheSecondHandshakeOnEveryProbe() {
        TlsServer server = serve(ecdsa200Days(), rsaWith3DaysLeft());

        List<Observation> obs = scanRepeatedly(server, 2);

        assertThat(obs).hasSize(2).allSatisfy(o -> assertThat(o.getAlternateChains()).hasSize(1));
        assertThat(server.accepted()).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"BORINGSSL, TLSv1.3", "BORINGSSL, TLSv1.2", "JDK, TLSv1.3", "JDK, TLSv1.2"})
    void anExpiringRsaCertificateBehindAFreshEcdsaOneMakesTheEndpointCritical(TlsLibrary library, String protocol) {
        IssuedCertificate ec = ecdsa200Days();
        IssuedCertificate rsa = rsaWith3DaysLeft();
        TlsServer server = serve(ec, rsa, protocol);

        Observation o = scan(server, config(library));

        assertThat(o.getOutcome()).as("error: %s", o.getError()).isEqualTo(Outcome.OK);
        assertThat(o.getChain().get(0).getSha256()).as("the first handshake gets the ECDSA certificate").isEqualTo(sha256(ec.certificate()));
        assertThat(o.getAlternateChains()).hasSize(1);
        AlternateChain alternate = o.getAlternateChains().get(0);
        assertThat(alternate.getOffered()).isEqualTo("RSA signature algorithms only");
        assertThat(alternate.getTlsVersion()).isEqualTo(protocol);
        assertThat(alternate.getCipherSuite()).startsWith("TLS_");
        if (protocol.equals("TLSv1.2")) {
            assertThat(alternate.getCipherSuite()).contains("_RSA_").doesNotContain("ECDSA");
        }
        assertThat(alternate.getChain().get(0).getSha256()).isEqualTo(sha256(rsa.certificate()));
        assertThat(alternate.getChecks().getTrusted()).isTrue();
        assertThat(alternate.getChecks().getHostnameMatch()).isTrue();
        assertThat(alternate.getNotAfter()).isEqualTo(rsa.certificate().getNotAfter().toInstant());
        assertThat(o.getNotAfter()).as("the endpoint expires with its RSA certificate").isEqualTo(alternate.getNotAfter());
        assertThat(o.getExpiryCertificate().getSha256()).isEqualTo(sha256(rsa.certificate()));

        Verdicts.Verdict verdict = Verdicts.of(o, ExpiryPolicy.DEFAULT, CLOCK.instant());
        assertThat(verdict.status()).isEqualTo(Status.CRITICAL);
        assertThat(verdict.conditions()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(ConditionType.EXPIRING);
            assertThat(f.level()).isEqualTo(Severity.CRITICAL);
            assertThat(f.certificate().getSha256()).isEqualTo(sha256(rsa.certificate()));
            assertThat(f.message()).contains(rsa.certificate().getSubjectX500Principal().getName());
        });
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.handshakes()).isEqualTo(2));
        assertThat(server.accepted()).isEqualTo(2);
    }

    @Test
    void turnedOffTheEndpointIsJudgedByItsEcdsaCertificateAlone() {
        TlsServer server = serve(ecdsa200Days(), rsaWith3DaysLeft());

        Observation o = scan(server, config(TlsLibrary.BORINGSSL).withDualCertificates(false));

        assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(o.getAlternateChains()).isEmpty();
        assertThat(Verdicts.of(o, ExpiryPolicy.DEFAULT, CLOCK.instant()).status()).isEqualTo(Status.OK);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.handshakes()).isEqualTo(1));
        assertThat(server.accepted()).as("no second handshake").isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource({"TLSv1.3", "TLSv1.2"})
    void aServerWithOnlyAnEcdsaCertificateRefusesTheSecondHandshakeAndTheProbeIsOk(String protocol) {
        IssuedCertificate ec = ecdsa200Days();
        TlsServer server = serve(ec, null, protocol);

        Observation o = scan(server, config(TlsLibrary.BORINGSSL));

        assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(o.getError()).isNull();
        assertThat(o.getChecks().getProblems()).isEmpty();
        assertThat(o.getAlternateChains()).isEmpty();
        assertThat(o.getExpiryCertificate().getSha256()).isEqualTo(sha256(ec.certificate()));
        assertThat(Verdicts.of(o, ExpiryPolicy.DEFAULT, CLOCK.instant()).status()).isEqualTo(Status.OK);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(server.handshakes()).isEqualTo(1);
            assertThat(server.failedHandshakes()).as("the second handshake, refused").isEqualTo(1);
        });
        assertThat(server.accepted()).isEqualTo(2);
    }

    @Test
    void aServerWithOnlyAnRsaCertificateGetsNoSecondHandshake() {
        TlsServer server = serve(rsaWith3DaysLeft(), null);

        Observation o = scan(server, config(TlsLibrary.BORINGSSL));

        assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(o.getAlternateChains()).isEmpty();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.handshakes()).isEqualTo(1));
        assertThat(server.accepted()).isEqualTo(1);
        assertThat(server.failedHandshakes()).isZero();
    }

    @Test
    void theConditionsOfTheRsaChainCountForTheEndpointAndNameItsCertificate() {
        IssuedCertificate rsa = Pki.selfSigned().dnsNames("other.test").key(KeySpec.RSA_2048).validFor(Duration.ofDays(90)).issue();
        TlsServer server = serve(ecdsa200Days(), rsa);

        Observation o = scan(server, config(TlsLibrary.BORINGSSL));

        assertThat(o.getAlternateChains()).hasSize(1);
        Verdicts.Verdict verdict = Verdicts.of(o, ExpiryPolicy.DEFAULT, CLOCK.instant());
        assertThat(verdict.status()).isEqualTo(Status.INVALID);
        assertThat(verdict.conditions()).extracting(Verdicts.Finding::type)
                .containsExactlyInAnyOrder(ConditionType.UNTRUSTED, ConditionType.HOSTNAME_MISMATCH);
        assertThat(verdict.conditions()).allSatisfy(f ->
                assertThat(f.certificate().getSha256()).isEqualTo(sha256(rsa.certificate())));
    }
}

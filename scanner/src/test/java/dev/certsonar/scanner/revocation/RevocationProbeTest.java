package dev.certsonar.scanner.revocation;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pem;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.probe.ProbeEngine;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Revocation;
import dev.certsonar.schemas.avro.RevocationSource;
import dev.certsonar.schemas.avro.RevocationStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import dev.certsonar.schemas.policy.Verdicts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Revocation by CRL against real local TLS servers whose certificates name CRLs a local CA publishes over HTTP on
 * loopback: revoked leaves and intermediates, good chains, and CRL servers that are late, too large or silent.
 */
class RevocationProbeTest extends WithRevocationServers {

    static final String NAME = "app.test";

    @TempDir
    static Path dir;
    static Path caFile;
    static CertificateAuthority root;

    @BeforeAll
    static void anchor() throws Exception {
        root = Pki.rootBuilder("Revocation Test Root").key(KeySpec.EC_256).create();
        caFile = dir.resolve("root.pem");
        Pem.write(caFile, root.certificate());
    }

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    ProbeEngine engine(RevocationConfig revocation, Clock clock, Duration timeout) {
        ProbeEngine e = new ProbeEngine(ScannerConfig.DEFAULT.withTimeout(timeout).withCaFiles(List.of(caFile))
                .withRevocation(revocation), clock);
        closing.add(e);
        return e;
    }

    ProbeEngine engine(RevocationConfig revocation) {
        return engine(revocation, Clock.systemUTC(), Duration.ofSeconds(5));
    }

    /** An intermediate whose CRL is at {@code /root.crl} of the root, and a leaf whose CRL is at {@code /int.crl}. */
    record Chain(CertificateAuthority intermediate, IssuedCertificate leaf) {
    }

    Chain chain(String intermediateCrl, String leafCrl) {
        CertificateAuthority intermediate = root.intermediateBuilder("Revocation Test Issuing CA").key(KeySpec.EC_256)
                .crlUrl(http.url(intermediateCrl)).create();
        IssuedCertificate leaf = intermediate.leaf().key(KeySpec.EC_256).dnsNames(NAME).validFor(Duration.ofDays(90))
                .crlUrl(http.url(leafCrl)).issue();
        return new Chain(intermediate, leaf);
    }

    TlsServer serve(IssuedCertificate leaf) {
        TlsServer s = TlsServer.builder().chain(leaf.privateKey(), leaf.chain()).start();
        closing.add(s);
        return s;
    }

    static Observation scan(ProbeEngine engine, TlsServer server) {
        Target t = TargetSpecs.parse("127.0.0.1:" + server.port(), Map.of("sni", NAME), false);
        List<Observation> obs = engine.scan(t, "scan-1");
        assertThat(obs).hasSize(1);
        assertThat(obs.getFirst().getOutcome()).isEqualTo(Outcome.OK);
        return obs.getFirst();
    }

    static Verdicts.Verdict verdict(Observation o, Instant now) {
        return Verdicts.of(o, ExpiryPolicy.DEFAULT, now);
    }

    void publishCrls(Chain c, BigInteger[] revokedByRoot, BigInteger... revokedByIntermediate) throws Exception {
        Instant now = Instant.now();
        http.publish("/root.crl", RevocationServers.crl(root, now.minusSeconds(60), now.plus(Duration.ofDays(1)), revokedByRoot));
        http.publish("/int.crl", RevocationServers.crl(c.intermediate(), now.minusSeconds(60), now.plus(Duration.ofDays(1)),
                revokedByIntermediate));
    }

    @Test
    void aGoodChainIsGoodForEveryCertificateButTheAnchor() throws Exception {
        Chain c = chain("/root.crl", "/int.crl");
        publishCrls(c, new BigInteger[0], BigInteger.valueOf(999_999));
        Observation o = scan(engine(RevocationConfig.DEFAULT), serve(c.leaf()));

        assertThat(o.getRevocation()).hasSize(2);
        assertThat(o.getRevocation()).allSatisfy(r -> {
            assertThat(r.getStatus()).isEqualTo(RevocationStatus.GOOD);
            assertThat(r.getSource()).isEqualTo(RevocationSource.CRL);
            assertThat(r.getNextUpdate()).isNotNull();
            assertThat(r.getDetail()).isNull();
        });
        assertThat(o.getRevocation().get(0).getSha256()).isEqualTo(o.getChain().get(0).getSha256());
        assertThat(o.getRevocation().get(0).getUrl()).isEqualTo(http.url("/int.crl"));
        assertThat(o.getRevocation().get(1).getUrl()).isEqualTo(http.url("/root.crl"));
        assertThat(verdict(o, Instant.now()).status()).isEqualTo(Status.OK);
    }

    @Test
    void aRevokedLeafIsRevokedWithItsDateAndReason() throws Exception {
        Chain c = chain("/root.crl", "/int.crl");
        publishCrls(c, new BigInteger[0], c.leaf().certificate().getSerialNumber());
        Observation o = scan(engine(RevocationConfig.DEFAULT), serve(c.leaf()));

        Revocation leaf = o.getRevocation().getFirst();
        assertThat(leaf.getStatus()).isEqualTo(RevocationStatus.REVOKED);
        assertThat(leaf.getReason()).isEqualTo("keyCompromise");
        assertThat(leaf.getRevokedAt()).isBefore(Instant.now());
        assertThat(o.getRevocation().get(1).getStatus()).isEqualTo(RevocationStatus.GOOD);
        Verdicts.Verdict v = verdict(o, Instant.now());
        assertThat(v.status()).isEqualTo(Status.INVALID);
        assertThat(v.conditions()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(ConditionType.REVOKED);
            assertThat(f.level()).isEqualTo(Severity.CRITICAL);
            assertThat(f.certificate().getSha256()).isEqualTo(o.getChain().getFirst().getSha256());
            assertThat(f.message()).contains("revoked at " + leaf.getRevokedAt(), "keyCompromise");
        });
        assertThat(o.getChecks().getProblems()).anySatisfy(p -> assertThat(p).startsWith("revoked: ").contains(http.url("/int.crl")));
    }

    @Test
    void aCrlSentInManySmallChunksIsRead() throws Exception {
        Chain c = chain("/root.crl", "/int.crl");
        Instant now = Instant.now();
        BigInteger[] many = new BigInteger[2000];
        for (int i = 0; i < many.length; i++) {
            many[i] = BigInteger.valueOf(1_000_000L + i);
        }
        many[many.length - 1] = c.leaf().certificate().getSerialNumber();
        http.publishChunked("/root.crl", RevocationServers.crl(root, now.minusSeconds(60), now.plus(Duration.ofDays(1))), 16);
        http.publishChunked("/int.crl", RevocationServers.crl(c.intermediate(), now.minusSeconds(60), now.plus(Duration.ofDays(1)),
                many), 16);
        // thousands of tiny chunks take their time: no deadline of this test is about speed
        Observation o = scan(engine(RevocationConfig.DEFAULT.withTimeout(Duration.ofSeconds(60)), Clock.systemUTC(),
                Duration.ofSeconds(60)), serve(c.leaf()));

        assertThat(o.getRevocation()).extracting(Revocation::getStatus)
                .containsExactly(RevocationStatus.REVOKED, RevocationStatus.GOOD);
    }

    @Test
    void aRevokedIntermediateIsRevoked() throws Exception {
        Chain c = chain("/root.crl", "/int.crl");
        publishCrls(c, new BigInteger[] {c.intermediate().certificate().getSerialNumber()});
        Observation o = scan(engine(RevocationConfig.DEFAULT), serve(c.leaf()));

        assertThat(o.getRevocation()).extracting(Revocation::getStatus)
                .containsExactly(RevocationStatus.GOOD, RevocationStatus.REVOKED);
        Verdicts.Verdict v = verdict(o, Instant.now());
        assertThat(v.status()).isEqualTo(Status.INVALID);
        assertThat(v.conditions()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(ConditionType.REVOKED);
            assertThat(f.certificate().getSubject()).contains("Revocation Test Issuing CA");
        });
    }

    @Test
    void aCrlSignedByAnotherKeyIsUnknown() throws Exception {
        Chain c = chain("/root.crl", "/int.crl");
        CertificateAuthority impostor = Pki.rootBuilder("Revocation Test Issuing CA").key(KeySpec.EC_256).create();
        Instant now = Instant.now();
        http.publish("/root.crl", RevocationServers.crl(root, now.minusSeconds(60), now.plus(Duration.ofDays(1))));
        http.publish("/int.crl", RevocationServers.crl(impostor, now.minusSeconds(60), now.plus(Duration.ofDays(1))));
        Observation o = scan(engine(RevocationConfig.DEFAULT), serve(c.leaf()));

        assertThat(o.getRevocation().getFirst().getStatus()).isEqualTo(RevocationStatus.UNKNOWN);
        assertThat(o.getRevocation().getFirst().getDetail()).startsWith("bad signature");
    }

    @Test
    void aCrlPastItsNextUpdateIsUnknownAndSoftFailsUntilTheGracePeriodIsOver() throws Exception {
        Chain c = chain("/root.crl", "/int.crl");
        Instant now = Instant.now();
        http.publish("/root.crl", RevocationServers.crl(root, now.minusSeconds(60), now.plus(Duration.ofDays(1))));
        http.publish("/int.crl", RevocationServers.crl(c.intermediate(), now.minus(Duration.ofDays(8)), now.minus(Duration.ofDays(1))));
        MovingClock clock = new MovingClock();
        ProbeEngine engine = engine(RevocationConfig.DEFAULT.withGrace(Duration.ofHours(1)), clock, Duration.ofSeconds(5));
        TlsServer server = serve(c.leaf());

        Observation first = scan(engine, server);
        Revocation leaf = first.getRevocation().getFirst();
        assertThat(leaf.getStatus()).isEqualTo(RevocationStatus.UNKNOWN);
        assertThat(leaf.getDetail()).startsWith("the CRL is past its nextUpdate");
        assertThat(leaf.getUnknownSince()).isEqualTo(clock.instant());
        assertThat(leaf.getGraceExceeded()).isFalse();
        assertThat(verdict(first, clock.instant()).conditions()).isEmpty();
        Instant since = clock.instant();

        clock.advance(Duration.ofMinutes(61));
        Observation later = scan(engine, server);
        Revocation still = later.getRevocation().getFirst();
        assertThat(still.getUnknownSince()).isEqualTo(since);
        assertThat(still.getGraceExceeded()).isTrue();
        Verdicts.Verdict v = verdict(later, clock.instant());
        assertThat(v.status()).isEqualTo(Status.WARNING);
        assertThat(v.conditions()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(ConditionType.REVOCATION_UNKNOWN);
            assertThat(f.message()).contains("unknown since " + since, "past its nextUpdate", "soft-fails");
        });
    }

    @Test
    void aCrlLargerThanTheLimitIsNotReadPastIt() {
        Chain c = chain("/root.crl", "/int.crl");
        http.oversized("/root.crl", 2 * 1024 * 1024, true);
        http.oversized("/int.crl", 2 * 1024 * 1024, false);
        Observation o = scan(engine(RevocationConfig.DEFAULT.withMaxCrlBytes(64 * 1024).withGrace(Duration.ZERO)), serve(c.leaf()));

        assertThat(o.getRevocation()).allSatisfy(r -> {
            assertThat(r.getStatus()).isEqualTo(RevocationStatus.UNKNOWN);
            assertThat(r.getDetail()).startsWith("too large").contains(String.valueOf(64 * 1024));
            assertThat(r.getGraceExceeded()).isTrue();
        });
        assertThat(verdict(o, Instant.now()).conditions()).extracting(Verdicts.Finding::type)
                .containsExactly(ConditionType.REVOCATION_UNKNOWN, ConditionType.REVOCATION_UNKNOWN);
    }

    @Test
    void aCrlServerThatNeverAnswersCannotHoldTheProbePastItsDeadline() {
        Chain c = chain("/root.crl", "/int.crl");
        http.silent("/root.crl");
        http.silent("/int.crl");
        ProbeEngine engine = engine(RevocationConfig.DEFAULT.withTimeout(Duration.ofMinutes(5)), Clock.systemUTC(),
                Duration.ofSeconds(3));
        TlsServer server = serve(c.leaf());

        Observation o = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> scan(engine, server));
        assertThat(o.getRevocation()).allSatisfy(r -> {
            assertThat(r.getStatus()).isEqualTo(RevocationStatus.UNKNOWN);
            assertThat(r.getDetail()).startsWith("timeout");
            assertThat(r.getGraceExceeded()).isFalse();
        });
        assertThat(verdict(o, Instant.now()).status()).isEqualTo(Status.OK);
    }

    @Test
    void aSilentCrlServerTimesOutAtTheFetchTimeout() {
        Chain c = chain("/root.crl", "/int.crl");
        http.silent("/root.crl");
        http.silent("/int.crl");
        ProbeEngine engine = engine(RevocationConfig.DEFAULT.withTimeout(Duration.ofMillis(500)), Clock.systemUTC(),
                Duration.ofSeconds(10));
        Observation o = scan(engine, serve(c.leaf()));

        assertThat(o.getRevocation()).allSatisfy(r -> {
            assertThat(r.getStatus()).isEqualTo(RevocationStatus.UNKNOWN);
            assertThat(r.getDetail()).contains("no answer from 127.0.0.1");
        });
    }

    @Test
    void manyProbesOfOneChainFetchEachCrlOnce() throws Exception {
        Chain c = chain("/root.crl", "/int.crl");
        publishCrls(c, new BigInteger[0]);
        ProbeEngine engine = engine(RevocationConfig.DEFAULT);
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            TlsServer s = serve(c.leaf());
            for (int j = 0; j < 4; j++) {
                targets.add(TargetSpecs.parse("127.0.0.1:" + s.port(), Map.of("sni", NAME, "service", "s" + i + "-" + j), false));
            }
        }
        List<Observation> seen = new ArrayList<>();
        engine.scanAll(targets, seen::add);

        assertThat(seen).hasSize(32).allSatisfy(o -> assertThat(o.getRevocation()).extracting(Revocation::getStatus)
                .containsExactly(RevocationStatus.GOOD, RevocationStatus.GOOD));
        assertThat(http.requests("/int.crl")).isEqualTo(1);
        assertThat(http.requests("/root.crl")).isEqualTo(1);
        assertThat(engine.revocation().crlFetches()).isEqualTo(2);
    }

    @Test
    void revocationFetchesObeyTheAddressPolicy() throws Exception {
        Chain c = chain("/root.crl", "/int.crl");
        publishCrls(c, new BigInteger[0]);
        // the TLS server on 127.0.0.2, the CRL server on 127.0.0.1: only the TLS server's address is allowed
        TlsServer server = TlsServer.builder().bind(java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 2}))
                .chain(c.leaf().privateKey(), c.leaf().chain()).start();
        closing.add(server);
        ProbeEngine engine = new ProbeEngine(ScannerConfig.DEFAULT.withCaFiles(List.of(caFile))
                .withAllow(List.of("127.0.0.2/32")), Clock.systemUTC());
        closing.add(engine);
        Target t = TargetSpecs.parse("127.0.0.2:" + server.port(), Map.of("sni", NAME), false);
        Observation o = engine.scan(t, "scan-1").getFirst();

        assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
        assertThat(o.getRevocation()).allSatisfy(r -> {
            assertThat(r.getStatus()).isEqualTo(RevocationStatus.UNKNOWN);
            assertThat(r.getDetail()).startsWith("blocked by the address policy: 127.0.0.1 is outside the allowed ranges");
        });
        assertThat(http.requests("/int.crl")).isZero();
        assertThat(http.requests("/root.crl")).isZero();
    }

    @Test
    void turnedOffNothingIsChecked() throws Exception {
        Chain c = chain("/root.crl", "/int.crl");
        publishCrls(c, new BigInteger[0], c.leaf().certificate().getSerialNumber());
        Observation o = scan(engine(RevocationConfig.OFF), serve(c.leaf()));
        assertThat(o.getRevocation()).isEmpty();
        assertThat(http.requests("/int.crl")).isZero();
    }
}

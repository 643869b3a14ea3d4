package dev.certsonar.scanner.judge;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.probe.ProbeEngine;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Target;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Identical chains are analysed once and the analysis reused; what depends on the instant is judged every time. */
class JudgementCacheTest {

    @Test
    void manyEndpointsServingOneCertificateAreValidatedOnce() {
        CertificateAuthority root = Pki.root("Shared Root");
        IssuedCertificate shared = root.intermediate("Shared Issuing CA").leaf().dnsNames("*.shared.test")
                .validFor(Duration.ofDays(90)).issue();
        List<TlsServer> servers = new ArrayList<>();
        try (ProbeEngine engine = new ProbeEngine(ScannerConfig.DEFAULT.withPerAddressSpacing(Duration.ZERO)
                .withTimeout(Duration.ofSeconds(5)), Clock.systemUTC(), TrustAnchors.of(List.of(root.certificate())))) {
            for (int i = 0; i < 3; i++) {
                servers.add(TlsServer.builder().chain(shared.privateKey(), shared.chain()).start());
            }
            List<Target> targets = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                targets.add(TargetSpecs.parse("127.0.0.1:" + servers.get(i % 3).port(), Map.of("sni", "www.shared.test"), false));
            }
            List<Observation> observations = new ArrayList<>();
            engine.scanAll(targets, observations::add);

            assertThat(observations).hasSize(30).allSatisfy(o -> {
                assertThat(o.getOutcome()).isEqualTo(Outcome.OK);
                assertThat(o.getChecks().getTrusted()).isTrue();
                assertThat(o.getChecks().getHostnameMatch()).isTrue();
                assertThat(o.getChecks().getProblems()).isEmpty();
            });
            assertThat(engine.judgements().analyses()).isEqualTo(1);
            assertThat(engine.judgements().hits()).isEqualTo(29);

            // another checked name is another judgement
            Target other = TargetSpecs.parse("127.0.0.1:" + servers.get(0).port(), Map.of("sni", "other.example"), false);
            Observation mismatch = engine.scan(other, "scan-2").get(0);
            assertThat(mismatch.getChecks().getHostnameMatch()).isFalse();
            assertThat(engine.judgements().analyses()).isEqualTo(2);
        } finally {
            servers.forEach(TlsServer::close);
        }
    }

    @Test
    void expiryIsJudgedAtEachInstantWhileTheAnalysisIsReused() {
        CertificateAuthority root = Pki.root("Dated Root");
        IssuedCertificate leaf = root.leaf().dnsNames("dated.test").validFor(Duration.ofDays(10)).issue();
        MutableClock clock = new MutableClock(Instant.now());
        JudgementCache cache = new JudgementCache(new ChainJudge(TrustAnchors.of(List.of(root.certificate()))),
                100, Duration.ofDays(30), clock);
        Instant notAfter = leaf.certificate().getNotAfter().toInstant();
        Instant notBefore = leaf.certificate().getNotBefore().toInstant();

        ChainJudge.Judgement valid = cache.judge(leaf.chain(), "dated.test", "TLSv1.3", clock.instant());
        ChainJudge.Judgement expired = cache.judge(leaf.chain(), "dated.test", "TLSv1.3", notAfter.plusSeconds(86400 * 2));
        ChainJudge.Judgement early = cache.judge(leaf.chain(), "dated.test", "TLSv1", notBefore.minusSeconds(60));

        assertThat(cache.analyses()).isEqualTo(1);
        assertThat(valid.checks().getExpired()).isFalse();
        assertThat(valid.checks().getProblems()).isEmpty();
        assertThat(expired.checks().getExpired()).isTrue();
        assertThat(expired.checks().getProblems()).first().asString().startsWith("the certificate expired on ").contains("2 days ago");
        assertThat(early.checks().getNotYetValid()).isTrue();
        assertThat(early.checks().getLegacyProtocol()).isTrue();
        assertThat(early.checks().getProblems()).anyMatch(p -> p.startsWith("the certificate is not valid before"))
                .anyMatch(p -> p.startsWith("legacy protocol"));

        // the analysis is kept for its time to live only
        clock.advance(Duration.ofDays(30));
        cache.judge(leaf.chain(), "dated.test", "TLSv1.3", clock.instant());
        assertThat(cache.analyses()).isEqualTo(2);
    }

    @Test
    void atMostMaxEntriesAreKept() {
        CertificateAuthority root = Pki.root("Bounded Root");
        JudgementCache cache = new JudgementCache(new ChainJudge(TrustAnchors.of(List.of(root.certificate()))),
                2, Duration.ofHours(1), Clock.systemUTC());
        IssuedCertificate a = root.leaf().dnsNames("a.test").validFor(Duration.ofDays(10)).issue();
        IssuedCertificate b = root.leaf().dnsNames("b.test").validFor(Duration.ofDays(10)).issue();
        IssuedCertificate c = root.leaf().dnsNames("c.test").validFor(Duration.ofDays(10)).issue();
        Instant now = Instant.now();
        for (IssuedCertificate x : List.of(a, b, c, a)) {
            cache.judge(x.chain(), null, null, now);
        }
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.analyses()).isEqualTo(3);
    }

    @Test
    void aFleetProbedInACycleWithMoreChainsThanTheCacheHoldsStillFindsTheAnalysesKept() {
        CertificateAuthority root = Pki.root("Cycle Root");
        MutableClock clock = new MutableClock(Instant.now());
        JudgementCache cache = new JudgementCache(new ChainJudge(TrustAnchors.of(List.of(root.certificate()))),
                4, Duration.ofHours(1), clock);
        List<IssuedCertificate> fleet = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            fleet.add(root.leaf().dnsNames("e" + i + ".test").validFor(Duration.ofDays(10)).issue());
        }
        for (int cycle = 0; cycle < 3; cycle++) {
            for (IssuedCertificate endpoint : fleet) {
                cache.judge(endpoint.chain(), null, null, clock.instant());
            }
            clock.advance(Duration.ofMinutes(2));
        }
        // the first cycle analyses all six and keeps four; the next two find those four and analyse the other two
        assertThat(cache.analyses()).isEqualTo(6 + 2 + 2);
        assertThat(cache.hits()).isEqualTo(4 + 4);
        assertThat(cache.size()).isEqualTo(4);

        // once the kept analyses expire, the least recently used make room for new ones
        clock.advance(Duration.ofHours(1));
        cache.judge(fleet.get(4).chain(), null, null, clock.instant());
        cache.judge(fleet.get(4).chain(), null, null, clock.instant());
        assertThat(cache.hits()).isEqualTo(4 + 4 + 1);
        assertThat(cache.size()).isEqualTo(4);
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

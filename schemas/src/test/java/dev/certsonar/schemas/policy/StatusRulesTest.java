package dev.certsonar.schemas.policy;

import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Checks;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class StatusRulesTest {

    static final Instant NOT_BEFORE = Instant.parse("2026-01-01T00:00:00Z");
    static final ExpiryPolicy P = ExpiryPolicy.DEFAULT;

    static Certificate cert(Instant notBefore, Instant notAfter) {
        return Certificate.newBuilder().setSha256("aa").setSubject("CN=a").setIssuer("CN=ca").setSerial("01")
                .setNotBefore(notBefore).setNotAfter(notAfter).setKeyAlgorithm("EC").setKeyBits(256)
                .setSignatureAlgorithm("SHA256withECDSA").setDer(ByteBuffer.wrap(new byte[0])).build();
    }

    static Checks.Builder goodChecks() {
        return Checks.newBuilder().setTrusted(true).setHostnameMatch(true).setChainComplete(true)
                .setHostnameChecked("a.example").setProblems(List.of());
    }

    static Observation observation(Duration lifetime, UnaryOperator<Observation.Builder> change) {
        Instant notAfter = NOT_BEFORE.plus(lifetime);
        Certificate leaf = cert(NOT_BEFORE, notAfter);
        Observation.Builder b = Observation.newBuilder().setScanId("s").setTargetId("tls://a.example:443")
                .setService("a").setHost("a.example").setObservedAt(NOT_BEFORE.plusSeconds(60))
                .setEndpoint(new Endpoint("192.0.2.1", 443, "a.example"))
                .setOutcome(Outcome.OK).setChain(List.of(leaf)).setNotAfter(notAfter).setServedChainNotAfter(notAfter)
                .setExpiryCertificate(new CertificateRef("aa", "CN=a", "CN=ca", NOT_BEFORE, notAfter))
                .setChecks(goodChecks().build());
        return change.apply(b).build();
    }

    static Observation observation(Duration lifetime) {
        return observation(lifetime, b -> b);
    }

    static Instant notAfter(Duration lifetime) {
        return NOT_BEFORE.plus(lifetime);
    }

    static Stream<Arguments> thresholds() {
        Duration d398 = Duration.ofDays(398);
        Duration d6 = Duration.ofDays(6);
        // 398 days: warn min(30d, 99.5d) = 30d, critical min(7d, 39.8d) = 7d before notAfter
        // 6 days: warn min(30d, 1.5d) = 36h, critical min(7d, 0.6d) = 14h24m before notAfter
        return Stream.of(
                argumentSet("398-day certificate, just issued", d398, NOT_BEFORE.plusSeconds(1), Status.OK),
                argumentSet("398-day certificate, exactly 30 days left", d398, notAfter(d398).minus(Duration.ofDays(30)), Status.OK),
                argumentSet("398-day certificate, 30 days left less 1 ms", d398, notAfter(d398).minus(Duration.ofDays(30)).plusMillis(1), Status.WARNING),
                argumentSet("398-day certificate, exactly 7 days left", d398, notAfter(d398).minus(Duration.ofDays(7)), Status.WARNING),
                argumentSet("398-day certificate, 7 days left less 1 ms", d398, notAfter(d398).minus(Duration.ofDays(7)).plusMillis(1), Status.CRITICAL),
                argumentSet("398-day certificate, at notAfter", d398, notAfter(d398), Status.CRITICAL),
                argumentSet("398-day certificate, 1 ms after notAfter", d398, notAfter(d398).plusMillis(1), Status.EXPIRED),
                argumentSet("6-day certificate, 5 days left", d6, notAfter(d6).minus(Duration.ofDays(5)), Status.OK),
                argumentSet("6-day certificate, 2 days left", d6, notAfter(d6).minus(Duration.ofDays(2)), Status.OK),
                argumentSet("6-day certificate, exactly 36 h left", d6, notAfter(d6).minus(Duration.ofHours(36)), Status.OK),
                argumentSet("6-day certificate, 36 h left less 1 ms", d6, notAfter(d6).minus(Duration.ofHours(36)).plusMillis(1), Status.WARNING),
                argumentSet("6-day certificate, exactly 14 h 24 min left", d6, notAfter(d6).minus(Duration.ofMinutes(14 * 60 + 24)), Status.WARNING),
                argumentSet("6-day certificate, 14 h 24 min left less 1 ms", d6, notAfter(d6).minus(Duration.ofMinutes(14 * 60 + 24)).plusMillis(1), Status.CRITICAL),
                argumentSet("6-day certificate, 1 ms after notAfter", d6, notAfter(d6).plusMillis(1), Status.EXPIRED));
    }

    @ParameterizedTest
    @MethodSource("thresholds")
    void statusAtThresholdInstants(Duration lifetime, Instant now, Status expected) {
        assertThat(StatusRules.status(observation(lifetime), P, now)).isEqualTo(expected);
    }

    @Test
    void thresholdInstantsOfA6DayCertificate() {
        Observation o = observation(Duration.ofDays(6));
        assertThat(StatusRules.warnAt(o, P)).isEqualTo(notAfter(Duration.ofDays(6)).minus(Duration.ofHours(36)));
        assertThat(StatusRules.criticalAt(o, P)).isEqualTo(notAfter(Duration.ofDays(6)).minus(Duration.ofMinutes(864)));
    }

    @Test
    void thresholdsUseTheLifetimeOfTheCertificateDefiningNotAfter() {
        // leaf lives 398 days, but an intermediate of 20 days defines notAfter: its lifetime drives the fraction
        Instant intNotBefore = NOT_BEFORE;
        Instant intNotAfter = NOT_BEFORE.plus(Duration.ofDays(20));
        Observation o = observation(Duration.ofDays(398), b -> b.setNotAfter(intNotAfter)
                .setExpiryCertificate(new CertificateRef("bb", "CN=int", "CN=root", intNotBefore, intNotAfter)));
        assertThat(StatusRules.warnAt(o, P)).isEqualTo(intNotAfter.minus(Duration.ofDays(5)));
        assertThat(StatusRules.criticalAt(o, P)).isEqualTo(intNotAfter.minus(Duration.ofDays(2)));
    }

    static Stream<Arguments> worstApplies() {
        Duration d = Duration.ofDays(90);
        Instant expired = notAfter(d).plusSeconds(1);
        Instant critical = notAfter(d).minus(Duration.ofDays(1));
        Instant warning = notAfter(d).minus(Duration.ofDays(15));
        UnaryOperator<Observation.Builder> untrusted = b -> b.setChecks(goodChecks().setTrusted(false).build());
        UnaryOperator<Observation.Builder> unreachable = b -> b.setOutcome(Outcome.TIMEOUT).setChain(List.of())
                .setNotAfter(null).setServedChainNotAfter(null).setExpiryCertificate(null).setChecks(null);
        return Stream.of(
                argumentSet("expired and untrusted is EXPIRED", untrusted, expired, Status.EXPIRED),
                argumentSet("untrusted and critical is INVALID", untrusted, critical, Status.INVALID),
                argumentSet("hostname mismatch is INVALID", (UnaryOperator<Observation.Builder>) b -> b.setChecks(goodChecks().setHostnameMatch(false).build()), warning, Status.INVALID),
                argumentSet("incomplete chain is INVALID", (UnaryOperator<Observation.Builder>) b -> b.setChecks(goodChecks().setChainComplete(false).build()), warning, Status.INVALID),
                argumentSet("weak key is INVALID", (UnaryOperator<Observation.Builder>) b -> b.setChecks(goodChecks().setWeakKey(true).build()), warning, Status.INVALID),
                argumentSet("weak signature is INVALID", (UnaryOperator<Observation.Builder>) b -> b.setChecks(goodChecks().setWeakSignature(true).build()), warning, Status.INVALID),
                argumentSet("legacy protocol is WARNING by default", (UnaryOperator<Observation.Builder>) b -> b.setChecks(goodChecks().setLegacyProtocol(true).build()), NOT_BEFORE.plusSeconds(5), Status.WARNING),
                argumentSet("legacy protocol and critical is CRITICAL", (UnaryOperator<Observation.Builder>) b -> b.setChecks(goodChecks().setLegacyProtocol(true).build()), critical, Status.CRITICAL),
                argumentSet("lifetime beyond the maximum is WARNING by default", (UnaryOperator<Observation.Builder>) b -> b.setChecks(goodChecks().setLifetimeExceedsMaximum(true).build()), NOT_BEFORE.plusSeconds(5), Status.WARNING),
                argumentSet("a self-signed leaf pinned as an anchor is OK", (UnaryOperator<Observation.Builder>) b -> b.setChecks(goodChecks().setSelfSigned(true).build()), NOT_BEFORE.plusSeconds(5), Status.OK),
                argumentSet("a self-signed leaf not pinned is INVALID", (UnaryOperator<Observation.Builder>) b -> b.setChecks(goodChecks().setSelfSigned(true).setTrusted(false).build()), NOT_BEFORE.plusSeconds(5), Status.INVALID),
                argumentSet("unreachable is UNREACHABLE", unreachable, warning, Status.UNREACHABLE),
                argumentSet("critical", (UnaryOperator<Observation.Builder>) b -> b, critical, Status.CRITICAL),
                argumentSet("warning", (UnaryOperator<Observation.Builder>) b -> b, warning, Status.WARNING));
    }

    @ParameterizedTest
    @MethodSource("worstApplies")
    void theWorstApplies(UnaryOperator<Observation.Builder> change, Instant now, Status expected) {
        assertThat(StatusRules.status(observation(Duration.ofDays(90), change), P, now)).isEqualTo(expected);
    }

    @Test
    void notYetValidEndsAtNotBefore() {
        Instant nb = NOT_BEFORE.plus(Duration.ofDays(10));
        Instant na = nb.plus(Duration.ofDays(200));
        Observation o = observation(Duration.ofDays(210), b -> b
                .setChain(List.of(cert(nb, na))).setNotAfter(na)
                .setExpiryCertificate(new CertificateRef("aa", "CN=a", "CN=ca", nb, na))
                .setChecks(goodChecks().setNotYetValid(true).build()));
        assertThat(StatusRules.status(o, P, nb.minusMillis(1))).isEqualTo(Status.INVALID);
        assertThat(StatusRules.status(o, P, nb)).isEqualTo(Status.OK);
        assertThat(StatusRules.nextTransition(o, P, NOT_BEFORE.plusSeconds(120))).contains(nb);
    }

    @Test
    void nextTransitionWalksThroughEveryThreshold() {
        Duration life = Duration.ofDays(6);
        Observation o = observation(life);
        Instant na = notAfter(life);
        Instant t = NOT_BEFORE.plusSeconds(60);
        Instant warn = StatusRules.nextTransition(o, P, t).orElseThrow();
        assertThat(warn).isEqualTo(na.minus(Duration.ofHours(36)).plusMillis(1));
        Instant crit = StatusRules.nextTransition(o, P, warn).orElseThrow();
        assertThat(crit).isEqualTo(na.minus(Duration.ofMinutes(864)).plusMillis(1));
        Instant exp = StatusRules.nextTransition(o, P, crit).orElseThrow();
        assertThat(exp).isEqualTo(na.plusMillis(1));
        assertThat(StatusRules.nextTransition(o, P, exp)).isEmpty();
    }

    @Test
    void daysLeft() {
        Observation o = observation(Duration.ofDays(10));
        assertThat(StatusRules.daysLeft(o, notAfter(Duration.ofDays(10)).minus(Duration.ofHours(36)))).isCloseTo(1.5, within(1e-9));
        assertThat(StatusRules.daysLeft(observation(Duration.ofDays(10), b -> b.setNotAfter(null)), NOT_BEFORE)).isNaN();
    }

    @Test
    void targetOverridesApply() {
        Target t = Target.newBuilder().setId("x").setService("s").setHost("h").setWarnDays(10.0).setCriticalFraction(0.05)
                .setIntervalMillis(60_000L).build();
        ExpiryPolicy p = ExpiryPolicy.forTarget(t);
        assertThat(p).isEqualTo(new ExpiryPolicy(Duration.ofMinutes(1), 10, 0.25, 7, 0.05));
        assertThat(ExpiryPolicy.forTarget(Target.newBuilder().setId("x").setService("s").setHost("h").build()))
                .isEqualTo(ExpiryPolicy.DEFAULT);
    }
}

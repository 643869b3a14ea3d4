package dev.certsonar.schemas.policy;

import dev.certsonar.schemas.avro.Checks;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Revocation;
import dev.certsonar.schemas.avro.RevocationSource;
import dev.certsonar.schemas.avro.RevocationStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.certsonar.schemas.policy.StatusRulesTest.NOT_BEFORE;
import static dev.certsonar.schemas.policy.StatusRulesTest.goodChecks;
import static dev.certsonar.schemas.policy.StatusRulesTest.observation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class VerdictsTest {

    static final Instant EARLY = NOT_BEFORE.plus(Duration.ofDays(1));

    static Observation with(UnaryOperator<Checks.Builder> checks) {
        return observation(Duration.ofDays(90), b -> b.setTlsVersion("TLSv1").setChecks(checks.apply(goodChecks()).build()));
    }

    static Stream<Arguments> oneCauseOneCondition() {
        return Stream.of(
                argumentSet("a good chain has none", (UnaryOperator<Checks.Builder>) c -> c, List.of()),
                argumentSet("a self-signed leaf pinned as an anchor has none",
                        (UnaryOperator<Checks.Builder>) c -> c.setSelfSigned(true), List.of()),
                argumentSet("a self-signed leaf not pinned is UNTRUSTED only",
                        (UnaryOperator<Checks.Builder>) c -> c.setSelfSigned(true).setTrusted(false).setChainComplete(false),
                        List.of(ConditionType.UNTRUSTED)),
                argumentSet("a missing intermediate is INCOMPLETE_CHAIN only",
                        (UnaryOperator<Checks.Builder>) c -> c.setTrusted(false).setChainComplete(false),
                        List.of(ConditionType.INCOMPLETE_CHAIN)),
                argumentSet("an unknown root is UNTRUSTED", (UnaryOperator<Checks.Builder>) c -> c.setTrusted(false),
                        List.of(ConditionType.UNTRUSTED)),
                argumentSet("weak key and signature are one WEAK_CRYPTO",
                        (UnaryOperator<Checks.Builder>) c -> c.setWeakKey(true).setWeakSignature(true), List.of(ConditionType.WEAK_CRYPTO)),
                argumentSet("legacy protocol", (UnaryOperator<Checks.Builder>) c -> c.setLegacyProtocol(true),
                        List.of(ConditionType.LEGACY_PROTOCOL)),
                argumentSet("lifetime beyond the maximum", (UnaryOperator<Checks.Builder>) c -> c.setLifetimeExceedsMaximum(true),
                        List.of(ConditionType.LIFETIME_EXCEEDS_MAXIMUM)));
    }

    @ParameterizedTest
    @MethodSource("oneCauseOneCondition")
    void conditionsOfChecks(UnaryOperator<Checks.Builder> checks, List<ConditionType> expected) {
        assertThat(Verdicts.of(with(checks), ExpiryPolicy.DEFAULT, EARLY).conditions())
                .extracting(Verdicts.Finding::type).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> policySeverities() {
        return Stream.of(
                argumentSet("INFO is named and leaves the status OK", Severity.INFO, Status.OK),
                argumentSet("WARNING makes the status WARNING", Severity.WARNING, Status.WARNING),
                argumentSet("CRITICAL makes the status CRITICAL", Severity.CRITICAL, Status.CRITICAL));
    }

    @ParameterizedTest
    @MethodSource("policySeverities")
    void theSeverityOfAPolicyFindingIsConfigured(Severity severity, Status expected) {
        ExpiryPolicy p = new ExpiryPolicy(Duration.ofHours(6), 30, 0.25, 7, 0.1, severity, severity);
        for (UnaryOperator<Checks.Builder> finding : List.<UnaryOperator<Checks.Builder>>of(
                c -> c.setLegacyProtocol(true), c -> c.setLifetimeExceedsMaximum(true))) {
            Verdicts.Verdict v = Verdicts.of(with(finding), p, EARLY);
            assertThat(v.status()).isEqualTo(expected);
            assertThat(v.conditions()).singleElement().satisfies(f -> assertThat(f.level()).isEqualTo(severity));
        }
    }

    @Test
    void aWorseStatusWins() {
        Verdicts.Verdict v = Verdicts.of(with(c -> c.setLegacyProtocol(true).setHostnameMatch(false)), ExpiryPolicy.DEFAULT, EARLY);
        assertThat(v.status()).isEqualTo(Status.INVALID);
        assertThat(v.conditions()).extracting(Verdicts.Finding::type)
                .containsExactly(ConditionType.HOSTNAME_MISMATCH, ConditionType.LEGACY_PROTOCOL);
    }

    @Test
    void theWordsNameWhatIsWrong() {
        Verdicts.Verdict v = Verdicts.of(with(c -> c.setLegacyProtocol(true).setLifetimeExceedsMaximum(true)), ExpiryPolicy.DEFAULT, EARLY);
        assertThat(v.conditions()).extracting(Verdicts.Finding::message).containsExactly(
                "the server negotiated TLSv1 (TLS 1.2 or newer expected)",
                "certificate CN=a is valid for 90 days, longer than the CA/Browser Forum allows for its issue date");
        assertThat(v.conditions().get(0).certificate()).isNull();
        assertThat(v.conditions().get(1).certificate().getSubject()).isEqualTo("CN=a");
    }

    @Test
    void alertSeveritiesOfThePolicysFindingsAreTheirLevels() {
        assertThat(Verdicts.alertSeverity(ConditionType.LEGACY_PROTOCOL, Severity.CRITICAL)).isEqualTo(Severity.CRITICAL);
        assertThat(Verdicts.alertSeverity(ConditionType.LIFETIME_EXCEEDS_MAXIMUM, Severity.INFO)).isEqualTo(Severity.INFO);
        assertThat(Verdicts.alertSeverity(ConditionType.UNTRUSTED, Severity.CRITICAL)).isEqualTo(Severity.CRITICAL);
        assertThat(Verdicts.alertSeverity(ConditionType.WEAK_CRYPTO, Severity.CRITICAL)).isEqualTo(Severity.WARNING);
    }
    static Revocation.Builder revocationOfTheLeaf(Observation o) {
        return Revocation.newBuilder().setSha256(o.getChain().getFirst().getSha256()).setSubject("CN=a");
    }

    @Test
    void aRevokedCertificateIsInvalidWithItsDateAndReason() {
        Instant revokedAt = NOT_BEFORE.plus(Duration.ofDays(2));
        Observation o = observation(Duration.ofDays(90), b -> b);
        o.setRevocation(List.of(revocationOfTheLeaf(o).setStatus(RevocationStatus.REVOKED).setSource(RevocationSource.CRL)
                .setUrl("http://crl.example/ca.crl").setRevokedAt(revokedAt).setReason("keyCompromise").build()));
        Verdicts.Verdict v = Verdicts.of(o, ExpiryPolicy.DEFAULT, EARLY.plus(Duration.ofDays(3)));
        assertThat(v.status()).isEqualTo(Status.INVALID);
        assertThat(v.conditions()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(ConditionType.REVOKED);
            assertThat(f.level()).isEqualTo(Severity.CRITICAL);
            assertThat(f.certificate().getSha256()).isEqualTo(o.getChain().getFirst().getSha256());
            assertThat(f.message()).isEqualTo("certificate CN=a was revoked at " + revokedAt + " (reason: keyCompromise)");
        });
        assertThat(Verdicts.alertSeverity(ConditionType.REVOKED, Severity.CRITICAL)).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void anUnknownStatusSoftFailsUntilTheGracePeriodIsOver() {
        Observation o = observation(Duration.ofDays(90), b -> b);
        Instant since = NOT_BEFORE.plus(Duration.ofHours(1));
        o.setRevocation(List.of(revocationOfTheLeaf(o).setStatus(RevocationStatus.UNKNOWN).setUnknownSince(since)
                .setDetail("timeout: no answer within the probe's deadline").build()));
        assertThat(Verdicts.of(o, ExpiryPolicy.DEFAULT, EARLY).conditions()).isEmpty();
        assertThat(Verdicts.of(o, ExpiryPolicy.DEFAULT, EARLY).status()).isEqualTo(Status.OK);

        o.getRevocation().getFirst().setGraceExceeded(true);
        Verdicts.Verdict v = Verdicts.of(o, ExpiryPolicy.DEFAULT, EARLY);
        assertThat(v.status()).isEqualTo(Status.WARNING);
        assertThat(v.conditions()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(ConditionType.REVOCATION_UNKNOWN);
            assertThat(f.level()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).contains("unknown since " + since, "timeout", "soft-fails");
        });
    }

    @Test
    void goodAndUncheckedStatusesGiveNothing() {
        Observation o = observation(Duration.ofDays(90), b -> b);
        o.setRevocation(List.of(revocationOfTheLeaf(o).setStatus(RevocationStatus.GOOD).build(),
                Revocation.newBuilder().setSha256("bb").setSubject("CN=ca").setStatus(RevocationStatus.NOT_CHECKED).build()));
        assertThat(Verdicts.of(o, ExpiryPolicy.DEFAULT, EARLY).conditions()).isEmpty();
    }
}

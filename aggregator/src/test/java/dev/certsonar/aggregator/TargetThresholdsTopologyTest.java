package dev.certsonar.aggregator;

import dev.certsonar.aggregator.state.ServiceEvaluator;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** A target whose own thresholds cross those of the aggregator's policy goes to dead-letters with its reason. */
class TargetThresholdsTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    /** criticalDays 40 with the default policy's warnDays of 30: CRITICAL would come before WARNING. */
    static final Target CROSSING = Target.newBuilder(Obs.target("tls://shop.example.com:443", "shop", "team-web", "shop.example.com"))
            .setCriticalDays(40.0).build();
    static final Target GOOD = Obs.target("tls://pay.example.com:443", "pay", "team-pay", "pay.example.com");

    @TempDir
    Path stateDir;

    @Test
    void anAvroTargetCrossingThePolicyGoesToDeadLettersWithItsReasonAndTheNextIsScanned() {
        try (Harness h = new Harness(T0, stateDir)) {
            h.target(CROSSING);
            h.target(GOOD);

            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertThat(dead).singleElement().satisfies(record -> {
                assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(CROSSING.getId());
                assertThat(reason(record)).isEqualTo("Invalid target tls://shop.example.com:443 on test.targets: "
                        + "field 'criticalDays': criticalDays (40.0) must not be more than warnDays (30.0); "
                        + "warnDays comes from the policy");
            });
            assertThat(h.scanRequests.readValuesToList()).extracting(r -> r.getTarget().getId()).containsExactly(GOOD.getId());
        }
    }

    @Test
    void aJsonTargetCrossingThePolicyGoesToDeadLettersAsItWasPublished() {
        byte[] json = "{\"host\":\"shop.example.com\",\"service\":\"shop\",\"warnDays\":5}".getBytes(StandardCharsets.UTF_8);
        try (Harness h = new Harness(T0, stateDir)) {
            h.rawTargets.pipeInput("tls://shop.example.com:443", json, T0);
            h.target(GOOD);

            List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
            assertThat(dead).singleElement().satisfies(record -> {
                assertThat(record.value()).isEqualTo(json);
                assertThat(reason(record)).contains("field 'warnDays'")
                        .contains("criticalDays (7.0) must not be more than warnDays (5.0); criticalDays comes from the policy");
            });
            assertThat(h.scanRequests.readValuesToList()).hasSize(1);
        }
    }

    @Test
    void aJsonTargetCrossingItsOwnThresholdsGoesToDeadLetters() {
        byte[] json = "{\"host\":\"shop.example.com\",\"warnDays\":10,\"criticalDays\":20}".getBytes(StandardCharsets.UTF_8);
        try (Harness h = new Harness(T0, stateDir)) {
            h.rawTargets.pipeInput("tls://shop.example.com:443", json, T0);

            assertThat(h.deadLetters.readRecordsToList()).singleElement().satisfies(record -> assertThat(reason(record))
                    .contains("field 'criticalDays': criticalDays (20.0) must not be more than warnDays (10.0)"));
            assertThat(h.scanRequests.isEmpty()).isTrue();
        }
    }

    @Test
    void theSameThresholdsAreTakenUnderAPolicyTheyFit() {
        ExpiryPolicy roomy = new ExpiryPolicy(Duration.ofHours(6), 60, 0.25, 7, 0.1);
        try (Harness h = new Harness(T0, stateDir, AggregatorConfig.DEFAULT.withPolicy(roomy))) {
            h.target(CROSSING);

            assertThat(h.deadLetters.isEmpty()).isTrue();
            assertThat(h.scanRequests.readValuesToList()).extracting(ScanRequest::getTarget).containsExactly(CROSSING);
        }
    }

    @Test
    void aCrossingTargetAlreadyStoredIsJudgedNotFailed() {
        // stored before thresholds were checked, or before the policy changed under it: judged with its warning
        // threshold raised to its critical one, so the service state goes on
        ServiceEvaluator evaluator = new ServiceEvaluator(AggregatorConfig.DEFAULT);
        Observation o = Obs.lifetime(T0, Duration.ofDays(398), Duration.ofDays(35)).build();
        TreeMap<String, Target> targets = new TreeMap<>();
        targets.put(CROSSING.getId(), CROSSING);

        ServiceEvaluator.Evaluation evaluation = evaluator.evaluate("shop", targets,
                List.of(new ServiceEvaluator.EndpointObservation(CROSSING.getId(), "10.0.0.1:443", o)), null,
                Set.of("10.0.0.1:443"), T0);

        assertThat(evaluation.status().getStatus()).isEqualTo(Status.CRITICAL);
    }

    private static String reason(TestRecord<byte[], byte[]> record) {
        Header error = record.headers().lastHeader("certsonar.error");
        assertThat(error).as("the reason header").isNotNull();
        return new String(error.value(), StandardCharsets.UTF_8);
    }
}

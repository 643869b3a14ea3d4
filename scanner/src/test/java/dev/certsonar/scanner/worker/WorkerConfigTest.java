package dev.certsonar.scanner.worker;

import dev.certsonar.schemas.InvalidValueException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class WorkerConfigTest {

    private static final WorkerConfig D = WorkerConfig.DEFAULT;

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                argumentSet("a blank group", (Supplier<?>) () -> D.withGroupId(" "), "groupId", "an empty consumer group"),
                argumentSet("no group", (Supplier<?>) () -> D.withGroupId(null), "groupId", "an empty consumer group"),
                argumentSet("nothing in flight", (Supplier<?>) () -> D.withMaxInFlight(0), "maxInFlight", "0 is too small (at least 1)"),
                argumentSet("a zero shutdown timeout", (Supplier<?>) () -> D.withShutdownTimeout(Duration.ZERO),
                        "shutdownTimeout", "0s is not a positive duration"),
                argumentSet("no revoke timeout", (Supplier<?>) () -> new WorkerConfig("g", 1, null, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                        "revokeTimeout", "missing"),
                argumentSet("a negative commit interval",
                        (Supplier<?>) () -> new WorkerConfig("g", 1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(-500)),
                        "commitInterval", "PT-0.5S is not a positive duration"));
    }

    @ParameterizedTest
    @MethodSource("brokenRules")
    void aBrokenRuleNamesItsField(Supplier<?> construction, String field, String problem) {
        assertThatThrownBy(construction::get)
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.problem()).isEqualTo(problem);
                });
    }
}

package dev.certsonar.schemas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class ValueRulesTest {

    static Stream<Arguments> refusals() {
        return Stream.of(
                argumentSet("nothing where a value is required", (Runnable) () -> ValueRules.required("retry", null),
                        "retry: missing"),
                argumentSet("one below the least", (Runnable) () -> ValueRules.atLeast("concurrency", 0, 1),
                        "concurrency: 0 is too small (at least 1)"),
                argumentSet("a zero duration that must be positive", (Runnable) () -> ValueRules.positive("timeout", Duration.ZERO),
                        "timeout: 0s is not a positive duration"),
                argumentSet("no duration that must be positive", (Runnable) () -> ValueRules.positive("timeout", null),
                        "timeout: missing"),
                argumentSet("a negative duration", (Runnable) () -> ValueRules.notNegative("grace", Duration.ofMillis(-1)),
                        "grace: PT-0.001S is a negative duration"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void eachRuleNamesTheField(Runnable check, String message) {
        assertThatExceptionOfType(InvalidValueException.class).isThrownBy(check::run).withMessage(message);
    }

    @Test
    void whatKeepsARuleIsReturned() {
        assertThat(ValueRules.atLeast("n", 1, 1)).isEqualTo(1);
        assertThat(ValueRules.positive("d", Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
        assertThat(ValueRules.notNegative("d", Duration.ZERO)).isZero();
        assertThat(ValueRules.required("x", "y")).isEqualTo("y");
    }
}

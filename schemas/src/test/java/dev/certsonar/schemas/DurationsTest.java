package dev.certsonar.schemas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class DurationsTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                argumentSet("seconds", "90s", Duration.ofSeconds(90)),
                argumentSet("minutes", "10m", Duration.ofMinutes(10)),
                argumentSet("hours", "6h", Duration.ofHours(6)),
                argumentSet("days", "7d", Duration.ofDays(7)),
                argumentSet("milliseconds", "500ms", Duration.ofMillis(500)),
                argumentSet("combined", "1h30m", Duration.ofMinutes(90)),
                argumentSet("surrounding spaces", " 6h ", Duration.ofHours(6)),
                argumentSet("ISO-8601 hours", "PT6H", Duration.ofHours(6)),
                argumentSet("ISO-8601 lower case", "pt10m", Duration.ofMinutes(10)),
                argumentSet("ISO-8601 days", "P1D", Duration.ofDays(1)),
                argumentSet("ISO-8601 fraction", "PT1.5S", Duration.ofMillis(1500)),
                argumentSet("zero", "0s", Duration.ZERO));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parses(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                argumentSet("no unit", "90", "invalid duration '90'"),
                argumentSet("unknown unit", "6w", "invalid duration '6w'"),
                argumentSet("upper-case unit", "6H", "invalid duration '6H'"),
                argumentSet("negative short form", "-5m", "invalid duration '-5m'"),
                argumentSet("spaces inside", "1h 30m", "invalid duration '1h 30m'"),
                argumentSet("words", "soon", "invalid duration 'soon'"),
                argumentSet("bad ISO-8601", "PT6X", "invalid ISO-8601 duration 'PT6X'"),
                argumentSet("empty", "", "empty duration"),
                argumentSet("too large", "99999999999999999999d", "too large"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejects(String text, String message) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void errorsListTheForms() {
        assertThatThrownBy(() -> Durations.parse("x"))
                .hasMessage("invalid duration 'x': use 90s, 10m, 6h, 7d (or combined, 1h30m) or ISO-8601 such as PT6H");
    }

    @Test
    void parsePositiveRejectsZero() {
        assertThatThrownBy(() -> Durations.parsePositive("0s")).hasMessage("duration '0s' must be longer than zero");
        assertThatThrownBy(() -> Durations.parsePositive("-PT1H")).hasMessage("duration '-PT1H' must be longer than zero");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7d", "6h", "10m", "90s", "1500ms", "0s", "25h", "PT0.0000001S"})
    void formatReadsBack(String text) {
        Duration d = Durations.parse(text);

        assertThat(Durations.format(d)).isEqualTo(text);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
}

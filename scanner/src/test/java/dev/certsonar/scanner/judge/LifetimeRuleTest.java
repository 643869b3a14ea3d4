package dev.certsonar.scanner.judge;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class LifetimeRuleTest {

    static Stream<Arguments> maxima() {
        return Stream.of(
                argumentSet("2025: 398 days", "2025-06-01T00:00:00Z", 398),
                argumentSet("last second before 2026-03-15: 398 days", "2026-03-14T23:59:59Z", 398),
                argumentSet("from 2026-03-15: 200 days", "2026-03-15T00:00:00Z", 200),
                argumentSet("from 2027-03-15: 100 days", "2027-03-15T00:00:00Z", 100),
                argumentSet("from 2029-03-15: 47 days", "2029-03-15T00:00:00Z", 47));
    }

    @ParameterizedTest
    @MethodSource("maxima")
    void maximumByIssueDate(String notBefore, int days) {
        assertThat(LifetimeRule.maximumDays(Instant.parse(notBefore))).isEqualTo(days);
    }

    static Stream<Arguments> validity() {
        Instant nb = Instant.parse("2026-04-01T00:00:00Z");
        return Stream.of(
                argumentSet("200 days less one second is exactly 200 days as the BRs count", nb, nb.plus(Duration.ofDays(200)).minusSeconds(1), false),
                argumentSet("notAfter = notBefore + 200 days is 200 days and 1 second", nb, nb.plus(Duration.ofDays(200)), true));
    }

    @ParameterizedTest
    @MethodSource("validity")
    void validityCountsBothEnds(Instant notBefore, Instant notAfter, boolean exceeds) {
        Duration v = LifetimeRule.validity(notBefore, notAfter);
        assertThat(v.compareTo(Duration.ofDays(LifetimeRule.maximumDays(notBefore))) > 0).isEqualTo(exceeds);
    }
}

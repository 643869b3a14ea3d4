package dev.certsonar.cli.config;

import dev.certsonar.schemas.avro.Severity;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RouteMatchTest {

    @Test
    void everyConditionMustHold() {
        RouteConfig.Match match = new RouteConfig.Match("team-payments", null, Map.of("env", "prod"), Severity.WARNING);

        assertThat(match.matches("team-payments", "pay", Map.of("env", "prod", "tier", "1"), Severity.CRITICAL)).isTrue();
        assertThat(match.matches("team-payments", "pay", Map.of("env", "prod"), Severity.WARNING)).isTrue();
        assertThat(match.matches("team-payments", "pay", Map.of("env", "prod"), Severity.INFO)).isFalse();
        assertThat(match.matches("team-web", "pay", Map.of("env", "prod"), Severity.CRITICAL)).isFalse();
        assertThat(match.matches("team-payments", "pay", Map.of("env", "test"), Severity.CRITICAL)).isFalse();
        assertThat(match.matches("team-payments", "pay", Map.of(), Severity.CRITICAL)).isFalse();
    }

    @Test
    void anEmptyMatchHoldsForEveryAlert() {
        RouteConfig.Match match = new RouteConfig.Match(null, null, null, null);

        assertThat(match.matches(null, "svc", Map.of(), Severity.INFO)).isTrue();
    }
}

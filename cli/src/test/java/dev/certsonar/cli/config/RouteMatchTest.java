package dev.certsonar.cli.config;

import dev.certsonar.notifier.delivery.Route;
import dev.certsonar.schemas.avro.Severity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RouteMatchTest {

    @Test
    void aRouteBecomesTheNotifiersRouteWithItsConditions() {
        RouteConfig route = new RouteConfig(
                new RouteConfig.Match("team-payments", null, Map.of("env", "prod"), Severity.WARNING), List.of("ops"));

        assertThat(route.toRoute()).isEqualTo(new Route(
                new Route.Match("team-payments", null, Map.of("env", "prod"), Severity.WARNING), List.of("ops")));
    }

    @Test
    void aRouteWithoutMatchIsTheNotifiersFallback() {
        RouteConfig route = new RouteConfig(null, List.of("console"));

        assertThat(route.isFallback()).isTrue();
        assertThat(route.toRoute()).isEqualTo(Route.fallback(List.of("console")));
    }
}

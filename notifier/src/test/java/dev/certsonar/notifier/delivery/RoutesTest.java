package dev.certsonar.notifier.delivery;

import dev.certsonar.notifier.delivery.Route.Match;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.Severity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutesTest {

    static final Routes ROUTES = new Routes(List.of(
            new Route(new Match("team-payments", null, Map.of("env", "prod"), null), List.of("ops")),
            new Route(new Match(null, null, Map.of(), Severity.CRITICAL), List.of("pager")),
            new Route(new Match(null, "blog", Map.of(), null), List.of("blog-room")),
            Route.fallback(List.of("console"))));

    static Alert alert(String owner, String service, Map<String, String> labels, Severity severity) {
        return Alert.newBuilder(WebhookChannelTest.alert("e")).setOwner(owner).setService(service)
                .setLabels(labels).setSeverity(severity).build();
    }

    @Test
    void every_route_that_matches_is_used() {
        assertThat(ROUTES.channelsFor(alert("team-payments", "payments-api", Map.of("env", "prod"), Severity.CRITICAL)))
                .containsExactly("ops", "pager");
    }

    @Test
    void all_conditions_of_a_match_must_hold() {
        assertThat(ROUTES.channelsFor(alert("team-payments", "payments-api", Map.of("env", "test"), Severity.WARNING)))
                .containsExactly("console");
        assertThat(ROUTES.channelsFor(alert("team-web", "payments-api", Map.of("env", "prod"), Severity.WARNING)))
                .containsExactly("console");
    }

    @Test
    void min_severity_lets_that_severity_and_worse_through() {
        assertThat(ROUTES.channelsFor(alert("x", "y", Map.of(), Severity.CRITICAL))).containsExactly("pager");
        assertThat(ROUTES.channelsFor(alert("x", "y", Map.of(), Severity.WARNING))).containsExactly("console");
    }

    @Test
    void the_fallback_is_used_only_when_nothing_else_matched() {
        assertThat(ROUTES.channelsFor(alert("x", "blog", Map.of(), Severity.WARNING))).containsExactly("blog-room");
        assertThat(ROUTES.to("console").test(alert("x", "blog", Map.of(), Severity.WARNING))).isFalse();
        assertThat(ROUTES.to("blog-room").test(alert("x", "blog", Map.of(), Severity.WARNING))).isTrue();
    }

    @Test
    void a_route_to_an_unknown_channel_is_refused_with_its_place() {
        assertThatThrownBy(() -> ROUTES.requireChannels(Set.of("ops", "pager", "console")))
                .hasMessageContaining("routes[2].channels").hasMessageContaining("blog-room");
    }

    @Test
    void with_no_routes_nothing_is_sent() {
        assertThat(new Routes(List.of()).channelsFor(WebhookChannelTest.alert("e"))).isEmpty();
    }
}

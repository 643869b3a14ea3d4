package dev.certsonar.cli.config;

import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** The rules of the configuration's own records: HTTP, channels, routes and the whole configuration. */
class ConfigRecordsTest {

    private static final ChannelConfig LOG = new ChannelConfig("log", "log", Map.of());

    private static CertsonarConfig config(String prefix, List<ChannelConfig> channels, List<RouteConfig> routes) {
        return new CertsonarConfig(Map.of(), prefix, ScannerConfig.DEFAULT, ExpiryPolicy.DEFAULT, HttpConfig.DEFAULT,
                NotifierConfig.DEFAULT, channels, routes, null);
    }

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                argumentSet("http: a port too large", (Supplier<?>) () -> HttpConfig.DEFAULT.withPort(65536),
                        "port", "65536 is not a port (0 to 65535)"),
                argumentSet("http: a negative port", (Supplier<?>) () -> HttpConfig.DEFAULT.withPort(-1),
                        "port", "-1 is not a port (0 to 65535)"),
                argumentSet("http: an empty bind address", (Supplier<?>) () -> HttpConfig.DEFAULT.withBind(""),
                        "bind", "an empty address"),
                argumentSet("http: no bind address", (Supplier<?>) () -> HttpConfig.DEFAULT.withBind(null),
                        "bind", "an empty address"),
                argumentSet("channel: a name with a slash", (Supplier<?>) () -> new ChannelConfig("ops/1", "log", Map.of()),
                        "name", "\"ops/1\" is not a channel name (letters, digits, '.', '_' and '-' only)"),
                argumentSet("channel: no name", (Supplier<?>) () -> new ChannelConfig(null, "log", Map.of()),
                        "name", "no name is not a channel name (letters, digits, '.', '_' and '-' only)"),
                argumentSet("channel: an unknown type", (Supplier<?>) () -> new ChannelConfig("chat", "irc", Map.of()),
                        "type", "unknown channel type \"irc\"; one of email, log, pagerduty, slack, teams, webhook"),
                argumentSet("route: no channel", (Supplier<?>) () -> new RouteConfig(null, List.of()),
                        "channels", "a route names at least one channel"),
                argumentSet("route: no channel list", (Supplier<?>) () -> new RouteConfig(null, null),
                        "channels", "a route names at least one channel"),
                argumentSet("config: a topic prefix Kafka does not allow", (Supplier<?>) () -> config("my topics/", List.of(), List.of()),
                        "topics.prefix", "'my topics/' has characters Kafka does not allow in topic names (allowed: letters, digits, '.', '_', '-')"),
                argumentSet("config: two channels of one name",
                        (Supplier<?>) () -> config("c.", List.of(LOG, new ChannelConfig("ops", "log", Map.of()), LOG), List.of()),
                        "channels[2].name", "a second channel named \"log\""),
                argumentSet("config: a route to an unknown channel",
                        (Supplier<?>) () -> config("c.", List.of(LOG), List.of(new RouteConfig(null, List.of("log", "ops")))),
                        "routes[0].channels[1]", "no channel named \"ops\"; channels: log"),
                argumentSet("config: a route without channels defined",
                        (Supplier<?>) () -> config("c.", List.of(), List.of(new RouteConfig(null, List.of("ops")))),
                        "routes[0].channels[0]", "no channel named \"ops\"; no channels are defined"));
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

    @Test
    void aChannelWhoseSettingsTheNotifierRefusesIsRefusedInItsWords() {
        assertThatThrownBy(() -> new ChannelConfig("pager", "pagerduty", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("channels[pager].routingKey is required");
    }

    @Test
    void whatTheRulesAllowIsKept() {
        CertsonarConfig config = config("", List.of(LOG, new ChannelConfig("hook", "webhook", Map.of("url", "https://hooks.example.com/x"))),
                List.of(new RouteConfig(null, List.of("hook", "log"))));

        assertThat(config.topics().targets().name()).isEqualTo("targets");
        assertThat(config.routes().getFirst().channels()).containsExactly("hook", "log");
        assertThat(new HttpConfig(0, " 0.0.0.0 ")).isEqualTo(new HttpConfig(0, "0.0.0.0"));
    }
}

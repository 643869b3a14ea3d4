package dev.certsonar.notifier;

import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.notifier.delivery.Route;
import dev.certsonar.notifier.delivery.Routes;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** The rules of the notifier's settings: its config, the retry policy and the routes. */
class NotifierConfigTest {

    private static final NotifierConfig D = NotifierConfig.DEFAULT;

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                argumentSet("no observation to hold down for", (Supplier<?>) () -> D.withHoldDown(0, Duration.ofMinutes(15)),
                        List.of("holdDownObservations"), "0 is too small (at least 1)"),
                argumentSet("a zero hold-down", (Supplier<?>) () -> D.withHoldDown(2, Duration.ZERO),
                        List.of("holdDownDuration"), "0s is not a positive duration"),
                argumentSet("a zero punctuation", (Supplier<?>) () -> D.withPunctuateInterval(Duration.ZERO),
                        List.of("punctuateInterval"), "0s is not a positive duration"),
                argumentSet("a negative reminder", (Supplier<?>) () -> D.withReminders(Map.of(Severity.CRITICAL, Duration.ofHours(-1)), Map.of()),
                        List.of("reminderIntervals.CRITICAL"), "PT-1H is not a positive duration"),
                argumentSet("a zero reminder of a condition",
                        (Supplier<?>) () -> D.withReminders(Map.of(), Map.of(ConditionType.EXPIRED, Duration.ZERO)),
                        List.of("conditionReminderIntervals.EXPIRED"), "0s is not a positive duration"),
                argumentSet("a blank application id", (Supplier<?>) () -> D.withApplicationId(""),
                        List.of("applicationId"), "an empty application id"),
                argumentSet("a negative group window", (Supplier<?>) () -> D.withDelivery(Duration.ofSeconds(-1), RetryPolicy.DEFAULT),
                        List.of("groupWindow"), "PT-1S is a negative duration"),
                argumentSet("no retry policy", (Supplier<?>) () -> D.withDelivery(Duration.ZERO, null),
                        List.of("retry"), "missing"),
                argumentSet("no try at all", (Supplier<?>) () -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(2)),
                        List.of("attempts"), "0 is too small (at least 1)"),
                argumentSet("no retry budget", (Supplier<?>) () -> RetryPolicy.DEFAULT.withBudget(Duration.ZERO),
                        List.of("budget"), "0s is not a positive duration"),
                argumentSet("a negative backoff", (Supplier<?>) () -> new RetryPolicy(3, Duration.ofSeconds(-1), Duration.ofSeconds(2)),
                        List.of("initialBackoff"), "PT-1S is a negative duration"),
                argumentSet("a ceiling below the first backoff", (Supplier<?>) () -> new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(2)),
                        List.of("maxBackoff", "initialBackoff"), "maxBackoff (2s) must not be less than initialBackoff (5s)"),
                argumentSet("a route to no channel", (Supplier<?>) () -> Route.fallback(List.of()),
                        List.of("channels"), "a route names at least one channel"),
                argumentSet("a route to an unknown channel", (Supplier<?>) () -> {
                    new Routes(List.of(Route.fallback(List.of("ops")), Route.fallback(List.of("ops", "opps")))).requireChannels(Set.of("ops", "log"));
                    return null;
                }, List.of("routes[1].channels[1]"), "no channel named \"opps\"; channels: log, ops"),
                argumentSet("a route when no channel is defined", (Supplier<?>) () -> {
                    new Routes(List.of(Route.fallback(List.of("ops")))).requireChannels(Set.of());
                    return null;
                }, List.of("routes[0].channels[0]"), "no channel named \"ops\"; no channels are defined"));
    }

    @ParameterizedTest
    @MethodSource("brokenRules")
    void aBrokenRuleNamesItsFields(Supplier<?> construction, List<String> fields, String problem) {
        assertThatThrownBy(construction::get)
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.fields()).isEqualTo(fields);
                    assertThat(e.problem()).isEqualTo(problem);
                });
    }
}

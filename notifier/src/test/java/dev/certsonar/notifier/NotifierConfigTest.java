package dev.certsonar.notifier;

import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.notifier.delivery.Route;
import dev.certsonar.notifier.delivery.Routes;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.LinkedHashMap;
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
                argumentSet("no observation to hold down for", (Supplier<?>) () -> D.withHoldDown(0, D.holdDown()),
                        List.of("holdDownObservations"), "0 is too small (at least 1)"),
                argumentSet("a zero hold-down", (Supplier<?>) () -> D.withHoldDown(2, Map.of("UNREACHABLE", Duration.ZERO)),
                        List.of("holdDown.UNREACHABLE"), "0s is not a positive duration"),
                argumentSet("a hold-down of a severity", (Supplier<?>) () -> D.withHoldDown(2, Map.of("CRITICAL", Duration.ofMinutes(5))),
                        List.of("holdDown.CRITICAL"), "not a condition (EXPIRING, EXPIRED, UNTRUSTED, HOSTNAME_MISMATCH, "
                                + "INCOMPLETE_CHAIN, NOT_YET_VALID, WEAK_CRYPTO, UNREACHABLE, STALE, ROLLOUT_INCOMPLETE, LEGACY_PROTOCOL, LIFETIME_EXCEEDS_MAXIMUM, FLEET_DOWN, FLEET_BEHIND, WATCHDOG, REVOKED, REVOCATION_UNKNOWN)"),
                argumentSet("a zero punctuation", (Supplier<?>) () -> D.withPunctuateInterval(Duration.ZERO),
                        List.of("punctuateInterval"), "0s is not a positive duration"),
                argumentSet("a negative reminder", (Supplier<?>) () -> D.withReminders(Map.of("CRITICAL", Duration.ofHours(-1))),
                        List.of("reminders.CRITICAL"), "PT-1H is not a positive duration"),
                argumentSet("a zero reminder of a condition",
                        (Supplier<?>) () -> D.withReminders(Map.of("expired", Duration.ZERO)),
                        List.of("reminders.expired"), "0s is not a positive duration"),
                argumentSet("a reminder of neither a severity nor a condition",
                        (Supplier<?>) () -> D.withReminders(Map.of("URGENT", Duration.ofHours(1))),
                        List.of("reminders.URGENT"), "not a severity (INFO, WARNING, CRITICAL) or a condition (EXPIRING, "
                                + "EXPIRED, UNTRUSTED, HOSTNAME_MISMATCH, INCOMPLETE_CHAIN, NOT_YET_VALID, WEAK_CRYPTO, "
                                + "UNREACHABLE, STALE, ROLLOUT_INCOMPLETE, LEGACY_PROTOCOL, LIFETIME_EXCEEDS_MAXIMUM, FLEET_DOWN, FLEET_BEHIND, WATCHDOG, REVOKED, REVOCATION_UNKNOWN)"),
                argumentSet("a reminder given twice", (Supplier<?>) () -> {
                    Map<String, Duration> twice = new LinkedHashMap<>();
                    twice.put("CRITICAL", Duration.ofHours(1));
                    twice.put("critical", Duration.ofHours(2));
                    return D.withReminders(twice);
                }, List.of("reminders.critical"), "given twice"),
                argumentSet("resolved alerts kept for no time", (Supplier<?>) () -> D.withKeepResolved(Duration.ZERO),
                        List.of("keepResolved"), "0s is not a positive duration"),
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

    @Test
    void names_of_conditions_and_severities_are_taken_in_any_case_and_a_condition_wins_over_its_severity() {
        NotifierConfig c = D.withHoldDown(3, Map.of("unreachable", Duration.ofMinutes(5)))
                .withReminders(Map.of("critical", Duration.ofHours(12), "Expired", Duration.ofHours(48)));
        assertThat(c.holdDown(ConditionType.UNREACHABLE)).contains(Duration.ofMinutes(5));
        assertThat(c.holdDown(ConditionType.STALE)).isEmpty();
        assertThat(c.reminderInterval(Severity.CRITICAL, ConditionType.EXPIRING)).contains(Duration.ofHours(12));
        assertThat(c.reminderInterval(Severity.CRITICAL, ConditionType.EXPIRED)).contains(Duration.ofHours(48));
        assertThat(c.reminderInterval(Severity.WARNING, ConditionType.EXPIRING)).isEmpty();
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

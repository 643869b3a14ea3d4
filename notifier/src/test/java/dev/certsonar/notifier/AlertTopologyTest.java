package dev.certsonar.notifier;

import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.certsonar.notifier.Statuses.cert;
import static dev.certsonar.notifier.Statuses.condition;
import static dev.certsonar.notifier.Statuses.status;
import static dev.certsonar.schemas.avro.ConditionType.EXPIRING;
import static dev.certsonar.schemas.avro.ConditionType.UNREACHABLE;
import static dev.certsonar.schemas.avro.ConditionType.UNTRUSTED;
import static dev.certsonar.schemas.avro.Severity.CRITICAL;
import static dev.certsonar.schemas.avro.Severity.WARNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class AlertTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    static final CertificateRef OLD = cert("aa".repeat(32), "CN=shop.example.com", Instant.parse("2026-11-30T09:36:00Z"));
    static final CertificateRef IN_20_DAYS = cert("bb".repeat(32), "CN=shop.example.com", T0.plus(Duration.ofDays(20)));
    static final CertificateRef RENEWED = cert("cc".repeat(32), "CN=shop.example.com", T0.plus(Duration.ofDays(200)));

    @TempDir
    Path stateDir;

    LifecycleDriver world;
    TopologyTestDriver driver;
    TestInputTopic<String, ServiceStatus> statuses;

    @BeforeEach
    void start() {
        startWith(NotifierConfig.DEFAULT);
    }

    void startWith(NotifierConfig config) {
        if (world != null) {
            world.close();
        }
        world = new LifecycleDriver(stateDir, config, T0);
        driver = world.driver;
        statuses = world.statuses;
    }

    @AfterEach
    void stop() {
        world.close();
    }

    void send(ServiceStatus status) {
        world.send(status);
    }

    List<Alert> read() {
        return world.read();
    }

    @Test
    void fires_once_with_the_details_a_person_needs() {
        send(status("shop", T0, OLD, condition(EXPIRING, CRITICAL, OLD, T0)));

        List<Alert> out = read();
        assertThat(out).hasSize(1);
        Alert a = out.getFirst();
        assertThat(a.getState()).isEqualTo(AlertState.FIRING);
        assertThat(a.getReminder()).isFalse();
        assertThat(a.getSeverity()).isEqualTo(CRITICAL);
        assertThat(a.getCondition()).isEqualTo(EXPIRING);
        assertThat(a.getLevel()).isEqualTo(CRITICAL);
        assertThat(a.getAlertId()).isEqualTo(AlertIds.alertId("shop", OLD.getSha256(), EXPIRING, CRITICAL)).hasSize(32);
        assertThat(a.getEventId()).hasSize(32).isNotEqualTo(a.getAlertId());
        assertThat(a.getOwner()).isEqualTo("team-web");
        assertThat(a.getLabels()).containsEntry("env", "prod");
        assertThat(a.getDaysLeft()).isEqualTo(2.9);
        assertThat(a.getCertificate()).isEqualTo(OLD);
        assertThat(a.getEndpoints()).containsExactly(Statuses.ENDPOINT);
        assertThat(a.getAt()).isEqualTo(T0);
        assertThat(a.getFirstFiredAt()).isEqualTo(T0);
        assertThat(a.getMessage())
                .isEqualTo("certificate CN=shop.example.com on shop expires in 2.9 days (2026-11-30 09:36 UTC)");
    }

    @Test
    void the_same_status_again_emits_nothing() {
        send(status("shop", T0, OLD, condition(EXPIRING, CRITICAL, OLD, T0)));
        assertThat(read()).hasSize(1);

        for (int i = 1; i <= 5; i++) {
            send(status("shop", T0.plus(Duration.ofHours(i)), OLD, condition(EXPIRING, CRITICAL, OLD, T0, 1 + i)));
        }
        assertThat(read()).isEmpty();
    }

    @Test
    void a_level_up_fires_the_new_level_and_resolves_the_old() {
        send(status("shop", T0, IN_20_DAYS, condition(EXPIRING, WARNING, IN_20_DAYS, T0)));
        Alert warning = read().getFirst();
        assertThat(warning.getLevel()).isEqualTo(WARNING);
        assertThat(warning.getSeverity()).isEqualTo(WARNING);

        Instant later = T0.plus(Duration.ofDays(14));
        send(status("shop", later, IN_20_DAYS, condition(EXPIRING, CRITICAL, IN_20_DAYS, later)));

        List<Alert> out = read();
        assertThat(out).extracting(Alert::getState, Alert::getLevel, Alert::getAlertId).containsExactly(
                tuple(AlertState.FIRING, CRITICAL,
                        AlertIds.alertId("shop", IN_20_DAYS.getSha256(), EXPIRING, CRITICAL)),
                tuple(AlertState.RESOLVED, WARNING, warning.getAlertId()));
        assertThat(out.get(1).getMessage()).contains("now at level CRITICAL");
        assertThat(out.get(1).getFirstFiredAt()).isEqualTo(T0);
        assertThat(out.get(1).getAt()).isEqualTo(later);
    }

    @Test
    void a_certificate_first_seen_at_three_days_fires_critical_only() {
        send(status("shop", T0, OLD,
                condition(EXPIRING, WARNING, OLD, T0), condition(EXPIRING, CRITICAL, OLD, T0)));

        assertThat(read()).singleElement().satisfies(a -> {
            assertThat(a.getLevel()).isEqualTo(CRITICAL);
            assertThat(a.getState()).isEqualTo(AlertState.FIRING);
        });
        send(status("shop", T0.plusSeconds(60), OLD, condition(EXPIRING, CRITICAL, OLD, T0, 2)));
        assertThat(read()).isEmpty();
    }

    @Test
    void a_renewal_resolves() {
        send(status("shop", T0, OLD, condition(EXPIRING, CRITICAL, OLD, T0)));
        Alert fired = read().getFirst();

        Instant renewedAt = T0.plus(Duration.ofHours(3));
        send(status("shop", renewedAt, RENEWED));

        assertThat(read()).singleElement().satisfies(a -> {
            assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
            assertThat(a.getAlertId()).isEqualTo(fired.getAlertId());
            assertThat(a.getEventId()).isNotEqualTo(fired.getEventId());
            assertThat(a.getAt()).isEqualTo(renewedAt);
            assertThat(a.getMessage()).contains("renewed").contains("2027-06-15");
        });
    }

    @Test
    void a_condition_that_is_gone_resolves() {
        send(status("shop", T0, RENEWED, condition(UNTRUSTED, CRITICAL, RENEWED, T0)));
        Alert fired = read().getFirst();
        assertThat(fired.getSeverity()).isEqualTo(CRITICAL);
        assertThat(fired.getMessage()).isEqualTo("certificate CN=shop.example.com on shop is not trusted");

        send(status("shop", T0.plusSeconds(600), RENEWED));

        assertThat(read()).singleElement().satisfies(a -> {
            assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
            assertThat(a.getAlertId()).isEqualTo(fired.getAlertId());
            assertThat(a.getMessage()).contains("the condition no longer holds");
        });
    }

    @Test
    void a_removed_service_resolves_all_its_alerts() {
        send(status("shop", T0, OLD, condition(EXPIRING, CRITICAL, OLD, T0), condition(UNTRUSTED, CRITICAL, OLD, T0)));
        send(status("blog", T0, OLD, condition(UNTRUSTED, CRITICAL, OLD, T0)));
        assertThat(read()).hasSize(3);

        statuses.pipeInput("shop", null, T0.plusSeconds(60));

        List<Alert> out = read();
        assertThat(out).hasSize(2).allSatisfy(a -> {
            assertThat(a.getService()).isEqualTo("shop");
            assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
            assertThat(a.getMessage()).contains("no longer monitored");
            assertThat(a.getAt()).isEqualTo(T0.plusSeconds(60));
        });
        assertThat(out).extracting(Alert::getCondition).containsExactlyInAnyOrder(EXPIRING, UNTRUSTED);

        statuses.pipeInput("shop", null, T0.plusSeconds(120));
        assertThat(read()).isEmpty();
    }

    @Test
    void a_service_whose_name_extends_another_with_the_separator_keeps_its_own_alerts() {
        send(status("a", T0, OLD, condition(EXPIRING, CRITICAL, OLD, T0)));
        send(status("a|b", T0, OLD, condition(EXPIRING, CRITICAL, OLD, T0)));
        send(status("a\\", T0, OLD, condition(UNTRUSTED, CRITICAL, OLD, T0)));
        assertThat(read()).extracting(Alert::getService, Alert::getState).containsExactlyInAnyOrder(
                tuple("a", AlertState.FIRING), tuple("a|b", AlertState.FIRING), tuple("a\\", AlertState.FIRING));

        send(status("a", T0.plusSeconds(60), RENEWED));
        assertThat(read()).singleElement().satisfies(a -> {
            assertThat(a.getService()).isEqualTo("a");
            assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
        });
        statuses.pipeInput("a", null, T0.plusSeconds(120));
        assertThat(read()).as("a's alerts are all resolved; the others are not a's").isEmpty();

        driver.advanceWallClockTime(Duration.ofHours(24));
        assertThat(read()).extracting(Alert::getService, Alert::getReminder)
                .containsExactlyInAnyOrder(tuple("a|b", true), tuple("a\\", true));

        send(status("a|b", T0.plus(Duration.ofHours(25)), RENEWED));
        assertThat(read()).singleElement().satisfies(a -> {
            assertThat(a.getService()).isEqualTo("a|b");
            assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
        });
        statuses.pipeInput("a\\", null, T0.plus(Duration.ofHours(26)));
        assertThat(read()).singleElement().satisfies(a -> {
            assertThat(a.getService()).isEqualTo("a\\");
            assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
        });
    }

    @Test
    void each_new_status_of_the_watchdog_is_a_repeat_of_its_alert_and_none_comes_without_one() {
        Condition watchdog = condition(ConditionType.WATCHDOG, Severity.INFO, null, T0);
        send(status("certsonar:watchdog", T0, null, watchdog));
        Alert first = read().getFirst();
        assertThat(first.getState()).isEqualTo(AlertState.FIRING);
        assertThat(first.getCondition()).isEqualTo(ConditionType.WATCHDOG);

        send(status("certsonar:watchdog", T0.plus(Duration.ofMinutes(1)), null, watchdog));
        send(status("certsonar:watchdog", T0.plus(Duration.ofMinutes(2)), null, watchdog));
        List<Alert> repeats = read();
        assertThat(repeats).hasSize(2).allSatisfy(a -> {
            assertThat(a.getAlertId()).isEqualTo(first.getAlertId());
            assertThat(a.getState()).isEqualTo(AlertState.FIRING);
            assertThat(a.getReminder()).isTrue();
        });
        assertThat(repeats).extracting(Alert::getAt).containsExactly(T0.plus(Duration.ofMinutes(1)), T0.plus(Duration.ofMinutes(2)));

        driver.advanceWallClockTime(Duration.ofDays(2));
        assertThat(read()).as("no repeat without a status of the watchdog").isEmpty();
    }

    @Test
    void a_critical_alert_is_reminded_of_daily_and_a_warning_is_not() {
        send(status("shop", T0, OLD, condition(EXPIRING, CRITICAL, OLD, T0)));
        send(status("blog", T0, IN_20_DAYS, condition(EXPIRING, WARNING, IN_20_DAYS, T0)));
        List<Alert> fired = read();
        assertThat(fired).hasSize(2);

        driver.advanceWallClockTime(Duration.ofHours(23));
        assertThat(read()).isEmpty();

        driver.advanceWallClockTime(Duration.ofHours(1));
        Alert reminder = read().getFirst();
        assertThat(reminder.getService()).isEqualTo("shop");
        assertThat(reminder.getReminder()).isTrue();
        assertThat(reminder.getState()).isEqualTo(AlertState.FIRING);
        assertThat(reminder.getAlertId()).isEqualTo(fired.getFirst().getAlertId());
        assertThat(reminder.getEventId()).isNotEqualTo(fired.getFirst().getEventId());
        assertThat(reminder.getAt()).isEqualTo(T0.plus(Duration.ofHours(24)));
        assertThat(reminder.getFirstFiredAt()).isEqualTo(T0);
        assertThat(reminder.getDaysLeft()).isEqualTo(1.9);
        assertThat(reminder.getMessage()).startsWith("still CRITICAL since 2026-11-27 12:00 UTC: ")
                .contains("expires in 1.9 days");

        driver.advanceWallClockTime(Duration.ofHours(24));
        List<Alert> second = read();
        assertThat(second).singleElement().satisfies(a -> {
            assertThat(a.getService()).isEqualTo("shop");
            assertThat(a.getEventId()).isNotIn(reminder.getEventId(), fired.getFirst().getEventId());
        });

        driver.advanceWallClockTime(Duration.ofDays(10));
        assertThat(read()).noneMatch(a -> a.getService().equals("blog"));
    }

    @Test
    void a_resolved_alert_is_not_reminded_of() {
        send(status("shop", T0, OLD, condition(EXPIRING, CRITICAL, OLD, T0)));
        send(status("shop", T0.plusSeconds(60), RENEWED));
        assertThat(read()).hasSize(2);

        driver.advanceWallClockTime(Duration.ofDays(3));
        assertThat(read()).isEmpty();
    }

    @Test
    void a_flapping_endpoint_is_held_down_until_it_stays_unreachable() {
        send(status("shop", T0, null, condition(UNREACHABLE, CRITICAL, null, T0, 1)));
        assertThat(read()).isEmpty();
        send(status("shop", T0.plusSeconds(60), RENEWED));
        assertThat(read()).isEmpty();
        send(status("shop", T0.plusSeconds(120), null, condition(UNREACHABLE, CRITICAL, null, T0.plusSeconds(120), 1)));
        assertThat(read()).isEmpty();

        send(status("shop", T0.plusSeconds(180), null, condition(UNREACHABLE, CRITICAL, null, T0.plusSeconds(120), 2)));

        assertThat(read()).singleElement().satisfies(a -> {
            assertThat(a.getCondition()).isEqualTo(UNREACHABLE);
            assertThat(a.getSeverity()).isEqualTo(CRITICAL);
            assertThat(a.getState()).isEqualTo(AlertState.FIRING);
            assertThat(a.getAt()).isEqualTo(T0.plusSeconds(180));
            assertThat(a.getCertificate()).isNull();
            assertThat(a.getDaysLeft()).isNull();
            assertThat(a.getMessage()).isEqualTo("shop is unreachable on " + Statuses.ENDPOINT);
        });

        send(status("shop", T0.plusSeconds(240), RENEWED));
        assertThat(read()).singleElement().satisfies(a -> {
            assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
            assertThat(a.getMessage()).contains("reachable again");
        });
    }

    @Test
    void a_held_down_condition_fires_when_it_lasted_long_enough_without_a_new_status() {
        send(status("shop", T0, null, condition(UNREACHABLE, CRITICAL, null, T0, 1)));
        assertThat(read()).isEmpty();

        driver.advanceWallClockTime(Duration.ofMinutes(14));
        assertThat(read()).isEmpty();

        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(read()).singleElement().satisfies(a -> {
            assertThat(a.getCondition()).isEqualTo(UNREACHABLE);
            assertThat(a.getAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
            assertThat(a.getFirstFiredAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
        });
    }

    @Test
    void a_held_down_condition_that_began_long_ago_fires_on_its_first_status() {
        send(status("shop", T0, null, condition(UNREACHABLE, CRITICAL, null, T0.minus(Duration.ofMinutes(20)), 1)));
        assertThat(read()).singleElement().extracting(Alert::getCondition).isEqualTo(UNREACHABLE);
    }

    @Test
    void expiry_and_validity_conditions_are_not_held_down() {
        send(status("shop", T0, OLD, condition(ConditionType.EXPIRED, CRITICAL, OLD, T0, 1)));
        assertThat(read()).singleElement().satisfies(a -> {
            assertThat(a.getCondition()).isEqualTo(ConditionType.EXPIRED);
            assertThat(a.getSeverity()).isEqualTo(CRITICAL);
        });
    }

    @Test
    void alert_id_is_stable_and_event_ids_are_unique_and_deterministic() {
        List<Alert> first = fireResolveRefire();
        assertThat(first).extracting(Alert::getState)
                .containsExactly(AlertState.FIRING, AlertState.RESOLVED, AlertState.FIRING);
        assertThat(first).extracting(Alert::getAlertId).containsOnly(first.getFirst().getAlertId());
        assertThat(first).extracting(Alert::getEventId).doesNotHaveDuplicates();

        world.close();
        world = null;
        startWith(NotifierConfig.DEFAULT.withStateDir(stateDir.resolve("again")));
        List<Alert> second = fireResolveRefire();
        assertThat(second).extracting(Alert::getEventId)
                .containsExactlyElementsOf(first.stream().map(Alert::getEventId).toList());
    }

    private List<Alert> fireResolveRefire() {
        send(status("shop", T0, RENEWED, condition(UNTRUSTED, CRITICAL, RENEWED, T0)));
        send(status("shop", T0.plusSeconds(60), RENEWED));
        send(status("shop", T0.plusSeconds(120), RENEWED, condition(UNTRUSTED, CRITICAL, RENEWED, T0.plusSeconds(120))));
        return read();
    }

    @Test
    void hold_down_and_reminders_follow_the_configuration() {
        startWith(NotifierConfig.DEFAULT.withStateDir(stateDir.resolve("configured"))
                .withHoldDown(3, Map.of("UNREACHABLE", Duration.ofHours(1)))
                .withReminders(Map.of("WARNING", Duration.ofHours(6))));
        send(status("shop", T0, null, condition(UNREACHABLE, CRITICAL, null, T0, 2)));
        driver.advanceWallClockTime(Duration.ofMinutes(59));
        assertThat(read()).isEmpty();
        send(status("shop", T0.plus(Duration.ofMinutes(59)), null, condition(UNREACHABLE, CRITICAL, null, T0, 3)));
        assertThat(read()).singleElement().extracting(Alert::getCondition).isEqualTo(UNREACHABLE);

        send(status("blog", T0, IN_20_DAYS, condition(EXPIRING, WARNING, IN_20_DAYS, T0)));
        assertThat(read()).hasSize(1);
        driver.advanceWallClockTime(Duration.ofHours(6));
        assertThat(read()).singleElement().satisfies(a -> {
            assertThat(a.getService()).isEqualTo("blog");
            assertThat(a.getReminder()).isTrue();
        });
        for (int i = 0; i < 8; i++) {
            driver.advanceWallClockTime(Duration.ofHours(6));
        }
        assertThat(read()).hasSize(8).allMatch(a -> a.getService().equals("blog") && a.getReminder());
    }

    @Test
    void after_a_long_pause_one_reminder_is_sent_not_one_per_missed_interval() {
        send(status("shop", T0, OLD, condition(EXPIRING, CRITICAL, OLD, T0)));
        assertThat(read()).hasSize(1);
        driver.advanceWallClockTime(Duration.ofDays(5));
        assertThat(read()).singleElement().extracting(Alert::getReminder).isEqualTo(true);
        driver.advanceWallClockTime(Duration.ofHours(23));
        assertThat(read()).isEmpty();
        driver.advanceWallClockTime(Duration.ofHours(1));
        assertThat(read()).hasSize(1);
    }

    @Test
    void the_aggregator_words_explain_why_but_do_not_repeat_the_dates() {
        Condition expiring = condition(EXPIRING, CRITICAL, OLD, T0);
        expiring.setMessage("certificate CN=shop.example.com expires at 2026-11-30T09:36:00Z (critical threshold passed)");
        Condition untrusted = condition(UNTRUSTED, CRITICAL, OLD, T0);
        untrusted.setMessage("certificate CN=shop.example.com is self-signed on " + Statuses.ENDPOINT);
        Condition unreachable = condition(UNREACHABLE, WARNING, null, T0, 2);
        unreachable.setMessage("not reachable over TLS (TIMEOUT) on " + Statuses.ENDPOINT);
        send(status("shop", T0, OLD, expiring, untrusted, unreachable));

        assertThat(read()).extracting(Alert::getMessage).containsExactlyInAnyOrder(
                "certificate CN=shop.example.com on shop expires in 2.9 days (2026-11-30 09:36 UTC)",
                "certificate CN=shop.example.com on shop is not trusted: certificate CN=shop.example.com is self-signed on "
                        + Statuses.ENDPOINT,
                "shop is unreachable: not reachable over TLS (TIMEOUT) on " + Statuses.ENDPOINT);
    }

    @Test
    void the_policys_findings_fire_at_their_level_and_resolve_like_any_condition() {
        send(status("shop", T0, RENEWED, condition(ConditionType.LEGACY_PROTOCOL, WARNING, null, T0),
                condition(ConditionType.LIFETIME_EXCEEDS_MAXIMUM, CRITICAL, RENEWED, T0)));
        List<Alert> fired = read();
        assertThat(fired).extracting(Alert::getState, Alert::getCondition, Alert::getLevel, Alert::getSeverity).containsExactlyInAnyOrder(
                tuple(AlertState.FIRING, ConditionType.LEGACY_PROTOCOL, WARNING, WARNING),
                tuple(AlertState.FIRING, ConditionType.LIFETIME_EXCEEDS_MAXIMUM, CRITICAL, CRITICAL));
        assertThat(fired).extracting(Alert::getMessage).containsExactlyInAnyOrder(
                "shop negotiates a legacy TLS protocol",
                "certificate CN=shop.example.com on shop is valid for longer than the CA/Browser Forum allows");

        send(status("shop", T0.plusSeconds(600), RENEWED));
        assertThat(read()).extracting(Alert::getState, Alert::getCondition).containsExactlyInAnyOrder(
                tuple(AlertState.RESOLVED, ConditionType.LEGACY_PROTOCOL),
                tuple(AlertState.RESOLVED, ConditionType.LIFETIME_EXCEEDS_MAXIMUM));
    }

    @Test
    void a_revoked_certificate_fires_critical_and_an_unknown_revocation_status_past_its_grace_a_warning() {
        send(status("shop", T0, RENEWED, condition(ConditionType.REVOKED, CRITICAL, RENEWED, T0),
                condition(ConditionType.REVOCATION_UNKNOWN, WARNING, RENEWED, T0)));
        List<Alert> fired = read();
        assertThat(fired).extracting(Alert::getState, Alert::getCondition, Alert::getLevel, Alert::getSeverity).containsExactlyInAnyOrder(
                tuple(AlertState.FIRING, ConditionType.REVOKED, CRITICAL, CRITICAL),
                tuple(AlertState.FIRING, ConditionType.REVOCATION_UNKNOWN, WARNING, WARNING));
        assertThat(fired).extracting(Alert::getMessage).contains("certificate CN=shop.example.com on shop is revoked");

        send(status("shop", T0.plusSeconds(600), RENEWED));
        assertThat(read()).extracting(Alert::getState, Alert::getCondition).containsExactlyInAnyOrder(
                tuple(AlertState.RESOLVED, ConditionType.REVOKED),
                tuple(AlertState.RESOLVED, ConditionType.REVOCATION_UNKNOWN));
    }

    @Test
    void the_severity_of_each_condition() {
        assertThat(AlertMessages.severity(ConditionType.EXPIRED, Severity.CRITICAL)).isEqualTo(CRITICAL);
        assertThat(AlertMessages.severity(ConditionType.HOSTNAME_MISMATCH, Severity.CRITICAL)).isEqualTo(CRITICAL);
        assertThat(AlertMessages.severity(ConditionType.INCOMPLETE_CHAIN, Severity.CRITICAL)).isEqualTo(CRITICAL);
        assertThat(AlertMessages.severity(ConditionType.NOT_YET_VALID, Severity.CRITICAL)).isEqualTo(CRITICAL);
        assertThat(AlertMessages.severity(ConditionType.UNREACHABLE, Severity.CRITICAL)).isEqualTo(CRITICAL);
        assertThat(AlertMessages.severity(ConditionType.WEAK_CRYPTO, Severity.CRITICAL)).isEqualTo(WARNING);
        assertThat(AlertMessages.severity(ConditionType.ROLLOUT_INCOMPLETE, Severity.WARNING)).isEqualTo(WARNING);
        assertThat(AlertMessages.severity(ConditionType.STALE, Severity.WARNING)).isEqualTo(WARNING);
        assertThat(AlertMessages.severity(EXPIRING, WARNING)).isEqualTo(WARNING);
        assertThat(AlertMessages.severity(EXPIRING, CRITICAL)).isEqualTo(CRITICAL);
        assertThat(AlertMessages.severity(ConditionType.LEGACY_PROTOCOL, WARNING)).isEqualTo(WARNING);
        assertThat(AlertMessages.severity(ConditionType.LIFETIME_EXCEEDS_MAXIMUM, Severity.INFO)).isEqualTo(Severity.INFO);
    }

    /**
     * A notifier started on the stores an earlier notifier wrote: by-service keys {@code service|alertId} as they are,
     * and due times keyed by the text {@code %019d|alertId}, with no format entry. The stores are written here by those
     * rules; the notifier goes on from them, loses nothing, fires nothing twice, and keeps {@code a} and {@code a|b} apart.
     */
    @Nested
    class OnTheStoresOfAnEarlierNotifier {

        static final String GONE = "0123456789abcdef0123456789abcdef";

        /** The statuses the earlier notifier had seen at T0. */
        List<ServiceStatus> seen() {
            return List.of(
                    status("a", T0, OLD, condition(EXPIRING, CRITICAL, OLD, T0)),
                    status("a|b", T0, OLD, condition(EXPIRING, CRITICAL, OLD, T0), condition(UNREACHABLE, CRITICAL, null, T0, 1)),
                    status("blog", T0, IN_20_DAYS, condition(EXPIRING, WARNING, IN_20_DAYS, T0)));
        }

        /** The lifecycle records those statuses leave; the lifecycle store's layout is the same before and after. */
        List<AlertRecord> lifecycleRecords() {
            seen().forEach(AlertTopologyTest.this::send);
            List<AlertRecord> records = new ArrayList<>();
            try (KeyValueIterator<String, AlertRecord> it = driver.<String, AlertRecord>getKeyValueStore(AlertTopology.LIFECYCLE_STORE).all()) {
                it.forEachRemaining(kv -> records.add(kv.value));
            }
            assertThat(records).extracting(r -> r.alert().getService(), AlertRecord::phase).containsExactlyInAnyOrder(
                    tuple("a", AlertRecord.Phase.FIRING), tuple("a|b", AlertRecord.Phase.FIRING),
                    tuple("a|b", AlertRecord.Phase.PENDING), tuple("blog", AlertRecord.Phase.FIRING));
            return records;
        }

        /** A new notifier on the stores the earlier one wrote for these records. */
        void startOnEarlierStores(List<AlertRecord> records) {
            startWith(NotifierConfig.DEFAULT);
            KeyValueStore<String, AlertRecord> lifecycle = driver.getKeyValueStore(AlertTopology.LIFECYCLE_STORE);
            KeyValueStore<String, String> byService = driver.getKeyValueStore(AlertTopology.BY_SERVICE_STORE);
            KeyValueStore<Bytes, String> due = driver.getKeyValueStore(AlertTopology.DUE_STORE);
            for (AlertRecord r : records) {
                String alertId = r.alert().getAlertId();
                lifecycle.put(alertId, r);
                byService.put(r.alert().getService() + "|" + alertId, alertId);
                if (r.dueAt() != AlertRecord.NEVER) {
                    due.put(earlierDueKey(r.dueAt(), alertId), alertId);
                }
            }
            // left behind by the earlier notifier, which ignored them: entries of an alert no longer in the lifecycle
            byService.put("gone|" + GONE, GONE);
            due.put(earlierDueKey(T0.toEpochMilli(), GONE), GONE);
        }

        static Bytes earlierDueKey(long dueAt, String alertId) {
            return Bytes.wrap((String.format("%019d", Math.max(0L, dueAt)) + "|" + alertId).getBytes(StandardCharsets.UTF_8));
        }

        <K, V> List<KeyValue<K, V>> entries(String store) {
            List<KeyValue<K, V>> out = new ArrayList<>();
            try (KeyValueIterator<K, V> it = driver.<K, V>getKeyValueStore(store).all()) {
                it.forEachRemaining(out::add);
            }
            return out;
        }

        @Test
        void goes_on_from_them_and_nothing_is_lost_or_fires_twice() {
            startOnEarlierStores(lifecycleRecords());

            seen().forEach(s -> send(ServiceStatus.newBuilder(s).setUpdatedAt(T0.plusSeconds(60)).build()));
            assertThat(read()).as("the same statuses again").isEmpty();
            assertThat(driver.<String, String>getKeyValueStore(AlertTopology.BY_SERVICE_STORE).get(AlertStoreUpgrade.FORMAT_KEY))
                    .isEqualTo(AlertStoreUpgrade.FORMAT);

            driver.advanceWallClockTime(Duration.ofMinutes(15));
            assertThat(read()).as("the held-down condition fires once it lasted 15 minutes").singleElement().satisfies(a -> {
                assertThat(a.getService()).isEqualTo("a|b");
                assertThat(a.getCondition()).isEqualTo(UNREACHABLE);
                assertThat(a.getAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
            });

            driver.advanceWallClockTime(Duration.ofHours(24).minus(Duration.ofMinutes(15)));
            assertThat(read()).as("the daily reminders of the critical alerts, once each")
                    .extracting(Alert::getService, Alert::getCondition, Alert::getReminder, Alert::getAt)
                    .containsExactlyInAnyOrder(tuple("a", EXPIRING, true, T0.plus(Duration.ofHours(24))),
                            tuple("a|b", EXPIRING, true, T0.plus(Duration.ofHours(24))));
            driver.advanceWallClockTime(Duration.ofMinutes(10));
            assertThat(read()).isEmpty();

            Instant later = T0.plus(Duration.ofHours(25));
            send(status("a", later, RENEWED));
            assertThat(read()).as("a's renewal resolves a's alert, not those of a|b").singleElement().satisfies(a -> {
                assertThat(a.getService()).isEqualTo("a");
                assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
                assertThat(a.getFirstFiredAt()).isEqualTo(T0);
            });
            statuses.pipeInput("a|b", null, later.plusSeconds(1));
            assertThat(read()).as("removing a|b resolves its two alerts").hasSize(2).allSatisfy(a -> {
                assertThat(a.getService()).isEqualTo("a|b");
                assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
            });
            send(status("blog", later, RENEWED));
            assertThat(read()).singleElement().satisfies(a -> {
                assertThat(a.getService()).isEqualTo("blog");
                assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
            });

            driver.advanceWallClockTime(Duration.ofDays(3));
            assertThat(read()).isEmpty();
            assertThat(entries(AlertTopology.BY_SERVICE_STORE)).as("the resolved alerts are forgotten after a day; "
                    + "only the format entry is left")
                    .containsExactly(KeyValue.pair(AlertStoreUpgrade.FORMAT_KEY, AlertStoreUpgrade.FORMAT));
            assertThat(entries(AlertTopology.DUE_STORE)).isEmpty();
            assertThat(entries(AlertTopology.DUE_AT_STORE)).isEmpty();
            assertThat(entries(AlertTopology.LIFECYCLE_STORE)).isEmpty();
        }

        @Test
        void are_brought_to_the_current_format_by_the_first_punctuation_too() {
            List<AlertRecord> records = lifecycleRecords();
            startOnEarlierStores(records);

            driver.advanceWallClockTime(Duration.ofMinutes(15));
            assertThat(read()).singleElement().satisfies(a -> assertThat(a.getCondition()).isEqualTo(UNREACHABLE));
            List<String> keys = this.<String, String>entries(AlertTopology.BY_SERVICE_STORE).stream().map(kv -> kv.key).toList();
            String pending = records.stream().filter(r -> r.phase() == AlertRecord.Phase.PENDING).findFirst().orElseThrow()
                    .alert().getAlertId();
            assertThat(keys).contains("a\\|b|" + pending, AlertStoreUpgrade.FORMAT_KEY)
                    .noneMatch(key -> key.startsWith("a|b|") || key.startsWith("gone|"));
            assertThat(this.<Bytes, String>entries(AlertTopology.DUE_STORE)).extracting(kv -> kv.value).doesNotContain(GONE);
        }

        @Test
        void announce_the_state_of_each_alert_they_hold_once() {
            startOnEarlierStores(lifecycleRecords());
            driver.advanceWallClockTime(Duration.ofSeconds(10));
            assertThat(world.readStates()).extracting(kv -> kv.value.getService(), kv -> kv.value.getState())
                    .containsExactlyInAnyOrder(tuple("a", LifecycleState.FIRING), tuple("a|b", LifecycleState.FIRING),
                            tuple("a|b", LifecycleState.HELD), tuple("blog", LifecycleState.FIRING));
            driver.advanceWallClockTime(Duration.ofSeconds(10));
            seen().forEach(s -> send(ServiceStatus.newBuilder(s).setUpdatedAt(T0.plusSeconds(60)).build()));
            assertThat(world.readStates()).isEmpty();
        }

        @Test
        void of_the_escaped_layout_only_announce_their_alerts() {
            List<AlertRecord> records = lifecycleRecords();
            startWith(NotifierConfig.DEFAULT);
            KeyValueStore<String, AlertRecord> lifecycle = driver.getKeyValueStore(AlertTopology.LIFECYCLE_STORE);
            KeyValueStore<String, String> byService = driver.getKeyValueStore(AlertTopology.BY_SERVICE_STORE);
            records.forEach(r -> {
                lifecycle.put(r.alert().getAlertId(), r);
                byService.put(AlertLifecycleProcessor.serviceKey(r.alert().getService(), r.alert().getAlertId()),
                        r.alert().getAlertId());
            });
            byService.put(AlertStoreUpgrade.FORMAT_KEY, "2");
            List<KeyValue<String, String>> keys = entries(AlertTopology.BY_SERVICE_STORE);

            driver.advanceWallClockTime(Duration.ofSeconds(10));
            assertThat(world.readStates()).hasSize(4);
            assertThat(entries(AlertTopology.BY_SERVICE_STORE)).hasSize(keys.size())
                    .contains(KeyValue.pair(AlertStoreUpgrade.FORMAT_KEY, AlertStoreUpgrade.FORMAT));
        }

        /**
         * A lifecycle record as the earlier notifier wrote it (version 1): version, phase, sequence, episode start, due
         * time, detail, then the alert, and nothing after.
         */
        static byte[] earlierRecord(AlertRecord r) throws IOException {
            byte[] alert = LifecycleDriver.TOPICS.alerts().valueSerde().serializer().serialize("", r.alert());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(1);
            out.writeByte(r.phase().ordinal());
            out.writeLong(r.sequence());
            out.writeLong(r.episodeStart());
            out.writeLong(r.dueAt());
            out.writeUTF(r.detail());
            out.writeInt(alert.length);
            out.write(alert);
            return bytes.toByteArray();
        }

        @Test
        void lifecycle_records_of_the_earlier_version_are_read_as_delivered_and_without_operator_state() throws IOException {
            Serde<AlertRecord> serde = AlertRecord.serde(LifecycleDriver.TOPICS.alerts().valueSerde(),
                    LifecycleDriver.TOPICS.acknowledgements().valueSerde());
            for (AlertRecord r : lifecycleRecords()) {
                AlertRecord read = serde.deserializer().deserialize("alert-lifecycle", earlierRecord(r));
                assertThat(read.phase()).isEqualTo(r.phase());
                assertThat(read.sequence()).isEqualTo(r.sequence());
                assertThat(read.episodeStart()).isEqualTo(r.episodeStart());
                assertThat(read.dueAt()).isEqualTo(r.dueAt());
                assertThat(read.detail()).isEqualTo(r.detail());
                assertThat(read.alert()).isEqualTo(r.alert());
                assertThat(read.since()).isEqualTo(r.episodeStart());
                assertThat(read.lastNotifiedAt()).isEqualTo(r.phase() == AlertRecord.Phase.FIRING
                        ? r.alert().getAt().toEpochMilli() : AlertRecord.NEVER);
                assertThat(read.silences()).isEmpty();
                assertThat(read.ack()).isNull();
                assertThat(read.targets()).isEmpty();
                assertThat(serde.deserializer().deserialize("alert-lifecycle", serde.serializer().serialize("", read)))
                        .isEqualTo(read);
            }
        }

        @Test
        void a_fresh_store_is_marked_current() {
            driver.advanceWallClockTime(Duration.ofSeconds(10));
            assertThat(entries(AlertTopology.BY_SERVICE_STORE))
                    .containsExactly(KeyValue.pair(AlertStoreUpgrade.FORMAT_KEY, AlertStoreUpgrade.FORMAT));
        }
    }
}

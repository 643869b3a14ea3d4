package dev.certsonar.notifier;

import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.policy.Matchers;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

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

/** Silences, acknowledgements and the alerts' states, through the notifier's topology. */
class OperatorActionsTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    static final CertificateRef SHOP = cert("aa".repeat(32), "CN=shop.example.com", T0.plus(Duration.ofDays(3)));
    static final CertificateRef BLOG = cert("bb".repeat(32), "CN=blog.example.com", T0.plus(Duration.ofDays(20)));
    static final CertificateRef RENEWED = cert("cc".repeat(32), "CN=shop.example.com", T0.plus(Duration.ofDays(200)));
    static final String SHOP_ALERT = AlertIds.alertId("shop", SHOP.getSha256(), EXPIRING, CRITICAL);

    @TempDir
    Path stateDir;

    LifecycleDriver world;

    @BeforeEach
    void start() {
        world = new LifecycleDriver(stateDir, NotifierConfig.DEFAULT, T0);
    }

    @AfterEach
    void stop() {
        world.close();
    }

    static ServiceStatus shopExpiring(Instant at) {
        return status("shop", at, SHOP, condition(EXPIRING, CRITICAL, SHOP, T0));
    }

    static Silence silence(String id, Instant starts, Instant ends, String... matchers) {
        return Silence.newBuilder().setId(id).setStartsAt(starts).setEndsAt(ends).setCreatedBy("alice")
                .setComment("planned migration").setCreatedAt(starts)
                .setMatchers(Arrays.stream(matchers).map(Matchers::parse).toList()).build();
    }

    void put(Silence s, Instant at) {
        world.silences.pipeInput(s.getId(), s, at);
    }

    static Acknowledgement ack(String alertId, String by, Instant at) {
        return Acknowledgement.newBuilder().setAlertId(alertId).setBy(by).setAt(at).setComment("renewing").build();
    }

    List<LifecycleState> stateNames() {
        return world.readStates().stream().map(kv -> kv.value == null ? null : kv.value.getState()).toList();
    }

    /** After {@code time} of the wall clock, one alert event was written, muted or not. */
    void oneEventAfter(Duration time, boolean silenced) {
        world.driver.advanceWallClockTime(time);
        assertThat(world.read()).singleElement().extracting(Alert::getSilenced).isEqualTo(silenced);
    }

    AlertLifecycle lastState() {
        List<KeyValue<String, AlertLifecycle>> states = world.readStates();
        assertThat(states).isNotEmpty();
        return states.getLast().value;
    }

    @Nested
    class Silences {

        @Test
        void an_alert_a_silence_covers_is_on_the_alerts_topic_muted_and_fires_for_the_channels_once_when_it_ends() {
            put(silence("s1", T0, T0.plus(Duration.ofHours(2)), "service=shop"), T0);
            world.send(shopExpiring(T0.plusSeconds(60)));

            assertThat(world.read()).singleElement().satisfies(a -> {
                assertThat(a.getState()).isEqualTo(AlertState.FIRING);
                assertThat(a.getSilenced()).isTrue();
                assertThat(a.getReminder()).isFalse();
            });
            AlertLifecycle silenced = lastState();
            assertThat(silenced.getState()).isEqualTo(LifecycleState.SILENCED);
            assertThat(silenced.getSilences()).containsExactly("s1");
            assertThat(silenced.getLastNotifiedAt()).isNull();
            assertThat(silenced.getNextReminderAt()).isNull();

            world.driver.advanceWallClockTime(Duration.ofMinutes(119));
            assertThat(world.read()).isEmpty();
            world.driver.advanceWallClockTime(Duration.ofMinutes(1));
            List<Alert> delivered = world.read();
            assertThat(delivered).singleElement().satisfies(a -> {
                assertThat(a.getState()).isEqualTo(AlertState.FIRING);
                assertThat(a.getSilenced()).isFalse();
                assertThat(a.getReminder()).as("the channels never had it").isFalse();
                assertThat(a.getAt()).isEqualTo(T0.plus(Duration.ofHours(2)));
                assertThat(a.getFirstFiredAt()).isEqualTo(T0.plusSeconds(60));
                assertThat(a.getMessage()).startsWith("certificate CN=shop.example.com on shop expires in");
            });
            AlertLifecycle firing = lastState();
            assertThat(firing.getState()).isEqualTo(LifecycleState.FIRING);
            assertThat(firing.getSilences()).isEmpty();
            assertThat(firing.getLastNotifiedAt()).isEqualTo(T0.plus(Duration.ofHours(2)));
            assertThat(firing.getNextReminderAt()).isEqualTo(T0.plus(Duration.ofHours(26)));

            world.driver.advanceWallClockTime(Duration.ofHours(23));
            assertThat(world.read()).as("once").isEmpty();
            world.driver.advanceWallClockTime(Duration.ofHours(1));
            assertThat(world.read()).singleElement().satisfies(a -> {
                assertThat(a.getReminder()).isTrue();
                assertThat(a.getSilenced()).isFalse();
            });
        }

        @Test
        void reminders_go_on_muted_and_an_expired_silence_gives_the_channels_the_alert_at_once() {
            put(silence("s1", T0, T0.plus(Duration.ofDays(7)), "service=~sh.p"), T0);
            world.send(shopExpiring(T0));
            world.driver.advanceWallClockTime(Duration.ofHours(24));
            assertThat(world.read()).extracting(Alert::getReminder, Alert::getSilenced)
                    .containsExactly(tuple(false, true), tuple(true, true));

            Instant expiredAt = T0.plus(Duration.ofHours(25));
            put(silence("s1", T0, expiredAt, "service=~sh.p"), expiredAt);

            assertThat(world.read()).singleElement().satisfies(a -> {
                assertThat(a.getSilenced()).isFalse();
                assertThat(a.getAt()).isEqualTo(expiredAt);
            });
            assertThat(lastState().getState()).isEqualTo(LifecycleState.FIRING);
            world.driver.advanceWallClockTime(Duration.ofHours(1));
            assertThat(world.read()).isEmpty();
        }

        @Test
        void a_deleted_silence_gives_the_channels_the_alert_once() {
            put(silence("s1", T0, T0.plus(Duration.ofDays(7)), "owner=team-web"), T0);
            world.send(shopExpiring(T0));
            assertThat(world.read()).singleElement().extracting(Alert::getSilenced).isEqualTo(true);

            world.silences.pipeInput("s1", null, T0.plusSeconds(30));
            assertThat(world.read()).singleElement().satisfies(a -> {
                assertThat(a.getSilenced()).isFalse();
                assertThat(a.getAt()).isEqualTo(T0.plusSeconds(30));
            });
            world.silences.pipeInput("s1", null, T0.plusSeconds(40));
            assertThat(world.read()).isEmpty();
        }

        @Test
        void a_silence_made_after_the_alert_fired_mutes_what_follows_and_owes_the_channels_a_muted_reminder() {
            world.send(shopExpiring(T0));
            world.send(status("blog", T0, BLOG, condition(EXPIRING, WARNING, BLOG, T0)));
            assertThat(world.read()).extracting(Alert::getSilenced).containsExactly(false, false);
            world.readStates();

            Instant ends = T0.plus(Duration.ofHours(30));
            put(silence("s1", T0.plusSeconds(60), ends, "condition=EXPIRING"), T0.plusSeconds(60));
            assertThat(world.readStates()).extracting(kv -> kv.value.getService(), kv -> kv.value.getState())
                    .containsExactlyInAnyOrder(tuple("shop", LifecycleState.SILENCED), tuple("blog", LifecycleState.SILENCED));
            assertThat(world.read()).as("a silence sends nothing").isEmpty();

            world.driver.advanceWallClockTime(Duration.ofHours(24));
            assertThat(world.read()).singleElement().satisfies(a -> {
                assertThat(a.getService()).isEqualTo("shop");
                assertThat(a.getReminder()).isTrue();
                assertThat(a.getSilenced()).isTrue();
            });
            assertThat(lastState().getState()).isEqualTo(LifecycleState.SILENCED);
            world.driver.advanceWallClockTime(Duration.ofHours(6));
            assertThat(world.read()).as("the muted reminder of shop; blog, a warning, was never muted")
                    .singleElement().satisfies(a -> {
                        assertThat(a.getService()).isEqualTo("shop");
                        assertThat(a.getReminder()).isTrue();
                        assertThat(a.getSilenced()).isFalse();
                        assertThat(a.getAt()).isEqualTo(ends);
                    });
            assertThat(world.readStates()).extracting(kv -> kv.value.getService(), kv -> kv.value.getState())
                    .containsExactlyInAnyOrder(tuple("shop", LifecycleState.FIRING), tuple("blog", LifecycleState.FIRING));
        }

        @Test
        void a_resolution_is_muted_only_when_the_channels_never_had_the_alert() {
            put(silence("s1", T0, T0.plus(Duration.ofDays(1)), "service=~shop|blog"), T0);
            world.send(shopExpiring(T0));
            world.send(status("blog", T0.minusSeconds(60), BLOG, condition(UNTRUSTED, CRITICAL, BLOG, T0)));
            world.send(status("shop", T0.plus(Duration.ofHours(1)), RENEWED));

            assertThat(world.read()).extracting(Alert::getService, Alert::getState, Alert::getSilenced).containsExactly(
                    tuple("shop", AlertState.FIRING, true), tuple("blog", AlertState.FIRING, false),
                    tuple("shop", AlertState.RESOLVED, true));

            world.send(status("blog", T0.plus(Duration.ofHours(2)), BLOG));
            assertThat(world.read()).as("the channels had blog's FIRING before the silence began, so they get its end")
                    .singleElement().satisfies(a -> {
                        assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
                        assertThat(a.getSilenced()).isFalse();
                    });
            world.driver.advanceWallClockTime(Duration.ofDays(2));
            assertThat(world.read()).as("a resolved alert is owed nothing when its silence ends").isEmpty();
        }

        @Test
        void a_silence_that_starts_later_mutes_from_its_start() {
            world.send(shopExpiring(T0));
            world.read();
            world.readStates();
            put(silence("s1", T0.plus(Duration.ofHours(12)), T0.plus(Duration.ofHours(36)), "certificate=" + SHOP.getSha256()),
                    T0.plusSeconds(10));
            assertThat(world.readStates()).isEmpty();

            world.driver.advanceWallClockTime(Duration.ofHours(12));
            assertThat(lastState().getState()).isEqualTo(LifecycleState.SILENCED);
            oneEventAfter(Duration.ofHours(12), true);
            oneEventAfter(Duration.ofHours(12), false);
        }

        @Test
        void a_held_alert_shows_its_silence_and_fires_muted() {
            put(silence("s1", T0, T0.plus(Duration.ofHours(1)), "condition=UNREACHABLE", "label.env=prod"), T0);
            world.send(status("shop", T0, null, condition(UNREACHABLE, CRITICAL, null, T0, 1)));
            assertThat(world.read()).isEmpty();
            AlertLifecycle held = lastState();
            assertThat(held.getState()).isEqualTo(LifecycleState.HELD);
            assertThat(held.getSilences()).containsExactly("s1");
            assertThat(held.getHeldUntil()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
            assertThat(held.getMessage()).startsWith("shop is unreachable");

            oneEventAfter(Duration.ofMinutes(15), true);
            oneEventAfter(Duration.ofMinutes(45), false);
        }

        @Test
        void a_target_matcher_holds_for_the_targets_that_found_the_alerts_endpoints() {
            put(silence("s1", T0, T0.plus(Duration.ofDays(1)), "target=tls://shop.example.com:443"), T0);
            put(silence("s2", T0, T0.plus(Duration.ofDays(1)), "target=~imaps://.*"), T0);
            world.send(shopExpiring(T0));
            assertThat(world.read()).singleElement().extracting(Alert::getSilenced).isEqualTo(true);
            assertThat(lastState().getSilences()).containsExactly("s1");
        }

        @Test
        void a_silence_that_matches_nothing_mutes_nothing() {
            put(silence("s1", T0, T0.plus(Duration.ofDays(1)), "service=blog"), T0);
            put(silence("s2", T0, T0.plus(Duration.ofDays(1)), "service=shop", "severity=WARNING"), T0);
            put(silence("s3", T0, T0.plus(Duration.ofDays(1))), T0);
            world.send(shopExpiring(T0));
            assertThat(world.read()).singleElement().extracting(Alert::getSilenced).isEqualTo(false);
            assertThat(lastState().getState()).isEqualTo(LifecycleState.FIRING);
        }
    }

    @Nested
    class Acknowledgements {

        @Test
        void an_acknowledgement_stops_the_reminders_and_shows_who_is_on_it() {
            world.send(shopExpiring(T0));
            assertThat(world.read()).hasSize(1);
            world.acks.pipeInput(SHOP_ALERT, ack(SHOP_ALERT, "bob", T0.plusSeconds(60)), T0.plusSeconds(60));

            AlertLifecycle acknowledged = lastState();
            assertThat(acknowledged.getState()).isEqualTo(LifecycleState.ACKNOWLEDGED);
            assertThat(acknowledged.getAcknowledgement().getBy()).isEqualTo("bob");
            assertThat(acknowledged.getNextReminderAt()).isNull();
            world.driver.advanceWallClockTime(Duration.ofDays(3));
            assertThat(world.read()).isEmpty();
            assertThat(world.ackTombstones.readKeyValuesToList()).isEmpty();
        }

        @Test
        void a_withdrawn_acknowledgement_lets_the_reminders_go_on() {
            world.send(shopExpiring(T0));
            world.acks.pipeInput(SHOP_ALERT, ack(SHOP_ALERT, "bob", T0), T0);
            world.driver.advanceWallClockTime(Duration.ofHours(30));
            assertThat(world.read()).hasSize(1);

            world.acks.pipeInput(SHOP_ALERT, null, T0.plus(Duration.ofHours(30)));
            assertThat(lastState().getState()).isEqualTo(LifecycleState.FIRING);
            world.driver.advanceWallClockTime(Duration.ofSeconds(10));
            assertThat(world.read()).as("the reminder missed while acknowledged comes now")
                    .singleElement().extracting(Alert::getReminder).isEqualTo(true);
        }

        @Test
        void a_resolution_ends_the_acknowledgement_and_the_next_firing_starts_unacknowledged() {
            world.send(shopExpiring(T0));
            world.acks.pipeInput(SHOP_ALERT, ack(SHOP_ALERT, "bob", T0), T0);
            world.send(status("shop", T0.plus(Duration.ofHours(1)), SHOP));

            assertThat(world.read()).extracting(Alert::getState).containsExactly(AlertState.FIRING, AlertState.RESOLVED);
            assertThat(world.ackTombstones.readKeyValuesToList()).containsExactly(KeyValue.pair(SHOP_ALERT, null));
            AlertLifecycle resolved = lastState();
            assertThat(resolved.getState()).isEqualTo(LifecycleState.RESOLVED);
            assertThat(resolved.getAcknowledgement()).isNull();
            assertThat(resolved.getResolvedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));

            world.send(shopExpiring(T0.plus(Duration.ofHours(2))));
            assertThat(world.read()).singleElement().extracting(Alert::getState).isEqualTo(AlertState.FIRING);
            assertThat(lastState().getState()).isEqualTo(LifecycleState.FIRING);
            world.driver.advanceWallClockTime(Duration.ofHours(26));
            assertThat(world.read()).singleElement().extracting(Alert::getReminder).isEqualTo(true);
        }

        @Test
        void an_acknowledgement_of_an_alert_that_is_not_firing_is_withdrawn() {
            String unknown = "0123456789abcdef0123456789abcdef";
            world.acks.pipeInput(unknown, ack(unknown, "bob", T0), T0);
            world.send(status("shop", T0, null, condition(UNREACHABLE, CRITICAL, null, T0, 1)));
            String held = AlertIds.alertId("shop", null, UNREACHABLE, CRITICAL);
            world.acks.pipeInput(held, ack(held, "bob", T0.plusSeconds(1)), T0.plusSeconds(1));

            assertThat(world.ackTombstones.readKeyValuesToList())
                    .containsExactly(KeyValue.pair(unknown, null), KeyValue.pair(held, null));
            assertThat(lastState().getState()).isEqualTo(LifecycleState.HELD);
        }

        @Test
        void an_alert_both_silenced_and_acknowledged_shows_silenced_and_then_acknowledged() {
            world.send(shopExpiring(T0));
            world.acks.pipeInput(SHOP_ALERT, ack(SHOP_ALERT, "bob", T0), T0);
            put(silence("s1", T0.plusSeconds(1), T0.plus(Duration.ofHours(1)), "service=shop"), T0.plusSeconds(1));
            assertThat(stateNames()).containsExactly(LifecycleState.FIRING, LifecycleState.ACKNOWLEDGED,
                    LifecycleState.SILENCED);
            world.driver.advanceWallClockTime(Duration.ofHours(1));
            assertThat(stateNames()).containsExactly(LifecycleState.ACKNOWLEDGED);
            assertThat(world.read()).as("the channels had the alert; nothing was muted").hasSize(1);
        }
    }

    @Nested
    class States {

        @Test
        void a_held_alert_fires_resolves_and_is_forgotten_a_day_later() {
            world.send(status("shop", T0, null, condition(UNREACHABLE, CRITICAL, null, T0, 1)));
            world.send(status("shop", T0.plusSeconds(60), null, condition(UNREACHABLE, CRITICAL, null, T0, 2)));
            world.send(status("shop", T0.plusSeconds(120), RENEWED));
            assertThat(stateNames()).containsExactly(LifecycleState.HELD, LifecycleState.FIRING, LifecycleState.RESOLVED);

            world.driver.advanceWallClockTime(Duration.ofHours(24).plusMinutes(2));
            assertThat(world.readStates()).containsExactly(
                    KeyValue.pair(AlertIds.alertId("shop", null, UNREACHABLE, CRITICAL), null));
        }

        @Test
        void a_held_alert_that_ends_before_it_fires_is_forgotten_at_once() {
            world.send(status("shop", T0, null, condition(UNREACHABLE, CRITICAL, null, T0, 1)));
            world.send(status("shop", T0.plusSeconds(60), RENEWED));
            assertThat(stateNames()).containsExactly(LifecycleState.HELD, null);
            assertThat(world.read()).isEmpty();
        }

        @Test
        void a_state_is_published_when_it_changes_not_on_every_status() {
            world.send(shopExpiring(T0));
            world.send(shopExpiring(T0.plusSeconds(60)));
            AlertLifecycle firing = world.readStates().getFirst().value;
            assertThat(world.readStates()).isEmpty();
            assertThat(firing.getState()).isEqualTo(LifecycleState.FIRING);
            assertThat(firing.getService()).isEqualTo("shop");
            assertThat(firing.getSince()).isEqualTo(T0);
            assertThat(firing.getFirstFiredAt()).isEqualTo(T0);
            assertThat(firing.getLastNotifiedAt()).isEqualTo(T0);
            assertThat(firing.getUpdatedAt()).isEqualTo(T0);
            assertThat(firing.getCertificate()).isEqualTo(SHOP);

            ServiceStatus moved = shopExpiring(T0.plusSeconds(120));
            moved.setOwner("team-shop");
            world.send(moved);
            assertThat(lastState().getOwner()).isEqualTo("team-shop");
        }
    }

    /** Records of the operator's topics that cannot be read go to the dead-letter topic with the reason. */
    @Nested
    class PoisonPills {

        static String header(TestRecord<byte[], byte[]> r, String name) {
            Header h = r.headers().lastHeader(name);
            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }

        List<TestRecord<byte[], byte[]>> deadLetters() {
            return world.deadLetters.readRecordsToList();
        }

        byte[] encode(Silence s) {
            return LifecycleDriver.TOPICS.silences().valueSerde().serializer().serialize("", s);
        }

        @Test
        void unreadable_bytes_on_silences_and_acknowledgements_go_to_dead_letters_and_the_rest_goes_on() {
            world.rawSilences.pipeInput("s1".getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8), T0);
            world.rawAcks.pipeInput(SHOP_ALERT.getBytes(StandardCharsets.UTF_8), "{\"by\":\"bob\"}".getBytes(StandardCharsets.UTF_8), T0);

            List<TestRecord<byte[], byte[]>> dead = deadLetters();
            assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly("not avro", "{\"by\":\"bob\"}");
            assertThat(header(dead.get(0), DeadLetters.SOURCE_TOPIC)).isEqualTo(LifecycleDriver.TOPICS.silences().name());
            assertThat(header(dead.get(0), DeadLetters.ERROR)).contains("not Avro single-object encoding");
            assertThat(header(dead.get(1), DeadLetters.ERROR)).contains("looks like JSON");

            put(silence("s2", T0, T0.plus(Duration.ofHours(1)), "service=shop"), T0);
            world.send(shopExpiring(T0));
            assertThat(world.read()).singleElement().extracting(Alert::getSilenced).isEqualTo(true);
        }

        @Test
        void a_silence_that_breaks_a_rule_goes_to_dead_letters_with_the_rule() {
            Silence badRegex = silence("s1", T0, T0.plus(Duration.ofHours(1)), "service=shop");
            badRegex.setMatchers(List.of(Matcher.newBuilder().setName("service").setValue("shop(").setRegex(true).build()));
            Silence backwards = silence("s2", T0, T0.minus(Duration.ofHours(1)), "service=shop");
            Silence unknownKey = silence("s3", T0, T0.plus(Duration.ofHours(1)), "service=shop");
            unknownKey.setMatchers(List.of(Matcher.newBuilder().setName("colour").setValue("red").build()));
            for (Silence s : List.of(badRegex, backwards, unknownKey)) {
                world.rawSilences.pipeInput(s.getId().getBytes(StandardCharsets.UTF_8), encode(s), T0);
            }
            world.rawSilences.pipeInput(null, encode(silence("s4", T0, T0.plus(Duration.ofHours(1)), "service=shop")), T0);

            assertThat(deadLetters()).extracting(r -> header(r, DeadLetters.ERROR)).containsExactly(
                    "invalid silence on test.silences: matchers[0].value: 'shop(' is not a regular expression: "
                            + "Unclosed group at index 5",
                    "invalid silence on test.silences: endsAt: 2026-11-27T11:00:00Z is before startsAt (2026-11-27T12:00:00Z)",
                    "invalid silence on test.silences: matchers[0].name: unknown key 'colour' (keys: " + Matchers.KEYS + ")",
                    "a record without a key on test.silences: its key must be the silence's id");
            world.send(shopExpiring(T0));
            assertThat(world.read()).singleElement().extracting(Alert::getSilenced).isEqualTo(false);
        }

        @Test
        void an_acknowledgement_that_breaks_a_rule_goes_to_dead_letters() {
            Acknowledgement nobody = ack(SHOP_ALERT, " ", T0);
            world.rawAcks.pipeInput(SHOP_ALERT.getBytes(StandardCharsets.UTF_8),
                    LifecycleDriver.TOPICS.acknowledgements().valueSerde().serializer().serialize("", nobody), T0);
            assertThat(deadLetters()).singleElement().satisfies(r -> assertThat(header(r, DeadLetters.ERROR))
                    .isEqualTo("invalid acknowledgement on test.acknowledgements: by: missing or blank"));
        }
    }
}

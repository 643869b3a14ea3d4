package dev.certsonar.notifier.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.sandbox.http.HttpReceiver;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.certsonar.notifier.delivery.WebhookChannelTest.CLOCK;
import static dev.certsonar.notifier.delivery.WebhookChannelTest.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ChannelDispatcherTest {

    static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(40));
    static final Duration PATIENCE = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    record Given(Alert alert, String channel, int attempts, Undeliverable.Reason reason, Throwable error) {
    }

    HttpReceiver receiver;
    final List<Given> undeliverable = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = new HttpReceiver();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    ChannelDispatcher dispatcher(RetryPolicy retry) {
        return new ChannelDispatcher(new WebhookChannel("ops", receiver.url("/hook"), "k", Duration.ofSeconds(5), CLOCK),
                a -> true, retry, (a, channel, attempts, reason, error) ->
                undeliverable.add(new Given(a, channel, attempts, reason, error)), registry);
    }

    static Alert on(String service, String eventId) {
        return Alert.newBuilder(alert(eventId)).setService(service).build();
    }

    /** An alert of its own alertId, so that it goes out alone and in no particular order with others. */
    static Alert own(String alertId, String eventId, AlertState state) {
        return Alert.newBuilder(alert(eventId)).setAlertId(alertId).setService(alertId).setState(state)
                .setCertificate(null).build();
    }

    static void awaitDone(List<CompletableFuture<Void>> completions) {
        CompletableFuture.allOf(completions.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).join();
    }

    static String service(HttpReceiver.Request r) {
        try {
            return JSON.readTree(r.body()).get("alerts").get(0).get("service").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    double counted(String result) {
        return registry.get(ChannelDispatcher.NOTIFICATIONS).tag("channel", "ops").tag("result", result).counter().count();
    }

    @Test
    void one_certificate_failing_on_many_services_is_one_notification() throws Exception {
        try (ChannelDispatcher d = dispatcher(FAST)) {
            List<CompletableFuture<Void>> done = List.of(d.dispatch(on("shop", "e-1")), d.dispatch(on("blog", "e-2")),
                    d.dispatch(on("api", "e-3")));
            d.flush();
            awaitDone(done);
        }
        assertThat(receiver.requests).hasSize(1);
        JsonNode body = JSON.readTree(receiver.requests.getFirst().body());
        assertThat(body.get("alerts")).extracting(a -> a.get("service").asText()).containsExactly("shop", "blog", "api");
        assertThat(body.get("groupKey").asText()).contains("EXPIRING");
        assertThat(counted("delivered")).isEqualTo(1.0);
    }

    @Test
    void a_failing_receiver_is_tried_again_until_it_takes_the_alert() {
        receiver.failuresLeft.set(2);
        try (ChannelDispatcher d = dispatcher(FAST)) {
            CompletableFuture<Void> done = d.dispatch(on("shop", "e-1"));
            d.flush();
            awaitDone(List.of(done));
        }
        assertThat(receiver.requests).hasSize(3).extracting(HttpReceiver.Request::body)
                .containsOnly(receiver.requests.getFirst().body());
        assertThat(undeliverable).isEmpty();
        assertThat(registry.get(ChannelDispatcher.RETRIES).tag("channel", "ops").counter().count()).isEqualTo(2.0);
    }

    @Test
    void after_the_last_try_the_alert_is_undeliverable_with_the_error() {
        receiver.failuresLeft.set(100);
        try (ChannelDispatcher d = dispatcher(FAST)) {
            List<CompletableFuture<Void>> done = List.of(d.dispatch(own("a-1", "e-1", AlertState.FIRING)),
                    d.dispatch(own("a-2", "e-2", AlertState.FIRING)));
            d.flush();
            awaitDone(done);
        }
        assertThat(receiver.requests).hasSize(8);
        assertThat(undeliverable).hasSize(2).allSatisfy(g -> {
            assertThat(g.channel()).isEqualTo("ops");
            assertThat(g.attempts()).isEqualTo(4);
            assertThat(g.reason()).isEqualTo(Undeliverable.Reason.ATTEMPTS_SPENT);
            assertThat(g.error()).hasMessageContaining("HTTP 503");
        });
        assertThat(undeliverable).extracting(g -> g.alert().getEventId()).containsExactlyInAnyOrder("e-1", "e-2");
        assertThat(counted("undeliverable")).isEqualTo(2.0);
    }

    @Test
    void the_retry_budget_bounds_the_time_a_notification_is_tried() {
        receiver.failuresLeft.set(1000);
        RetryPolicy patientButBrief = new RetryPolicy(1000, Duration.ofMillis(20), Duration.ofMillis(50),
                Duration.ofMillis(300));
        try (ChannelDispatcher d = dispatcher(patientButBrief)) {
            CompletableFuture<Void> done = d.dispatch(on("shop", "e-1"));
            d.flush();
            awaitDone(List.of(done));
        }
        assertThat(undeliverable).singleElement().satisfies(g -> {
            assertThat(g.reason()).isEqualTo(Undeliverable.Reason.BUDGET_SPENT);
            assertThat(g.attempts()).isBetween(2, 15);
        });
        assertThat(receiver.requests).hasSize(undeliverable.getFirst().attempts());
    }

    @Test
    void a_rejected_notification_is_not_tried_again() {
        receiver.status.set(400);
        try (ChannelDispatcher d = dispatcher(FAST)) {
            CompletableFuture<Void> done = d.dispatch(on("shop", "e-1"));
            d.flush();
            awaitDone(List.of(done));
        }
        assertThat(receiver.requests).hasSize(1);
        assertThat(undeliverable).singleElement().satisfies(g -> {
            assertThat(g.attempts()).isEqualTo(1);
            assertThat(g.reason()).isEqualTo(Undeliverable.Reason.REJECTED);
        });
    }

    @Test
    void a_channel_that_throws_hands_the_notification_over_without_trying_again() {
        Channel broken = new Channel() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void send(Notification notification) {
                throw new IllegalStateException("a formatting bug");
            }
        };
        try (ChannelDispatcher d = new ChannelDispatcher(broken, a -> true, FAST,
                (a, channel, attempts, reason, error) -> undeliverable.add(new Given(a, channel, attempts, reason, error)))) {
            CompletableFuture<Void> done = d.dispatch(on("shop", "e-1"));
            d.flush();
            awaitDone(List.of(done));
        }
        assertThat(undeliverable).singleElement().satisfies(g -> {
            assertThat(g.channel()).isEqualTo("broken");
            assertThat(g.reason()).isEqualTo(Undeliverable.Reason.REJECTED);
            assertThat(g.error()).hasMessage("a formatting bug");
        });
    }

    @Test
    void a_route_that_does_not_match_sends_nothing() {
        try (ChannelDispatcher d = new ChannelDispatcher(new WebhookChannel("ops", receiver.url("/hook"), null,
                Duration.ofSeconds(5), CLOCK), a -> a.getService().equals("shop"), FAST, (a, c, n, r, e) -> { })) {
            CompletableFuture<Void> blog = d.dispatch(on("blog", "e-1"));
            assertThat(blog).as("an alert no route takes is done at once").isDone();
            d.flush();
            CompletableFuture<Void> shop = d.dispatch(on("shop", "e-2"));
            d.flush();
            awaitDone(List.of(shop));
        }
        assertThat(receiver.requests).singleElement().extracting(HttpReceiver.Request::body).asString()
                .contains("\"shop\"").doesNotContain("\"blog\"");
    }

    @Test
    void a_notification_waiting_for_its_retry_holds_up_no_other_notification_of_the_channel() {
        receiver.refuse = r -> service(r).equals("slow");
        RetryPolicy patient = new RetryPolicy(100, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMinutes(1));
        try (ChannelDispatcher d = dispatcher(patient)) {
            CompletableFuture<Void> slow = d.dispatch(own("slow", "e-1", AlertState.FIRING));
            d.flush();
            await().atMost(PATIENCE).until(() -> receiver.requests.size() >= 2);
            CompletableFuture<Void> fast = d.dispatch(own("fast", "e-2", AlertState.FIRING));
            d.flush();
            await("the other notification, while the first is still retried").atMost(PATIENCE).until(fast::isDone);
            assertThat(slow).isNotDone();
            assertThat(receiver.accepted).extracting(ChannelDispatcherTest::service).containsExactly("fast");
        }
    }

    @Test
    void what_happened_to_an_alert_is_sent_in_order_whatever_the_retries() {
        receiver.failuresLeft.set(3);
        try (ChannelDispatcher d = dispatcher(new RetryPolicy(10, Duration.ofMillis(50), Duration.ofMillis(100)))) {
            CompletableFuture<Void> firing = d.dispatch(own("a-1", "e-1", AlertState.FIRING));
            d.flush();
            CompletableFuture<Void> resolved = d.dispatch(own("a-1", "e-2", AlertState.RESOLVED));
            d.flush();
            awaitDone(List.of(firing, resolved));
        }
        assertThat(undeliverable).isEmpty();
        assertThat(receiver.accepted).extracting(r -> r.body().contains("\"RESOLVED\"")).containsExactly(false, true);
        assertThat(receiver.requests).as("the RESOLVED is sent only once the FIRING was taken")
                .extracting(r -> r.body().contains("\"RESOLVED\"")).containsExactly(false, false, false, false, true);
    }

    @Test
    void an_alert_that_cannot_be_handed_over_completes_exceptionally() {
        receiver.status.set(400);
        try (ChannelDispatcher d = new ChannelDispatcher(new WebhookChannel("ops", receiver.url("/hook"), null,
                Duration.ofSeconds(5), CLOCK), a -> true, FAST, (a, c, n, r, e) -> {
            throw new IllegalStateException("the undeliverable topic refused it");
        })) {
            CompletableFuture<Void> done = d.dispatch(on("shop", "e-1"));
            d.flush();
            assertThatThrownBy(() -> done.orTimeout(20, TimeUnit.SECONDS).join())
                    .hasRootCauseMessage("the undeliverable topic refused it");
        }
    }

    @Test
    void abandoning_gives_up_what_is_in_flight_and_the_dispatcher_goes_on() {
        receiver.failuresLeft.set(1000);
        ChannelDispatcher d = dispatcher(new RetryPolicy(100, Duration.ofMillis(100), Duration.ofMillis(100)));
        try (d) {
            List<CompletableFuture<Void>> inFlight = new ArrayList<>();
            inFlight.add(d.dispatch(own("a-1", "e-1", AlertState.FIRING)));
            d.flush();
            await("the first is being retried").atMost(PATIENCE).until(() -> !receiver.requests.isEmpty());
            inFlight.add(d.dispatch(own("a-2", "e-2", AlertState.FIRING)));
            d.abandon();
            assertThat(inFlight).as("the one retried and the one still grouped").allSatisfy(f ->
                    assertThatThrownBy(f::join).hasCauseInstanceOf(DeliveryStopped.class));

            receiver.failuresLeft.set(0);
            CompletableFuture<Void> again = d.dispatch(own("a-1", "e-1", AlertState.FIRING));
            d.flush();
            awaitDone(List.of(again));
        }
        assertThat(undeliverable).isEmpty();
    }

    @Test
    void the_backoff_doubles_up_to_its_cap() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(List.of(p.backoff(1), p.backoff(2), p.backoff(3), p.backoff(4), p.backoff(9)))
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                        Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void a_retry_starts_only_within_the_budget_and_the_attempts() {
        RetryPolicy p = new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(p.triesAgain(1, Duration.ZERO)).isTrue();
        assertThat(p.triesAgain(3, Duration.ofSeconds(5))).as("4s after 5s is within 10s").isTrue();
        assertThat(p.triesAgain(3, Duration.ofSeconds(7))).as("4s after 7s is past 10s").isFalse();
        assertThat(p.triesAgain(4, Duration.ZERO)).as("the fourth try was the last").isFalse();
    }
}

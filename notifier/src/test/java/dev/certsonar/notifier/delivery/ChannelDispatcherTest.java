package dev.certsonar.notifier.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.certsonar.schemas.avro.Alert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.certsonar.notifier.delivery.WebhookChannelTest.CLOCK;
import static dev.certsonar.notifier.delivery.WebhookChannelTest.alert;
import static org.assertj.core.api.Assertions.assertThat;

class ChannelDispatcherTest {

    static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(40));

    record Given(Alert alert, String channel, int attempts, Throwable error) {
    }

    HttpServer server;
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger failureStatus = new AtomicInteger(503);
    final List<Given> undeliverable = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int code = failuresLeft.getAndDecrement() > 0 ? failureStatus.get() : 200;
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stopReceiver() {
        server.stop(0);
    }

    ChannelDispatcher dispatcher() {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        return new ChannelDispatcher(new WebhookChannel("ops", url, "k", Duration.ofSeconds(5), CLOCK),
                a -> true, FAST, (a, channel, attempts, error) -> undeliverable.add(new Given(a, channel, attempts, error)));
    }

    static Alert on(String service, String eventId) {
        return Alert.newBuilder(alert(eventId)).setService(service).build();
    }

    @Test
    void one_certificate_failing_on_many_services_is_one_notification() throws Exception {
        try (ChannelDispatcher d = dispatcher()) {
            d.dispatch(on("shop", "e-1"));
            d.dispatch(on("blog", "e-2"));
            d.dispatch(on("api", "e-3"));
            d.flush();
        }
        assertThat(bodies).hasSize(1);
        JsonNode body = new ObjectMapper().readTree(bodies.getFirst());
        assertThat(body.get("alerts")).extracting(a -> a.get("service").asText()).containsExactly("shop", "blog", "api");
        assertThat(body.get("groupKey").asText()).contains("EXPIRING");
    }

    @Test
    void a_failing_receiver_is_tried_again_until_it_takes_the_alert() {
        failuresLeft.set(2);
        try (ChannelDispatcher d = dispatcher()) {
            d.dispatch(on("shop", "e-1"));
            d.flush();
        }
        assertThat(bodies).hasSize(3).containsOnly(bodies.getFirst());
        assertThat(undeliverable).isEmpty();
    }

    @Test
    void after_the_last_try_the_alert_is_undeliverable_with_the_error() {
        failuresLeft.set(100);
        try (ChannelDispatcher d = dispatcher()) {
            d.dispatch(on("shop", "e-1"));
            d.dispatch(on("blog", "e-2"));
            d.flush();
        }
        assertThat(bodies).hasSize(4);
        assertThat(undeliverable).hasSize(2).allSatisfy(g -> {
            assertThat(g.channel()).isEqualTo("ops");
            assertThat(g.attempts()).isEqualTo(4);
            assertThat(g.error()).hasMessageContaining("HTTP 503");
        });
        assertThat(undeliverable).extracting(g -> g.alert().getEventId()).containsExactly("e-1", "e-2");
    }

    @Test
    void a_rejected_notification_is_not_tried_again() {
        failuresLeft.set(100);
        failureStatus.set(400);
        try (ChannelDispatcher d = dispatcher()) {
            d.dispatch(on("shop", "e-1"));
            d.flush();
        }
        assertThat(bodies).hasSize(1);
        assertThat(undeliverable).singleElement().satisfies(g -> assertThat(g.attempts()).isEqualTo(1));
    }

    @Test
    void a_route_that_does_not_match_sends_nothing() {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        try (ChannelDispatcher d = new ChannelDispatcher(new WebhookChannel("ops", url, null, Duration.ofSeconds(5),
                Clock.systemUTC()), a -> a.getService().equals("shop"), FAST, (a, c, n, e) -> { })) {
            d.dispatch(on("blog", "e-1"));
            d.flush();
            d.dispatch(on("shop", "e-2"));
            d.flush();
        }
        assertThat(bodies).singleElement().asString().contains("\"shop\"").doesNotContain("\"blog\"");
    }

    @Test
    void the_backoff_doubles_up_to_its_cap() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(List.of(p.backoff(1), p.backoff(2), p.backoff(3), p.backoff(4), p.backoff(9)))
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                        Duration.ofSeconds(5), Duration.ofSeconds(5));
    }
}

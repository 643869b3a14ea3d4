package dev.certsonar.notifier.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.certsonar.notifier.AlertIds;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookChannelTest {

    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String SECRET = "s3cret";

    record Received(Map<String, List<String>> headers, String body) {
    }

    HttpServer server;
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final AtomicInteger status = new AtomicInteger(204);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean slow;

    @BeforeEach
    void startReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body));
            if (slow) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] answer = (status.get() >= 400 ? "nope" : "").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stopReceiver() {
        release.countDown();
        server.stop(0);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    static Alert alert(String eventId) {
        CertificateRef cert = CertificateRef.newBuilder().setSha256("ab".repeat(32)).setSubject("CN=pay.example.com")
                .setIssuer("CN=CA").setNotBefore(NOW.minus(Duration.ofDays(80))).setNotAfter(NOW.plus(Duration.ofDays(6)))
                .build();
        return Alert.newBuilder()
                .setAlertId(AlertIds.alertId("payments-api", cert.getSha256(), ConditionType.EXPIRING, Severity.CRITICAL))
                .setEventId(eventId).setState(AlertState.FIRING).setReminder(false).setSeverity(Severity.CRITICAL)
                .setCondition(ConditionType.EXPIRING).setLevel(Severity.CRITICAL).setService("payments-api")
                .setOwner("team-payments").setLabels(Map.of("env", "prod")).setDaysLeft(6.0).setCertificate(cert)
                .setEndpoints(List.of("10.0.0.5:443 sni=pay.example.com"))
                .setMessage("certificate CN=pay.example.com on payments-api expires in 6.0 days (2026-12-03 12:00 UTC)")
                .setAt(NOW).setFirstFiredAt(NOW).build();
    }

    @Test
    void posts_the_alert_json_signed_with_an_idempotency_key() throws Exception {
        try (WebhookChannel channel = new WebhookChannel("ops", url(), SECRET, Duration.ofSeconds(5), CLOCK)) {
            Notification n = Notification.of(alert("e-1"));
            channel.send(n);
            channel.send(n);

            Received first = received.poll(5, TimeUnit.SECONDS);
            Received second = received.poll(5, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(second).isNotNull();
            String timestamp = header(first, "X-Certsonar-Timestamp");
            assertThat(timestamp).isEqualTo(Long.toString(NOW.getEpochSecond()));
            assertThat(header(first, "X-Certsonar-Signature"))
                    .isEqualTo("v1=" + hmac(SECRET, timestamp + "." + first.body()));
            assertThat(header(first, "Idempotency-Key")).isEqualTo(sha256("e-1"))
                    .isEqualTo(header(second, "Idempotency-Key"));
            assertThat(header(first, "Content-Type")).startsWith("application/json");

            JsonNode body = new ObjectMapper().readTree(first.body());
            assertThat(body.get("groupKey").asText()).isEqualTo(n.groupKey());
            JsonNode a = body.get("alerts").get(0);
            assertThat(a.get("alertId").asText()).isEqualTo(n.alerts().getFirst().getAlertId());
            assertThat(a.get("eventId").asText()).isEqualTo("e-1");
            assertThat(a.get("state").asText()).isEqualTo("FIRING");
            assertThat(a.get("severity").asText()).isEqualTo("CRITICAL");
            assertThat(a.get("condition").asText()).isEqualTo("EXPIRING");
            assertThat(a.get("level").asText()).isEqualTo("CRITICAL");
            assertThat(a.get("service").asText()).isEqualTo("payments-api");
            assertThat(a.get("owner").asText()).isEqualTo("team-payments");
            assertThat(a.get("labels").get("env").asText()).isEqualTo("prod");
            assertThat(a.get("daysLeft").asDouble()).isEqualTo(6.0);
            assertThat(a.get("certificate").get("subject").asText()).isEqualTo("CN=pay.example.com");
            assertThat(a.get("certificate").get("notAfter").asText()).isEqualTo("2026-12-03T12:00:00Z");
            assertThat(a.get("endpoints").get(0).asText()).isEqualTo("10.0.0.5:443 sni=pay.example.com");
            assertThat(a.get("message").asText()).startsWith("certificate CN=pay.example.com");
            assertThat(a.get("at").asText()).isEqualTo("2026-11-27T12:00:00Z");
        }
    }

    @Test
    void a_group_has_one_idempotency_key_for_its_event_ids() throws Exception {
        try (WebhookChannel channel = new WebhookChannel("ops", url(), SECRET, Duration.ofSeconds(5), CLOCK)) {
            channel.send(new Notification("g", List.of(alert("e-1"), alert("e-2"))));
            Received r = received.poll(5, TimeUnit.SECONDS);
            assertThat(r).isNotNull();
            assertThat(header(r, "Idempotency-Key")).isEqualTo(sha256("e-1,e-2")).isNotEqualTo(sha256("e-1"));
            assertThat(new ObjectMapper().readTree(r.body()).get("alerts")).hasSize(2);
        }
    }

    @Test
    void without_a_secret_there_is_no_signature() throws Exception {
        try (WebhookChannel channel = new WebhookChannel("ops", url(), null, Duration.ofSeconds(5), CLOCK)) {
            channel.send(Notification.of(alert("e-1")));
            Received r = received.poll(5, TimeUnit.SECONDS);
            assertThat(r).isNotNull();
            assertThat(r.headers()).doesNotContainKey("X-certsonar-signature").doesNotContainKey("X-Certsonar-Signature");
        }
    }

    @Test
    void a_server_error_may_be_retried_and_a_rejection_may_not() {
        try (WebhookChannel channel = new WebhookChannel("ops", url(), SECRET, Duration.ofSeconds(5), CLOCK)) {
            status.set(503);
            assertThatThrownBy(() -> channel.send(Notification.of(alert("e-1"))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.getMessage()).contains("ops").contains("HTTP 503").contains("nope");
                    });
            status.set(400);
            assertThatThrownBy(() -> channel.send(Notification.of(alert("e-1"))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse());
        }
    }

    @Test
    void a_slow_receiver_times_out_and_may_be_retried() {
        slow = true;
        try (WebhookChannel channel = new WebhookChannel("ops", url(), SECRET, Duration.ofMillis(500), CLOCK)) {
            assertThatThrownBy(() -> channel.send(Notification.of(alert("e-1"))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.getMessage()).contains("no answer");
                    });
        }
    }

    @Test
    void a_receiver_that_is_not_there_may_be_retried() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + port + "/hook");
        try (WebhookChannel channel = new WebhookChannel("ops", nowhere, SECRET, Duration.ofSeconds(2), CLOCK)) {
            assertThatThrownBy(() -> channel.send(Notification.of(alert("e-1"))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.getMessage()).contains("cannot reach");
                    });
        }
    }

    @Test
    void an_url_that_is_not_http_is_refused_at_start() {
        assertThatThrownBy(() -> new WebhookChannel("ops", URI.create("ftp://x/"), null, Duration.ofSeconds(1), CLOCK))
                .hasMessageContaining("ops").hasMessageContaining("http");
    }

    private static String header(Received r, String name) {
        return r.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
    }

    private static String hmac(String secret, String data) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}

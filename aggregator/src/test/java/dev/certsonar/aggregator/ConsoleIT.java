package dev.certsonar.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Silence;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's pages and forms on a real broker: every page answers with the data the JSON API has, markup in a
 * service's name, owner, labels, SANs and an operator's comment is shown escaped, never as markup; forms need the
 * session's CSRF token and write what the API writes; the targets API and form check targets as the topic's reader
 * does; pages hear of changes as Server-Sent Events.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String EVIL_SERVICE = "<script>alert('name')</script>";
    static final String EVIL_OWNER = "<b onmouseover=alert('owner')>team</b>";
    static final String EVIL_LABEL = "<img src=x onerror=alert('label')>";
    static final String EVIL_SAN = "<svg onload=alert('san')>.example";
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    EmbeddedKafkaBroker broker;
    Topics topics;
    AggregatorApp app;
    final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    final HttpClient program = HttpClient.newHttpClient();

    @BeforeAll
    void start(EmbeddedKafkaBroker broker, @TempDir Path stateDir) throws Exception {
        this.broker = broker;
        topics = TestTopics.create(broker, "console");
        AggregatorConfig config = AggregatorConfig.DEFAULT.withApplicationId(TestTopics.applicationId(topics)).withStateDir(stateDir)
                .withHttp("127.0.0.1", 0).withReplicationFactor(1).withPunctuationInterval(Duration.ofMillis(200));
        app = new AggregatorApp(Map.of("bootstrap.servers", broker.bootstrapServers()), topics, config, Clock.systemUTC());
        app.start();
        await().atMost(WAIT).until(app::isReady);

        Instant now = Instant.now();
        produce(topics.observations(), EVIL_SERVICE, Obs.lifetime(now, Duration.ofDays(90), Duration.ofDays(5))
                .service(EVIL_SERVICE).owner(EVIL_OWNER).target("tls://evil.example:443").host("evil.example")
                .subject("CN=evil.example").sans("evil.example", EVIL_SAN).labels(Map.of("env", EVIL_LABEL)).build());
        produce(topics.observations(), "intranet", Obs.lifetime(now, Duration.ofDays(365), Duration.ofDays(200)).selfSigned()
                .service("intranet").owner("team-it").target("tls://intranet:443").host("intranet").subject("CN=intranet").build());
        produce(topics.observations(), "shop", Obs.lifetime(now, Duration.ofDays(90), Duration.ofDays(60)).build());
        await().atMost(WAIT).until(() -> app.serviceIndex().size() >= 3);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void everyPageShowsMarkupInValuesAsTextNeverAsMarkup() throws Exception {
        await().atMost(WAIT).untilAsserted(() -> assertThat(page("/service?name=" + url(EVIL_SERVICE)).body()).contains("evil.example"));
        for (String path : List.of("/", "/services", "/services?q=" + url("script"), "/service?name=" + url(EVIL_SERVICE),
                "/certificates", "/alerts", "/targets")) {
            HttpResponse<String> response = page(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(path)
                    .hasValueSatisfying(v -> assertThat(v).contains("script-src 'self'"));
            String body = response.body();
            assertThat(body).as(path).doesNotContain("<script>alert", "<b onmouseover", "<img src=x", "<svg onload");
        }
        String services = page("/services?q=" + url("script")).body();
        assertThat(services).contains("&lt;script&gt;alert('name')&lt;/script&gt;").contains("&lt;b onmouseover=alert('owner')&gt;team&lt;/b&gt;");
        String service = page("/service?name=" + url(EVIL_SERVICE)).body();
        assertThat(service).contains("&lt;svg onload=alert('san')&gt;.example", "&lt;img src=x onerror=alert('label')&gt;");
        assertThat(page("/").body()).contains("&lt;script&gt;alert('name')&lt;/script&gt;");
    }

    @Test
    void pagesShowWhatTheApiHas() throws Exception {
        await().atMost(WAIT).untilAsserted(() -> assertThat(page("/").body()).contains(getJson("/api/services").size() + "</strong> in all"));
        assertThat(page("/").body()).contains("data-chart=\"{&#34;weeks&#34;:[").as("the chart's numbers escaped in an attribute");

        String shop = page("/service?name=shop").body();
        JsonNode detail = getJson("/api/services/shop");
        assertThat(shop).contains(detail.path("endpoints").get(0).path("address").asText())
                .contains(detail.path("certificates").get(0).path("sha256").asText())
                .contains("CN=shop.example.com").contains("Names (SANs)").contains("EC 256");

        HttpResponse<String> expiring = api("GET", "/api/certificates?expiringWithin=10d", null);
        String total = expiring.headers().firstValue("X-Total-Count").orElseThrow();
        assertThat(page("/certificates?days=10").body()).contains(" of " + total + " certificates").contains("CN=evil.example")
                .doesNotContain("CN=intranet");
        assertThat(page("/certificates?keyType=RSA").body()).contains("No certificate matches.");
        assertThat(page("/certificates?days=soon").body()).as("a bad filter is named").contains("days: 'soon' is not a whole number");

        await().atMost(WAIT).untilAsserted(() -> assertThat(page("/services?status=INVALID").body()).contains(">intranet</a>")
                .doesNotContain(">shop</a>"));
        assertThat(page("/services?sort=nonsense").body()).contains("sort: 'nonsense' is not an order");
        HttpResponse<String> missing = page("/service?name=nothing-here");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("No service is named 'nothing-here'.");
    }

    @Test
    void formsNeedTheSessionsCsrfTokenAndWriteWhatTheApiWrites() throws Exception {
        String before = page("/service?name=intranet").body();
        String csrf = csrf(before);

        HttpResponse<String> refused = post("/silences", Map.of("service", "intranet", "for", "4h", "comment", "x"));
        assertThat(refused.statusCode()).as("no CSRF token").isEqualTo(403);

        String comment = "<i>migration</i> & cut-over";
        HttpResponse<String> silenced = post("/silences", Map.of("_csrf", csrf, "service", "intranet", "condition", "UNTRUSTED",
                "for", "4h", "comment", comment, "by", "carol", "back", "/service?name=intranet"));
        assertThat(silenced.statusCode()).isEqualTo(303);
        assertThat(silenced.headers().firstValue("Location")).contains("/service?name=intranet");
        Silence silence = await().atMost(WAIT).until(() -> last(topics.silences(), s -> s.getComment().equals(comment)), s -> s != null);
        assertThat(silence.getCreatedBy()).isEqualTo("carol");
        assertThat(silence.getMatchers()).extracting(m -> m.getName() + "=" + m.getValue()).containsExactly("service=intranet", "condition=UNTRUSTED");
        assertThat(Duration.between(Instant.now(), silence.getEndsAt())).isBetween(Duration.ofHours(3), Duration.ofHours(4));
        String flash = page("/service?name=intranet").body();
        assertThat(flash).contains("Silenced intranet (UNTRUSTED)");
        await().atMost(WAIT).untilAsserted(() -> assertThat(page("/alerts").body())
                .contains("&lt;i&gt;migration&lt;/i&gt; &amp; cut-over").contains("service=intranet"));

        HttpResponse<String> ended = post("/silences/end", Map.of("_csrf", csrf, "id", silence.getId()));
        assertThat(ended.statusCode()).isEqualTo(303);
        await().atMost(WAIT).until(() -> last(topics.silences(), s -> s.getId().equals(silence.getId()) && !s.getEndsAt().isAfter(Instant.now())),
                s -> s != null);

        HttpResponse<String> bad = post("/silences", Map.of("_csrf", csrf, "service", "intranet", "for", "4h", "comment", ""));
        assertThat(bad.statusCode()).isEqualTo(303);
        assertThat(page("/alerts").body()).as("the problem names the field").contains("comment: empty");

        AlertLifecycle firing = AlertLifecycle.newBuilder().setAlertId("console-alert-1").setState(LifecycleState.FIRING)
                .setSeverity(Severity.CRITICAL).setCondition(ConditionType.UNTRUSTED).setLevel(Severity.CRITICAL).setService("intranet")
                .setOwner("team-it").setMessage("the certificate is self-signed").setSince(Instant.now()).setUpdatedAt(Instant.now()).build();
        produce(topics.alertStates(), firing.getAlertId(), firing);
        produce(topics.alerts(), "intranet", Alert.newBuilder().setAlertId("console-alert-1").setEventId("e-1").setState(AlertState.FIRING)
                .setSeverity(Severity.CRITICAL).setCondition(ConditionType.UNTRUSTED).setLevel(Severity.CRITICAL).setService("intranet")
                .setMessage("the certificate is self-signed").setAt(Instant.now()).build());
        await().atMost(WAIT).untilAsserted(() -> assertThat(page("/alerts").body()).contains("alert-console-alert-1").contains("Acknowledge"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(page("/service?name=intranet").body())
                .as("the alert now and its history").contains("alert-console-alert-1").contains("Alert history").contains("badge st-firing\">FIRING<"));

        HttpResponse<String> acked = post("/acknowledgements", Map.of("_csrf", csrf, "alertId", "console-alert-1", "comment", "on it", "by", "dave"));
        assertThat(acked.statusCode()).isEqualTo(303);
        Acknowledgement ack = await().atMost(WAIT).until(() -> last(topics.acknowledgements(), a -> a.getAlertId().equals("console-alert-1")),
                a -> a != null);
        assertThat(ack.getBy()).isEqualTo("dave");
        assertThat(ack.getComment()).isEqualTo("on it");

        HttpResponse<String> accepted = post("/exceptions", Map.of("_csrf", csrf, "service", "intranet", "condition", "UNTRUSTED",
                "reason", "private CA <by design>", "until", "2099-01-01", "by", "erin"));
        assertThat(accepted.statusCode()).isEqualTo(303);
        AcceptedException exception = await().atMost(WAIT).until(() -> last(topics.exceptions(), e -> e.getCreatedBy().equals("erin")),
                e -> e != null);
        assertThat(exception.getConditions()).containsExactly(ConditionType.UNTRUSTED);
        assertThat(exception.getUntil()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(page("/service?name=intranet").body())
                .contains("Accepted conditions").contains("private CA &lt;by design&gt;").contains("badge st-ok\">OK<"));

        HttpResponse<String> removed = post("/exceptions/remove", Map.of("_csrf", csrf, "id", exception.getId()));
        assertThat(removed.statusCode()).isEqualTo(303);
        await().atMost(WAIT).untilAsserted(() -> assertThat(getJson("/api/services/intranet").path("status").asText()).isEqualTo("INVALID"));
    }

    @Test
    void targetsAreAddedImportedAndRemovedThroughTheApiAndTheFormsWithTheTopicsRules() throws Exception {
        HttpResponse<String> added = api("POST", "/api/targets", """
                {"host":"api.example.com","port":8443,"service":"api","owner":"team-api","labels":{"env":"prod"}}""");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        String id = JSON.readTree(added.body()).path("ids").get(0).asText();
        assertThat(id).isEqualTo("tls://api.example.com:8443");
        await().atMost(WAIT).untilAsserted(() -> assertThat(getJson("/api/targets?q=api.example").findValuesAsText("id")).containsExactly(id));
        assertThat(getJson("/api/targets?id=" + url(id)).get(0).path("owner").asText()).isEqualTo("team-api");

        HttpResponse<String> invalid = api("POST", "/api/targets", "{\"host\":\"x.example\",\"criticalDays\":40}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(invalid.body()).path("field").asText()).isEqualTo("criticalDays");
        HttpResponse<String> unknownField = api("POST", "/api/targets", "{\"host\":\"x.example\",\"colour\":\"red\"}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(unknownField.body()).contains("unknown field 'colour'");

        HttpResponse<String> imported = api("POST", "/api/targets/import", JSON.writeValueAsString(Map.of("text",
                "# two targets\n{\"host\":\"a.example\",\"service\":\"a\"}\n\n{\"host\":\"b.example\",\"ports\":[443,8443]}\n")));
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        assertThat(JSON.readTree(imported.body()).path("ids")).hasSize(2);
        HttpResponse<String> badLine = api("POST", "/api/targets/import", JSON.writeValueAsString(Map.of("text", "{\"host\":\"c.example\"}\nshop.example.com:443\n")));
        assertThat(badLine.statusCode()).isEqualTo(400);
        assertThat(badLine.body()).contains("line 2: ").contains("JSON objects only");

        String csrf = csrf(page("/targets").body());
        HttpResponse<String> form = postMultipart("/targets/import", csrf, "targets.jsonl", "{\"host\":\"d.example\",\"service\":\"d\",\"owner\":\"<u>o</u>\"}\n");
        assertThat(form.statusCode()).isEqualTo(303);
        assertThat(page("/targets").body()).contains("Imported 1 target.");
        await().atMost(WAIT).untilAsserted(() -> assertThat(page("/targets?q=d.example").body()).contains("tls://d.example:443")
                .contains("&lt;u&gt;o&lt;/u&gt;"));

        HttpResponse<String> removed = api("DELETE", "/api/targets?id=" + url(id), null);
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(last(topics.targets(), null, id)).as("a tombstone").isNull();
        assertThat(api("DELETE", "/api/targets?id=" + url("tls://nothing:443"), null).statusCode()).isEqualTo(404);
        HttpResponse<String> formRemove = post("/targets/remove", Map.of("_csrf", csrf, "id", "tls://d.example:443"));
        assertThat(formRemove.statusCode()).isEqualTo(303);
        assertThat(page("/targets").body()).contains("Removed target tls://d.example:443.");
    }

    @Test
    void pagesHearOfChangesAsServerSentEvents() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/events")).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> stream = browser.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (java.io.IOException closed) {
                // the test is over
            }
        });
        try {
            await().atMost(WAIT).until(() -> lines.contains(":connected") || lines.stream().anyMatch(l -> l.startsWith(":")));
            produce(topics.observations(), "events-shop", Obs.lifetime(Instant.now(), Duration.ofDays(90), Duration.ofDays(3))
                    .service("events-shop").target("tls://events-shop:443").build());
            await().atMost(WAIT).until(() -> lines.contains("event: services"));
            produce(topics.alertStates(), "events-alert", AlertLifecycle.newBuilder().setAlertId("events-alert").setState(LifecycleState.HELD)
                    .setSeverity(Severity.WARNING).setCondition(ConditionType.STALE).setLevel(Severity.WARNING).setService("events-shop")
                    .setSince(Instant.now()).setUpdatedAt(Instant.now()).build());
            await().atMost(WAIT).until(() -> lines.contains("event: alerts"));
        } finally {
            stream.body().close();
            reading.cancel(true);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.httpPort() + path);
    }

    private HttpResponse<String> page(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(uri(path)).header("Sec-Fetch-Site", "same-origin").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> url(e.getKey()) + "=" + url(e.getValue())).collect(Collectors.joining("&"));
        return browser.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "http://127.0.0.1:" + app.httpPort()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postMultipart(String path, String csrf, String filename, String content) throws Exception {
        String boundary = "b" + UUID.randomUUID().toString().replace("-", "");
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
        return browser.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Origin", "http://127.0.0.1:" + app.httpPort()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> api(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return program.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = api("GET", path, null);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).as("the page carries a CSRF token").isTrue();
        return m.group(1);
    }

    private static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private <V> void produce(Topic<String, V> topic, String key, V value) throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        }
    }

    /** The last value on the topic that passes the test; null when none does. */
    private <V> V last(Topic<String, V> topic, java.util.function.Predicate<V> test) {
        List<V> values = new ArrayList<>(read(topic).values().stream().flatMap(List::stream).filter(v -> v != null && test.test(v)).toList());
        return values.isEmpty() ? null : values.getLast();
    }

    /** The last value of the key on the topic (null for a tombstone or none). */
    private <V> V last(Topic<String, V> topic, Void unused, String key) {
        List<V> values = read(topic).get(key);
        return values == null ? null : values.getLast();
    }

    private <V> Map<String, List<V>> read(Topic<String, V> topic) {
        Map<String, List<V>> out = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.computeIfAbsent(r.key(), k -> new ArrayList<>())
                            .add(r.value() == null ? null : topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                }
            }
        }
        return out;
    }
}

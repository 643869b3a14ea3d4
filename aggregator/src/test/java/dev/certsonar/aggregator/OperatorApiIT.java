package dev.certsonar.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.avro.Status;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * The aggregator's HTTP API on a real broker: operators' writes through the API land on their topics and are read back
 * from them; a posted exception turns a self-signed service OK; lists page, filter and sort; bad requests are named.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorApiIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    EmbeddedKafkaBroker broker;
    Topics topics;
    AggregatorApp app;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(EmbeddedKafkaBroker broker, @TempDir Path stateDir) throws Exception {
        this.broker = broker;
        topics = TestTopics.create(broker, "op");
        AggregatorConfig config = AggregatorConfig.DEFAULT
                .withApplicationId(TestTopics.applicationId(topics))
                .withStateDir(stateDir)
                .withHttp("127.0.0.1", 0)
                .withReplicationFactor(1)
                .withPunctuationInterval(Duration.ofMillis(200));
        app = new AggregatorApp(Map.of("bootstrap.servers", broker.bootstrapServers()), topics, config, Clock.systemUTC());
        app.start();
        await().atMost(WAIT).until(app::isReady);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aPostedSilenceIsOnItsTopicListedAndExpiredByDelete() throws Exception {
        Instant ends = Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        HttpResponse<String> created = send("POST", "/api/silences", """
                {"matchers":[{"name":"service","value":"shop"},{"name":"label.env","value":"pr.*","regex":true}],
                 "endsAt":"%s","comment":"planned migration","createdBy":"carol"}""".formatted(ends));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).path("id").asText();

        Silence written = lastValue(topics.silences(), id);
        assertThat(written.getMatchers()).containsExactly(new Matcher("service", "shop", false), new Matcher("label.env", "pr.*", true));
        assertThat(written.getEndsAt()).isEqualTo(ends);
        assertThat(written.getCreatedBy()).isEqualTo("carol");
        assertThat(written.getComment()).isEqualTo("planned migration");

        JsonNode listed = awaitJson("/api/silences", list -> list.findValuesAsText("id").contains(id));
        JsonNode silence = find(listed, "id", id);
        assertThat(silence.path("status").asText()).isEqualTo("active");
        assertThat(silence.path("matchers").get(1).path("regex").asBoolean()).isTrue();

        HttpResponse<String> expired = send("DELETE", "/api/silences/" + id, null);
        assertThat(expired.statusCode()).as(expired.body()).isEqualTo(200);
        assertThat(JSON.readTree(expired.body()).path("status").asText()).isEqualTo("expired");
        assertThat(lastValue(topics.silences(), id).getEndsAt()).isBefore(ends);
        assertThat(send("DELETE", "/api/silences/no-such-silence", null).statusCode()).isEqualTo(404);
    }

    @Test
    void anAcknowledgementOfAFiringAlertIsWrittenAndWithdrawn() throws Exception {
        AlertLifecycle firing = AlertLifecycle.newBuilder().setAlertId("alert-1").setState(LifecycleState.FIRING)
                .setSeverity(Severity.CRITICAL).setCondition(ConditionType.EXPIRING).setLevel(Severity.CRITICAL).setService("pay")
                .setOwner("team-pay").setSince(Instant.now()).setUpdatedAt(Instant.now()).build();
        AlertLifecycle held = AlertLifecycle.newBuilder(firing).setAlertId("alert-2").setState(LifecycleState.HELD)
                .setSeverity(Severity.WARNING).build();
        AlertLifecycle resolved = AlertLifecycle.newBuilder(firing).setAlertId("alert-3").setState(LifecycleState.RESOLVED).build();
        produce(topics.alertStates(), "alert-1", firing);
        produce(topics.alertStates(), "alert-2", held);
        produce(topics.alertStates(), "alert-3", resolved);

        JsonNode alerts = awaitJson("/api/alerts", list -> list.size() == 2);
        assertThat(alerts.findValuesAsText("alertId")).as("worst first; resolved left out").containsExactly("alert-1", "alert-2");
        assertThat(getJson("/api/alerts?state=all").size()).isEqualTo(3);
        assertThat(getJson("/api/alerts?state=HELD&owner=team-pay").findValuesAsText("alertId")).containsExactly("alert-2");

        HttpResponse<String> ack = send("POST", "/api/acknowledgements/alert-1", "{\"by\":\"dave\",\"comment\":\"renewing now\"}");
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(201);
        Acknowledgement written = lastValue(topics.acknowledgements(), "alert-1");
        assertThat(written.getBy()).isEqualTo("dave");
        assertThat(written.getComment()).isEqualTo("renewing now");

        HttpResponse<String> anonymous = send("POST", "/api/acknowledgements/alert-1", null);
        assertThat(anonymous.statusCode()).isEqualTo(201);
        assertThat(lastValue(topics.acknowledgements(), "alert-1").getBy()).as("no by: who the request is").isEqualTo("local");

        assertThat(send("POST", "/api/acknowledgements/alert-2", "{}").statusCode()).as("held, not firing").isEqualTo(409);
        assertThat(send("POST", "/api/acknowledgements/nope", "{}").statusCode()).isEqualTo(404);

        assertThat(send("DELETE", "/api/acknowledgements/alert-1", null).statusCode()).isEqualTo(200);
        assertThat(lastValue(topics.acknowledgements(), "alert-1")).as("withdrawn: a tombstone").isNull();
    }

    @Test
    void aPostedExceptionTurnsASelfSignedServiceOkAndItsRemovalRestoresTheCondition() throws Exception {
        Observation selfSigned = Obs.lifetime(Instant.now(), Duration.ofDays(90), Duration.ofDays(60)).selfSigned().subject("CN=intranet")
                .service("intranet").target("tls://intranet:443").host("intranet").build();
        produce(topics.observations(), "intranet", selfSigned);
        awaitJson("/api/services?q=intranet", list -> list.size() == 1 && list.get(0).path("status").asText().equals("INVALID"));

        HttpResponse<String> created = send("POST", "/api/exceptions", """
                {"id":"intranet-self-signed","matchers":[{"name":"service","value":"intranet"}],"conditions":["UNTRUSTED"],
                 "reason":"self-signed by design","createdBy":"carol","until":"2099-03-01T00:00:00Z"}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        AcceptedException written = lastValue(topics.exceptions(), "intranet-self-signed");
        assertThat(written.getConditions()).containsExactly(ConditionType.UNTRUSTED);
        assertThat(written.getReason()).isEqualTo("self-signed by design");

        JsonNode ok = awaitJson("/api/services?q=intranet", list -> list.size() == 1 && list.get(0).path("status").asText().equals("OK"));
        assertThat(ok.get(0).path("accepted").asInt()).isEqualTo(1);
        assertThat(ok.get(0).path("problems").get(0).asText()).endsWith("accepted: self-signed by design (by carol, until 2099-03-01)");
        JsonNode detail = getJson("/api/services/intranet");
        assertThat(detail.path("acceptedConditions").get(0).path("exceptionId").asText()).isEqualTo("intranet-self-signed");
        assertThat(detail.path("acceptedConditions").get(0).path("condition").path("type").asText()).isEqualTo("UNTRUSTED");
        JsonNode listed = awaitJson("/api/exceptions", list -> list.findValuesAsText("id").contains("intranet-self-signed"));
        assertThat(find(listed, "id", "intranet-self-signed").path("active").asBoolean()).isTrue();

        JsonNode inventory = getJson("/api/certificates?expiringWithin=90d&keyType=EC&issuer=intranet");
        assertThat(inventory.findValuesAsText("sha256")).contains(selfSigned.getChain().get(0).getSha256());

        assertThat(send("DELETE", "/api/exceptions/intranet-self-signed", null).statusCode()).isEqualTo(200);
        assertThat(lastValue(topics.exceptions(), "intranet-self-signed")).isNull();
        awaitJson("/api/services?q=intranet", list -> list.size() == 1 && list.get(0).path("status").asText().equals("INVALID"));
        assertThat(send("DELETE", "/api/exceptions/intranet-self-signed", null).statusCode()).as("gone").isEqualTo(404);
    }

    @Test
    void theServicesListPagesFiltersAndSorts() throws Exception {
        Instant now = Instant.now();
        for (int i = 0; i < 30; i++) {
            Status status = i % 3 == 0 ? Status.CRITICAL : Status.OK;
            ServiceStatus s = ServiceStatus.newBuilder().setService("list-%02d".formatted(i)).setOwner(i % 2 == 0 ? "team-even" : "team-odd")
                    .setLabels(Map.of("env", i < 10 ? "prod" : "dev")).setStatus(status)
                    .setNotAfter(now.plus(Duration.ofDays(100 - i))).setUpdatedAt(now).build();
            produce(topics.serviceStatus(), s.getService(), s);
        }
        awaitJson("/api/services?q=list-&limit=1", page -> true);
        await().atMost(WAIT).until(() -> total("/api/services?q=list-&limit=1") == 30);

        HttpResponse<String> first = send("GET", "/api/services?q=list-&limit=4", null);
        assertThat(first.headers().firstValue("X-Total-Count")).contains("30");
        assertThat(first.headers().firstValue("Link")).hasValueSatisfying(l -> assertThat(l).contains("offset=4").contains("rel=\"next\""));
        JsonNode page = JSON.readTree(first.body());
        assertThat(page.findValuesAsText("service")).as("worst first, then the earliest expiry")
                .containsExactly("list-27", "list-24", "list-21", "list-18");

        assertThat(getJson("/api/services?q=list-&sort=service&offset=28&limit=5").findValuesAsText("service"))
                .containsExactly("list-28", "list-29");
        assertThat(getJson("/api/services?q=list-&sort=-notAfter&limit=2").findValuesAsText("service"))
                .containsExactly("list-00", "list-01");
        assertThat(total("/api/services?q=list-&status=CRITICAL&owner=team-even&label=env:prod&limit=100"))
                .as("0, 6 of 0..9: critical, even, prod").isEqualTo(2);
        assertThat(getJson("/api/services?q=list-").size()).as("no limit: every one, as before").isEqualTo(30);
    }

    @Test
    void unreadableExceptionsAndAlertStatesGoToDeadLettersAndTheNextOnesAreRead() throws Exception {
        byte[] garbage = "not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        produceRaw(topics.exceptions().name(), "garbage-exception", garbage);
        produceRaw(topics.alertStates().name(), "garbage-alert", garbage);
        AlertLifecycle after = AlertLifecycle.newBuilder().setAlertId("after-garbage").setState(LifecycleState.FIRING)
                .setSeverity(Severity.WARNING).setCondition(ConditionType.STALE).setLevel(Severity.WARNING).setService("x")
                .setSince(Instant.now()).setUpdatedAt(Instant.now()).build();
        produce(topics.alertStates(), "after-garbage", after);

        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.deadLetters().name()));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
                return dead.size() >= 2;
            });
        }
        assertThat(dead).extracting(r -> dev.certsonar.schemas.DeadLetters.header(r.headers(), dev.certsonar.schemas.DeadLetters.SOURCE_TOPIC)
                .orElseThrow()).containsExactlyInAnyOrder(topics.exceptions().name(), topics.alertStates().name());
        assertThat(dead).allSatisfy(r -> assertThat(dev.certsonar.schemas.DeadLetters.header(r.headers(),
                dev.certsonar.schemas.DeadLetters.ERROR).orElseThrow()).contains("not Avro single-object encoding"));
        awaitJson("/api/alerts", list -> list.findValuesAsText("alertId").contains("after-garbage"));
    }

    private void produceRaw(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                argumentSet("an unknown status", "GET", "/api/services?status=BROKEN", null, "status"),
                argumentSet("an unknown order", "GET", "/api/services?sort=colour", null, "sort"),
                argumentSet("a page too large", "GET", "/api/services?limit=100000", null, "limit"),
                argumentSet("a duration that is none", "GET", "/api/certificates?expiringWithin=soon", null, "expiringWithin"),
                argumentSet("an unknown alert state", "GET", "/api/alerts?state=ANGRY", null, "state"),
                argumentSet("a body that is not JSON", "POST", "/api/silences", "{matchers:", "body"),
                argumentSet("a silence without end", "POST", "/api/silences",
                        "{\"matchers\":[{\"name\":\"service\",\"value\":\"a\"}],\"comment\":\"c\"}", "endsAt"),
                argumentSet("a silence that ended", "POST", "/api/silences",
                        "{\"matchers\":[{\"name\":\"service\",\"value\":\"a\"}],\"endsAt\":\"2020-01-01T00:00:00Z\",\"comment\":\"c\"}", "endsAt"),
                argumentSet("a matcher on no field", "POST", "/api/silences",
                        "{\"matchers\":[{\"name\":\"colour\",\"value\":\"red\"}],\"endsAt\":\"2099-01-01T00:00:00Z\",\"comment\":\"c\"}",
                        "matchers[0].name"),
                argumentSet("a regex that does not compile", "POST", "/api/exceptions",
                        "{\"matchers\":[{\"name\":\"service\",\"value\":\"(\",\"regex\":true}],\"conditions\":[\"UNTRUSTED\"],\"reason\":\"r\"}",
                        "matchers[0].value"),
                argumentSet("an exception without conditions", "POST", "/api/exceptions",
                        "{\"matchers\":[{\"name\":\"service\",\"value\":\"a\"}],\"conditions\":[],\"reason\":\"r\"}", "conditions"),
                argumentSet("an unknown condition", "POST", "/api/exceptions",
                        "{\"matchers\":[{\"name\":\"service\",\"value\":\"a\"}],\"conditions\":[\"SELF_SIGNED\"],\"reason\":\"r\"}",
                        "conditions[0]"),
                argumentSet("an unknown field", "POST", "/api/exceptions", "{\"reasons\":\"r\"}", "reasons"),
                argumentSet("an id with a slash", "POST", "/api/exceptions",
                        "{\"id\":\"a/b\",\"matchers\":[{\"name\":\"service\",\"value\":\"a\"}],\"conditions\":[\"UNTRUSTED\"],\"reason\":\"r\"}",
                        "id"));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void aBadRequestIs400NamingTheFieldWithoutAnException(String method, String path, String body, String field) throws Exception {
        HttpResponse<String> r = send(method, path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.path("field").asText()).isEqualTo(field);
        assertThat(error.path("error").asText()).startsWith(field + ": ");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("dev.certsonar").doesNotContain("\tat ");
    }

    private int total(String path) throws Exception {
        return Integer.parseInt(send("GET", path, null).headers().firstValue("X-Total-Count").orElse("-1"));
    }

    private static JsonNode find(JsonNode list, String field, String value) {
        for (JsonNode n : list) {
            if (n.path(field).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no " + field + "=" + value + " in " + list);
    }

    private JsonNode awaitJson(String path, java.util.function.Predicate<JsonNode> until) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(WAIT).until(() -> {
            last[0] = getJson(path);
            return until.test(last[0]);
        });
        return last[0];
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = send("GET", path, null);
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private <V> void produce(Topic<String, V> topic, String key, V value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value))).get();
        }
    }

    /** The last value written to the topic under the key (null for a tombstone), read from the topic's start to its end now. */
    private <V> V lastValue(Topic<String, V> topic, String key) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
            assertThat(found).as("records of " + key + " on " + topic.name()).isNotEmpty();
            byte[] last = found.getLast().value();
            return last == null ? null : topic.valueSerde().deserializer().deserialize(topic.name(), last);
        }
    }
}

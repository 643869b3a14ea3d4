package dev.certsonar.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Status;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The aggregator on a real broker, with exactly-once processing, RocksDB state and its HTTP API. */
@ExtendWith(KafkaBrokerExtension.class)
class AggregatorIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    EmbeddedKafkaBroker broker;
    Topics topics;
    AggregatorConfig config;
    AggregatorApp app;
    HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp(EmbeddedKafkaBroker broker) throws Exception {
        this.broker = broker;
        String id = UUID.randomUUID().toString().substring(0, 8);
        topics = Topics.withPrefix("t-" + id + ".");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, topics, 2, (short) 1);
        }
        config = AggregatorConfig.DEFAULT
                .withApplicationId("aggregator-it-" + id)
                .withStateDir(stateDir)
                .withHttp("127.0.0.1", 0)
                .withReplicationFactor(1)
                .withPunctuationInterval(Duration.ofMillis(200));
    }

    @AfterEach
    void tearDown() {
        if (app != null) {
            app.close();
        }
    }

    AggregatorApp startApp() {
        AggregatorApp a = new AggregatorApp(Map.of("bootstrap.servers", broker.bootstrapServers()), topics, config, Clock.systemUTC());
        a.start();
        await().atMost(WAIT).until(a::isReady);
        return a;
    }

    @Test
    void targetInScanRequestOutObservationInStatusOutAndARestartRepeatsNothing() throws Exception {
        app = startApp();
        String targetJson = """
                {"service":"shop","owner":"team-web","host":"localhost","port":8443,"labels":{"env":"prod"}}""";
        produceRaw(topics.targets().name(), "tls://localhost:8443", targetJson.getBytes(StandardCharsets.UTF_8));

        List<ConsumerRecord<String, ScanRequest>> requests = new ArrayList<>();
        try (KafkaConsumer<String, ScanRequest> consumer = consumer(topics.scanRequests().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.scanRequests().name()));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(requests::add);
                return !requests.isEmpty();
            });
        }
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("localhost");
            assertThat(r.value().getTarget().getId()).isEqualTo("tls://localhost:8443");
            assertThat(r.value().getTarget().getPorts()).containsExactly(8443);
        });

        Instant now = Instant.now();
        Observation expiring = Obs.lifetime(now, Duration.ofDays(90), Duration.ofDays(3)).target("tls://localhost:8443").host("localhost")
                .endpoint(Obs.endpoint("127.0.0.1", 8443, "localhost")).subject("CN=localhost").build();
        produce(topics.observations().name(), "shop", topics.observations().valueSerde().serializer().serialize("", expiring));

        List<ConsumerRecord<String, ServiceStatus>> statuses = new ArrayList<>();
        try (KafkaConsumer<String, ServiceStatus> consumer = consumer(topics.serviceStatus().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.serviceStatus().name()));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(statuses::add);
                return !statuses.isEmpty();
            });
        }
        assertThat(statuses).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("shop");
            assertThat(r.value().getStatus()).isEqualTo(Status.CRITICAL);
            assertThat(r.value().getOwner()).isEqualTo("team-web");
            assertThat(r.value().getDaysLeft()).isBetween(2.9, 3.0);
        });

        JsonNode services = getJson("/api/services");
        assertThat(services).hasSize(1);
        assertThat(services.get(0).path("service").asText()).isEqualTo("shop");
        assertThat(services.get(0).path("status").asText()).isEqualTo("CRITICAL");

        app.close();
        app = startApp();
        Observation renewed = Obs.lifetime(Instant.now(), Duration.ofDays(90), Duration.ofDays(89)).target("tls://localhost:8443")
                .host("localhost").endpoint(Obs.endpoint("127.0.0.1", 8443, "localhost")).subject("CN=localhost").build();
        produce(topics.observations().name(), "shop", topics.observations().valueSerde().serializer().serialize("", renewed));

        List<ConsumerRecord<String, ServiceStatus>> all = new ArrayList<>();
        try (KafkaConsumer<String, ServiceStatus> consumer = consumer(topics.serviceStatus().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.serviceStatus().name()));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
                return all.stream().anyMatch(r -> r.value().getStatus() == Status.OK);
            });
        }
        assertThat(all).as("after the restart: only the new status, nothing written twice")
                .extracting(r -> r.value().getStatus()).containsExactly(Status.CRITICAL, Status.OK);
        try (KafkaConsumer<String, ScanRequest> consumer = consumer(topics.scanRequests().valueSerde().deserializer())) {
            List<ScanRequest> after = readAllCommitted(consumer, topics.scanRequests().name());
            assertThat(after).as("the unchanged target is not scanned again after the restart").hasSize(1);
        }
    }

    @Test
    void targetsOnFewerPartitionsThanObservationsStillMeetTheObservationsOfTheirServices() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        topics = Topics.withPrefix("t-" + id + ".");
        config = config.withApplicationId("aggregator-it-" + id);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.targets().name(), 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
            TopicAdmin.ensureTopics(admin, topics, 3, (short) 1);
        }
        app = startApp();
        int services = 6;
        for (int i = 0; i < services; i++) {
            String target = """
                    {"service":"svc-%d","owner":"team-%d","host":"h%d.example.com","port":443}""".formatted(i, i, i);
            produceRaw(topics.targets().name(), "tls://h" + i + ".example.com:443", target.getBytes(StandardCharsets.UTF_8));
        }
        Map<String, ServiceStatus> latest = new HashMap<>();
        try (KafkaConsumer<String, ScanRequest> requests = consumer(topics.scanRequests().valueSerde().deserializer());
             KafkaConsumer<String, ServiceStatus> statuses = consumer(topics.serviceStatus().valueSerde().deserializer())) {
            requests.subscribe(List.of(topics.scanRequests().name()));
            List<ScanRequest> scans = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                requests.poll(Duration.ofMillis(200)).forEach(r -> scans.add(r.value()));
                return scans.size() >= services;
            });
            Instant now = Instant.now();
            for (int i = 0; i < services; i++) {
                Observation o = Obs.lifetime(now, Duration.ofDays(90), Duration.ofDays(60)).service("svc-" + i)
                        .target("tls://h" + i + ".example.com:443").host("h" + i + ".example.com").owner("observed-owner")
                        .endpoint(Obs.endpoint("10.0.0." + (i + 1), 443, "h" + i + ".example.com")).build();
                // the last one keyed otherwise, so that it takes the internal topic of observations keyed by service
                String key = i < services - 1 ? o.getService() : "keyed-by-host-" + o.getHost();
                produce(topics.observations().name(), key, topics.observations().valueSerde().serializer().serialize("", o));
            }
            statuses.subscribe(List.of(topics.serviceStatus().name()));
            await().atMost(WAIT).untilAsserted(() -> {
                statuses.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
                assertThat(latest).hasSize(services);
            });
        }
        for (int i = 0; i < services; i++) {
            assertThat(latest.get("svc-" + i).getOwner()).as("svc-" + i + " is judged with its target, whatever its partition")
                    .isEqualTo("team-" + i);
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            for (String internal : List.of(ExpiryTopology.SERVICE_INPUT, ExpiryTopology.OBSERVATIONS_BY_SERVICE)) {
                String name = config.applicationId() + "-" + internal + "-repartition";
                assertThat(admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions())
                        .as(name).hasSize(3);
            }
            String rekeyed = config.applicationId() + "-" + ExpiryTopology.OBSERVATIONS_BY_SERVICE + "-repartition";
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                ends.put(new TopicPartition(rekeyed, p), OffsetSpec.latest());
            }
            long written = admin.listOffsets(ends).all().get().values().stream().mapToLong(r -> r.offset()).sum();
            assertThat(written).as("the observation keyed otherwise went through " + rekeyed).isPositive();
        }
    }

    @Test
    void anUnreadableTargetGoesToDeadLettersAndTheNextOneIsScanned() throws Exception {
        app = startApp();
        produceRaw(topics.targets().name(), "bad", "{\"service\":\"x\"".getBytes(StandardCharsets.UTF_8));
        produceRaw(topics.targets().name(), "tls://good:443", "{\"host\":\"good\"}".getBytes(StandardCharsets.UTF_8));

        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.deadLetters().name()));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
                return !dead.isEmpty();
            });
        }
        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("bad");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"service\":\"x\"");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.ERROR)).isPresent();
            assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE_TOPIC)).contains(topics.targets().name());
            assertThat(DeadLetters.header(r.headers(), DeadLetters.COMPONENT)).contains("aggregator");
        });
        try (KafkaConsumer<String, ScanRequest> consumer = consumer(topics.scanRequests().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.scanRequests().name()));
            List<ScanRequest> requests = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> requests.add(r.value()));
                return !requests.isEmpty();
            });
            assertThat(requests).extracting(r -> r.getTarget().getHost()).containsExactly("good");
        }
    }

    @Test
    void theHttpApiServesServicesCertificatesMetricsAndHealth() throws Exception {
        app = startApp();
        Instant now = Instant.now();
        Obs ok = Obs.lifetime(now, Duration.ofDays(90), Duration.ofDays(60)).service("web").target("tls://web:443").host("web")
                .endpoint(Obs.endpoint("127.0.0.2", 443, "web")).subject("CN=web");
        Obs expired = Obs.lifetime(now, Duration.ofDays(90), Duration.ofDays(-2)).service("old").target("tls://old:443").host("old")
                .endpoint(Obs.endpoint("127.0.0.3", 443, "old")).subject("CN=old");
        produce(topics.observations().name(), "web", topics.observations().valueSerde().serializer().serialize("", ok.build()));
        produce(topics.observations().name(), "old", topics.observations().valueSerde().serializer().serialize("", expired.build()));

        await().atMost(WAIT).untilAsserted(() -> assertThat(getJson("/api/services")).hasSize(2));
        JsonNode services = getJson("/api/services");
        assertThat(services.get(0).path("service").asText()).as("worst first").isEqualTo("old");
        assertThat(services.get(0).path("status").asText()).isEqualTo("EXPIRED");
        assertThat(services.get(0).path("endpoints").asInt()).isEqualTo(1);
        assertThat(services.get(1).path("service").asText()).isEqualTo("web");
        assertThat(services.get(1).path("daysLeft").asDouble()).isBetween(59.9, 60.0);

        JsonNode web = getJson("/api/services/web");
        assertThat(web.path("endpoints")).singleElement().satisfies(e -> {
            assertThat(e.path("address").asText()).isEqualTo("127.0.0.2");
            assertThat(e.path("status").asText()).isEqualTo("OK");
            assertThat(e.path("chain").get(0).path("sha256").asText()).isEqualTo(ok.leaf().getSha256());
        });
        assertThat(web.path("certificates")).hasSize(1);
        assertThat(web.path("rollout").isNull()).isTrue();

        JsonNode certificate = getJson("/api/certificates/" + ok.leaf().getSha256());
        assertThat(certificate.path("subject").asText()).isEqualTo("CN=web");
        assertThat(certificate.path("services")).extracting(JsonNode::asText).containsExactly("web");
        assertThat(certificate.path("endpoints").get(0).path("endpoint").asText()).isEqualTo("127.0.0.2:443 sni=web");

        assertThat(get("/api/services/nope").statusCode()).isEqualTo(404);
        assertThat(get("/api/certificates/00").statusCode()).isEqualTo(404);
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);

        String metrics = get("/metrics").body();
        assertThat(metrics).contains("certsonar_service_status{service=\"old\"} 6.0");
        assertThat(metrics).contains("certsonar_service_status{service=\"web\"} 0.0");
        assertThat(metrics).contains("certsonar_service_expiry_seconds{service=\"web\"}");
        assertThat(metrics).contains("certsonar_certificate_expiry_seconds{certificate=\"" + ok.leaf().getSha256() + "\"");
        assertThat(metrics).contains("kafka_stream");

        HttpResponse<String> overview = get("/");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(overview.body()).as("the worst services, with links to their pages").contains(">EXPIRED</span>", ">old</a>");
        assertThat(get("/services").body()).contains(">old</a>", ">web</a>");

        app.close();
        assertThat(app.isReady()).isFalse();
        app = null;
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private void produceRaw(String topic, String key, byte[] value) throws Exception {
        produce(topic, key, value);
    }

    private void produce(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private Map<String, Object> consumerProps() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }

    private <V> KafkaConsumer<String, V> consumer(Deserializer<V> values) {
        return new KafkaConsumer<>(consumerProps(), new StringDeserializer(), values);
    }

    /** Every committed record of the topic, read up to its end offsets as they are now. */
    private static <V> List<V> readAllCommitted(KafkaConsumer<String, V> consumer, String topic) {
        var partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        var end = consumer.endOffsets(partitions);
        List<V> out = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
        });
        return out;
    }
}

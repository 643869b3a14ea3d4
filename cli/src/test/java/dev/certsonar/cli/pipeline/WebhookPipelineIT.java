package dev.certsonar.cli.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.certsonar.aggregator.AggregatorApp;
import dev.certsonar.cli.CommandProcess;
import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.cli.config.ConfigLoader;
import dev.certsonar.cli.run.DemoWorld;
import dev.certsonar.cli.run.Delivery;
import dev.certsonar.cli.run.Pipeline;
import dev.certsonar.cli.run.TargetPublisher;
import dev.certsonar.notifier.delivery.WebhookChannel;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.sandbox.tls.LocalTlsWorld;
import dev.certsonar.scanner.probe.ProbeEngine;
import dev.certsonar.scanner.worker.ScannerWorker;
import dev.certsonar.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Target in, webhook out: the whole pipeline on the embedded broker probes the local TLS servers and delivers through
 * the channels and routes of a configuration file to a real HTTP receiver. A second run on the same broker, with the
 * same application ids and state directories, sends nothing again. The {@code notifier} command, as its own process,
 * delivers through the routes of the file given with {@code --config}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class WebhookPipelineIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "pipeline-s3cret";
    private static final Set<String> BROKEN = Set.of("demo-expired", "demo-expiring", "demo-selfsigned");

    @TempDir
    Path dir;

    private final Receiver hook = new Receiver();
    private final Receiver other = new Receiver();

    @BeforeEach
    void receivers() throws IOException {
        hook.start();
        other.start();
    }

    @AfterEach
    void stopReceivers() {
        hook.stop();
        other.stop();
    }

    @Test
    void everyBrokenServerAlertsOnceThroughTheConfiguredWebhookAndARestartSendsNothingAgain(EmbeddedKafkaBroker broker)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        Topics topics = Topics.withPrefix("t-" + run + ".");
        Pipeline.ensureTopics(kafka, topics, 3, (short) 1);

        CertsonarConfig config = new ConfigLoader(Map.of("HOOK_SECRET", SECRET)).parse("""
                channels:
                  - {name: hook, type: webhook, url: "%s", secret: "${HOOK_SECRET}"}
                  - {name: other-team, type: webhook, url: "%s", secret: other}
                  - {name: console, type: log}
                routes:
                  - {match: {owner: demo, labels: {env: demo}, minSeverity: WARNING}, channels: [hook]}
                  - {match: {owner: team-web}, channels: [other-team]}
                  - {channels: [console]}
                """.formatted(hook.url(), other.url()), "certsonar.yaml", null, null);

        try (LocalTlsWorld world = LocalTlsWorld.start(dir.resolve("tls"), Clock.systemUTC())) {
            Pipeline.Settings demo = DemoWorld.settings(kafka, topics, dir, world.caFile(), 0);
            String aggregatorId = "aggregator-" + run;
            String notifierId = "notifier-" + run;
            Pipeline.Settings settings = new Pipeline.Settings(kafka, topics, demo.scanner(),
                    demo.worker().withGroupId("scanner-" + run), demo.aggregator().withApplicationId(aggregatorId),
                    demo.notifier().withApplicationId(notifierId), Delivery.from(config, Clock.systemUTC()));
            TargetPublisher.publish(kafka, topics, DemoWorld.targets(world));
            Quiet quiet = new Quiet(kafka, topics, aggregatorId, notifierId, List.of("hook", "other-team", "console"));

            List<Delivered> first;
            try (Pipeline pipeline = Pipeline.start(settings, Clock.systemUTC(), new SimpleMeterRegistry(), a -> { })) {
                await("every broken server alerts through the webhook").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                                assertThat(firing(hook.received()).stream().map(Delivered::service).collect(Collectors.toSet()))
                                        .containsAll(BROKEN));
                await("the pipeline is quiet: every delivery consumer read every alert").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500)).until(() -> pipeline.isReady() && quiet.deliveredAll());
                first = hook.received();
            }

            assertThat(first).as("alerts of the valid server").noneMatch(d -> d.service().equals("demo-valid"));
            assertThat(firing(first)).extracting(Delivered::condition)
                    .contains("EXPIRED", "EXPIRING", "UNTRUSTED");
            assertThat(firing(first).stream().collect(Collectors.groupingBy(Delivered::alertId, Collectors.counting())))
                    .as("no alertId fires twice").allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
            assertThat(hook.requests()).allSatisfy(r -> {
                assertThat(r.signature()).as("signature over timestamp.body")
                        .isEqualTo("v1=" + WebhookChannel.signature(SECRET, r.timestamp(), r.body()));
                assertThat(r.idempotencyKey()).isNotBlank();
            });
            assertThat(hook.requests()).extracting(Request::idempotencyKey).doesNotHaveDuplicates();
            assertThat(other.requests()).as("the other team's route matched no alert").isEmpty();

            int sentBefore = hook.requests().size();
            long observationsBefore = quiet.endOffsets(topics.observations().name());
            try (Pipeline pipeline = Pipeline.start(settings, Clock.systemUTC(), new SimpleMeterRegistry(), a -> { })) {
                await("the restarted pipeline scanned again and every consumer caught up, or it sent something")
                        .atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                            if (hook.requests().size() > sentBefore) {
                                return;
                            }
                            List<String> waitingFor = new ArrayList<>();
                            if (!pipeline.isReady()) {
                                waitingFor.add("pipeline ready");
                            }
                            if (quiet.endOffsets(topics.observations().name()) <= observationsBefore) {
                                waitingFor.add("a new scan");
                            }
                            if (!quiet.caughtUp(aggregatorId, topics.observations().name())) {
                                waitingFor.add("aggregator read every observation");
                            }
                            if (!quiet.caughtUp(notifierId, topics.serviceStatus().name())) {
                                waitingFor.add("notifier read every status");
                            }
                            if (!quiet.deliveredAll()) {
                                waitingFor.add("every channel read every alert");
                            }
                            assertThat(waitingFor).as("still waiting for").isEmpty();
                        });
                assertThat(hook.requests()).as("nothing is sent again after the restart").hasSize(sentBefore);
            }
        }
    }

    @Test
    void theNotifierCommandDeliversThroughTheRoutesOfItsConfigurationFile(EmbeddedKafkaBroker broker) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        Topics topics = Topics.withPrefix("t-" + run + ".");
        Pipeline.ensureTopics(kafka, topics, 3, (short) 1);
        Path config = dir.resolve("certsonar.yaml");
        Files.writeString(config, """
                channels:
                  - {name: hook, type: webhook, url: "%s", secret: "%s"}
                  - {name: other-team, type: webhook, url: "%s", secret: other}
                routes:
                  - {match: {owner: demo, minSeverity: CRITICAL}, channels: [hook]}
                  - {match: {owner: team-web}, channels: [other-team]}
                """.formatted(hook.url(), SECRET, other.url()));

        try (LocalTlsWorld world = LocalTlsWorld.start(dir.resolve("tls"), Clock.systemUTC())) {
            Pipeline.Settings demo = DemoWorld.settings(kafka, topics, dir, world.caFile(), -1);
            TargetPublisher.publish(kafka, topics, DemoWorld.targets(world));
            Path output = dir.resolve("notifier.log");
            Process notifier = CommandProcess.start(output, "notifier", "--config", config.toString(),
                    "--bootstrap-server", broker.bootstrapServers(), "--topic-prefix", topics.prefix(),
                    "--data-dir", dir.resolve("notifier-data").toString(), "--http-port", "0", "--partitions", "3");
            try (AggregatorApp aggregator = new AggregatorApp(kafka, topics,
                    demo.aggregator().withApplicationId("aggregator-" + run), Clock.systemUTC());
                 ProbeEngine engine = new ProbeEngine(demo.scanner(), Clock.systemUTC());
                 ScannerWorker worker = new ScannerWorker(kafka, topics, engine::scan,
                         demo.worker().withGroupId("scanner-" + run), new SimpleMeterRegistry(), Clock.systemUTC())) {
                aggregator.start();
                worker.start();
                await("certsonar notifier --config delivers every broken server's alert to the routed webhook")
                        .atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                            assertThat(notifier.isAlive()).as("notifier process; its output:%n%s",
                                    Files.exists(output) ? Files.readString(output) : "").isTrue();
                            assertThat(firing(hook.received()).stream().map(Delivered::service)
                                    .collect(Collectors.toSet())).containsAll(BROKEN);
                        });
            } finally {
                notifier.destroy();
                assertThat(notifier.waitFor(60, TimeUnit.SECONDS)).as("the notifier stops on SIGTERM").isTrue();
            }
            assertThat(hook.requests()).allSatisfy(r -> assertThat(r.signature())
                    .isEqualTo("v1=" + WebhookChannel.signature(SECRET, r.timestamp(), r.body())));
            assertThat(firing(hook.received()).stream().collect(Collectors.groupingBy(Delivered::alertId,
                    Collectors.counting()))).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
            assertThat(other.requests()).as("the other team's route matched no alert").isEmpty();
        }
    }

    private static List<Delivered> firing(List<Delivered> all) {
        return all.stream().filter(d -> d.state().equals("FIRING") && !d.reminder()).toList();
    }

    record Request(String timestamp, String signature, String idempotencyKey, String body) {
    }

    record Delivered(String alertId, String eventId, String state, boolean reminder, String service, String condition) {
    }

    /** A webhook receiver on loopback that keeps every request. */
    static final class Receiver {
        private final List<Request> requests = new CopyOnWriteArrayList<>();
        private HttpServer server;

        void start() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                requests.add(new Request(exchange.getRequestHeaders().getFirst(WebhookChannel.TIMESTAMP_HEADER),
                        exchange.getRequestHeaders().getFirst(WebhookChannel.SIGNATURE_HEADER),
                        exchange.getRequestHeaders().getFirst(WebhookChannel.IDEMPOTENCY_HEADER),
                        new String(body, StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        List<Request> requests() {
            return List.copyOf(requests);
        }

        List<Delivered> received() throws IOException {
            List<Delivered> all = new ArrayList<>();
            for (Request r : requests) {
                for (JsonNode a : JSON.readTree(r.body()).get("alerts")) {
                    all.add(new Delivered(a.get("alertId").asText(), a.get("eventId").asText(), a.get("state").asText(),
                            a.path("reminder").asBoolean(false), a.get("service").asText(), a.get("condition").asText()));
                }
            }
            return all;
        }

        void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    /** Whether consumer groups have read up to the last record of their topics. */
    static final class Quiet {
        private final Map<String, Object> kafka;
        private final Topics topics;
        private final List<String> deliveryGroups;

        Quiet(Map<String, Object> kafka, Topics topics, String aggregatorId, String notifierId, List<String> channels) {
            this.kafka = kafka;
            this.topics = topics;
            this.deliveryGroups = channels.stream().map(c -> notifierId + "-channel-" + c).toList();
        }

        boolean deliveredAll() throws Exception {
            for (String group : deliveryGroups) {
                if (!caughtUp(group, topics.alerts().name())) {
                    return false;
                }
            }
            return true;
        }

        long endOffsets(String topic) throws Exception {
            try (Admin admin = Admin.create(kafka)) {
                return latest(admin, topic).values().stream().mapToLong(Long::longValue).sum();
            }
        }

        /**
         * Every partition's committed offset is past the partition's last committed record (a transaction marker after
         * it is not a record, so the end offset itself is not the goal).
         */
        boolean caughtUp(String group, String topic) throws Exception {
            Map<TopicPartition, Long> needed = afterLastRecord(topic);
            try (Admin admin = Admin.create(kafka)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                return needed.entrySet().stream().allMatch(e -> e.getValue() == 0
                        || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
            }
        }

        private Map<TopicPartition, Long> latest(Admin admin, String topic) throws Exception {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        }

        /** Per partition, the offset after its last committed record; 0 for an empty partition. */
        private Map<TopicPartition, Long> afterLastRecord(String topic) {
            Map<String, Object> props = new HashMap<>(kafka);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                c.assign(partitions);
                c.seekToEnd(partitions);
                Map<TopicPartition, Long> stable = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    stable.put(tp, c.position(tp));
                }
                Map<TopicPartition, Long> after = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    after.put(tp, 0L);
                    c.seek(tp, Math.max(0, stable.get(tp) - 10));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (partitions.stream().anyMatch(tp -> c.position(tp) < stable.get(tp))
                        && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                        if (r.offset() < stable.get(tp)) {
                            after.merge(tp, r.offset() + 1, Math::max);
                        }
                    }
                }
                return after;
            }
        }
    }
}

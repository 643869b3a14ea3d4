package dev.certsonar.cli.fault;

import dev.certsonar.cli.LocalHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.cli.run.DemoWorld;
import dev.certsonar.cli.run.Pipeline;
import dev.certsonar.cli.run.TargetPublisher;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.sandbox.tls.LocalTlsWorld;
import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.Silence;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A poison pill (bytes that are no record of the topic) on every topic certsonar reads, against a whole pipeline on a
 * real broker: every reader of the topic writes it to dead-letters once, with the reason, the source and its own name in
 * the headers, and then processes the good records after it. Each topic has one partition, so every good record
 * follows its topic's pill.
 *
 * <p>Readers: targets and observations, the aggregator's Streams; scan-requests, the scanner worker; service-status,
 * the notifier's Streams and the aggregator's service list; alerts, the notifier's delivery and the aggregator's alert
 * history; silences and alert-states, the notifier's and the aggregator's Streams; acknowledgements, the notifier's;
 * exceptions, the aggregator's. Nothing reads scanner-heartbeats yet.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PoisonPillsIT {

    private static final Logger log = LoggerFactory.getLogger(PoisonPillsIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final LocalHttp http = new LocalHttp(Duration.ofSeconds(10));

    @TempDir
    Path dir;

    @Test
    void aPillOnEveryTopicGoesToDeadLettersWithItsReasonAndWhatFollowsIsProcessed(EmbeddedKafkaBroker broker)
            throws Exception {
        long start = System.nanoTime();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        Topics topics = Topics.withPrefix("t-" + run + ".");
        Pipeline.ensureTopics(kafka, topics, 1, (short) 1);

        // who must dead-letter the pill of each topic
        Map<String, List<String>> readers = new TreeMap<>();
        readers.put(topics.targets().name(), List.of("aggregator"));
        readers.put(topics.scanRequests().name(), List.of("scanner"));
        readers.put(topics.observations().name(), List.of("aggregator"));
        readers.put(topics.serviceStatus().name(), List.of("aggregator", "notifier"));
        readers.put(topics.alerts().name(), List.of("aggregator", "notifier"));
        readers.put(topics.silences().name(), List.of("aggregator", "notifier"));
        readers.put(topics.acknowledgements().name(), List.of("notifier"));
        readers.put(topics.exceptions().name(), List.of("aggregator"));
        readers.put(topics.alertStates().name(), List.of("aggregator", "notifier"));

        Map<String, String> pillOffsets = new java.util.HashMap<>();
        try (LocalTlsWorld world = LocalTlsWorld.start(dir.resolve("tls"), Clock.systemUTC())) {
            Pipeline.Settings demo = DemoWorld.settings(kafka, topics, dir, world.caFile(), 0);
            Pipeline.Settings settings = new Pipeline.Settings(kafka, topics, demo.scanner(),
                    demo.worker().withGroupId("scanner-" + run), demo.aggregator().withApplicationId("aggregator-" + run),
                    demo.notifier().withApplicationId("notifier-" + run), demo.delivery());
            List<Alert> delivered = new CopyOnWriteArrayList<>();
            try (Pipeline pipeline = Pipeline.start(settings, Clock.systemUTC(), new SimpleMeterRegistry(), delivered::add);
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(),
                         new ByteArraySerializer())) {
                await("the pipeline is ready").atMost(PATIENCE).until(pipeline::isReady);
                int port = pipeline.aggregator().httpPort();

                for (String topic : readers.keySet()) {
                    // where the pill lands: service-status may already hold a zone's status, written at the first heartbeat
                    long offset = producer.send(new ProducerRecord<>(topic, "pill".getBytes(StandardCharsets.UTF_8), pill(topic)))
                            .get().offset();
                    pillOffsets.put(topic, String.valueOf(offset));
                }
                log.info("A pill on each of {} topics after {} ms", readers.size(), (System.nanoTime() - start) / 1_000_000);

                // targets -> scan-requests -> observations -> service-status -> alerts -> alert-states, all after pills
                TargetPublisher.publish(kafka, topics, DemoWorld.targets(world));
                await("each broken server fires, through the delivery that read the alerts' pill").atMost(PATIENCE)
                        .untilAsserted(() -> assertThat(delivered).filteredOn(a -> a.getState() == AlertState.FIRING)
                                .extracting(Alert::getService).contains("demo-expired", "demo-expiring", "demo-selfsigned"));
                Alert expired = delivered.stream().filter(a -> a.getService().equals("demo-expired")).findFirst().orElseThrow();
                await("the service list, which read the service-status pill, lists them").atMost(PATIENCE)
                        .until(() -> get(port, "/api/services").map(b -> b.contains("demo-expired")).orElse(false));
                await("the alert history, which read the alerts' pill, has the service's events").atMost(PATIENCE)
                        .until(() -> get(port, "/service?name=demo-expired").map(b -> b.contains("newest first</caption>"))
                                .orElse(false));
                await("the aggregator's alert states, after their pill, hold the alert").atMost(PATIENCE)
                        .until(() -> alertState(port, "demo-expired").isPresent());

                // the operator's records, each after its topic's pill
                Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                Silence silence = Silence.newBuilder().setId("s-" + run)
                        .setMatchers(List.of(Matcher.newBuilder().setName("service").setValue("demo-selfsigned").build()))
                        .setStartsAt(now.minus(Duration.ofMinutes(1))).setEndsAt(now.plus(Duration.ofHours(1)))
                        .setCreatedBy("ops").setComment("maintenance").setCreatedAt(now).build();
                Acknowledgement ack = Acknowledgement.newBuilder().setAlertId(expired.getAlertId()).setBy("ops")
                        .setAt(now).build();
                AcceptedException exception = AcceptedException.newBuilder().setId("e-" + run)
                        .setMatchers(List.of(Matcher.newBuilder().setName("service").setValue("demo-expiring").build()))
                        .setConditions(List.of(ConditionType.EXPIRING)).setReason("replaced next week")
                        .setCreatedBy("ops").setCreatedAt(now).build();
                send(producer, topics.silences(), silence.getId(), silence);
                send(producer, topics.acknowledgements(), ack.getAlertId(), ack);
                send(producer, topics.exceptions(), exception.getId(), exception);

                await("the notifier applies the silence read after its pill").atMost(PATIENCE)
                        .until(() -> alertState(port, "demo-selfsigned").filter("SILENCED"::equals).isPresent());
                await("the notifier applies the acknowledgement read after its pill").atMost(PATIENCE)
                        .until(() -> alertState(port, "demo-expired").filter("ACKNOWLEDGED"::equals).isPresent());
                await("the aggregator holds the silence read after its pill").atMost(PATIENCE)
                        .until(() -> status(port, "/api/silences/" + silence.getId()) == 200);
                await("the aggregator holds the exception read after its pill").atMost(PATIENCE)
                        .until(() -> status(port, "/api/exceptions/" + exception.getId()) == 200);
                assertThat(pipeline.isAlive()).as("every component still runs").isTrue();
            }
        }

        List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(kafka, topics.deadLetters().name());
        Map<String, List<String>> byTopic = deadLetters.stream().collect(Collectors.groupingBy(
                r -> DeadLetters.header(r.headers(), DeadLetters.SOURCE_TOPIC).orElse("?"), TreeMap::new,
                Collectors.mapping(r -> DeadLetters.header(r.headers(), DeadLetters.COMPONENT).orElse("?"),
                        Collectors.collectingAndThen(Collectors.toList(), l -> l.stream().sorted().toList()))));
        log.info("Dead letters by source topic and component: {}", byTopic);
        assertThat(byTopic).as("each reader dead-lettered each pill once").isEqualTo(readers);
        for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
            String source = DeadLetters.header(r.headers(), DeadLetters.SOURCE_TOPIC).orElseThrow();
            assertThat(r.value()).as("the pill as it was").isEqualTo(pill(source));
            assertThat(r.key()).isEqualTo("pill".getBytes(StandardCharsets.UTF_8));
            assertThat(DeadLetters.header(r.headers(), DeadLetters.ERROR)).as("the reason").get().asString().isNotBlank();
            assertThat(DeadLetters.header(r.headers(), DeadLetters.ERROR_CLASS)).isPresent();
            assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE_OFFSET)).as("the pill's offset")
                    .contains(pillOffsets.get(source));
            log.info("{} from {}: {}", DeadLetters.header(r.headers(), DeadLetters.COMPONENT).orElseThrow(), source,
                    DeadLetters.header(r.headers(), DeadLetters.ERROR).orElseThrow());
        }
        log.info("Poison pills: {} dead letters for {} topics, every reader went on; {} s in all", deadLetters.size(),
                readers.size(), (System.nanoTime() - start) / 1_000_000_000);
    }

    private static byte[] pill(String topic) {
        return ("\u0000poison pill on " + topic + " \u00ff\u00fe").getBytes(StandardCharsets.UTF_8);
    }

    private static <V> void send(KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, String key, V value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value))).get();
    }

    /** The lifecycle state the aggregator's {@code /api/alerts} shows for the service's alert. */
    private Optional<String> alertState(int port, String service) {
        return get(port, "/api/alerts?state=all&service=" + URLEncoder.encode(service, StandardCharsets.UTF_8))
                .flatMap(body -> {
                    try {
                        for (JsonNode n : JSON.readTree(body).findParents("state")) {
                            if (service.equals(n.path("service").asText())) {
                                return Optional.of(n.get("state").asText());
                            }
                        }
                        return Optional.empty();
                    } catch (IOException e) {
                        return Optional.empty();
                    }
                });
    }

    private Optional<String> get(int port, String path) {
        return http.get(port, path).filter(r -> r.statusCode() == 200).map(HttpResponse::body);
    }

    private int status(int port, String path) {
        return http.get(port, path).map(HttpResponse::statusCode).orElse(-1);
    }


    /** Every committed record of a one-partition topic. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, Object> kafka, String topic) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Function<TopicPartition, Boolean> done = p -> consumer.position(p) >= ends.get(p);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return partitions.stream().allMatch(done::apply);
            });
        }
        return out;
    }
}

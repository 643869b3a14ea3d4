package dev.certsonar.cli.pipeline;

import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.cli.run.Delivery;
import dev.certsonar.cli.run.Pipeline;
import dev.certsonar.cli.run.TargetPublisher;
import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.notifier.delivery.Routes;
import dev.certsonar.notifier.delivery.WebhookChannel;
import dev.certsonar.sandbox.http.HttpReceiver;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.worker.WorkerConfig;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link Pipeline#isAlive} turns false when any one component stops on its own, and {@link Pipeline#stopped} names it.
 * Each fault is the broker's own: a topic the component must write to refuses every record ({@code max.message.bytes}
 * smaller than any record), which no component can get past without losing the record.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PipelineLivenessIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String REFUSING = "100";

    enum Fault {
        /** The notifier's delivery to a channel cannot hand a rejected alert to alerts-undeliverable, again and again. */
        NOTIFIER_DELIVERY(Topics::alertsUndeliverable, "the notifier: the alert delivery of consumer group "),
        /** The notifier's Streams client cannot write the alert a status calls for. */
        NOTIFIER_STREAMS(Topics::alerts, "the notifier: the alert lifecycle"),
        /** The aggregator's Streams client cannot write the scan request of a new target. */
        AGGREGATOR_STREAMS(Topics::scanRequests, "the aggregator"),
        /** The scanner worker can write neither an observation nor its dead letter. */
        SCANNER_WORKER(Topics::observations, "the scanner worker");

        final Function<Topics, Topic<?, ?>> refused;
        final String named;

        Fault(Function<Topics, Topic<?, ?>> refused, String named) {
            this.refused = refused;
            this.named = named;
        }
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Fault.class)
    void thePipelineIsNoLongerAliveOnceAnyComponentStoppedOnItsOwn(Fault fault, EmbeddedKafkaBroker broker)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // a Streams client hands a record the broker refused to the dead-letter topic from the producer's own thread,
        // where it waits for metadata until max.block.ms (60 s by default) before it fails
        Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers(), "max.block.ms", 10_000);
        Topics topics = Topics.withPrefix("t-" + run + ".");
        try (Admin admin = Admin.create(kafka)) {
            List<String> refused = fault == Fault.SCANNER_WORKER
                    ? List.of(topics.observations().name(), topics.deadLetters().name())
                    : List.of(fault.refused.apply(topics).name());
            admin.createTopics(refused.stream().map(name -> new NewTopic(name, 3, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, REFUSING))).toList()).all().get(30, TimeUnit.SECONDS);
        }
        Pipeline.ensureTopics(kafka, topics, 3, (short) 1);

        try (HttpReceiver receiver = new HttpReceiver()) {
            receiver.status.set(400);
            Delivery delivery = new Delivery(List.of(new WebhookChannel("ops", receiver.url("/hook"), null,
                    Duration.ofSeconds(5), Clock.systemUTC())), Routes.toAll(List.of("ops")));
            Pipeline.Settings settings = new Pipeline.Settings(kafka, topics,
                    ScannerConfig.DEFAULT.withTimeout(Duration.ofSeconds(2)),
                    WorkerConfig.DEFAULT.withGroupId("scanner-" + run).withShutdownTimeout(Duration.ofSeconds(5)),
                    AggregatorConfig.DEFAULT.withApplicationId("aggregator-" + run).withStateDir(dir.resolve("aggregator"))
                            .withHttp("127.0.0.1", 0).withReplicationFactor(1)
                            .withPunctuationInterval(Duration.ofMillis(500)).withJitterFraction(0),
                    NotifierConfig.DEFAULT.withApplicationId("notifier-" + run).withStateDir(dir.resolve("notifier"))
                            .withDelivery(Duration.ZERO, new RetryPolicy(1, Duration.ZERO, Duration.ZERO))
                            .withDeliveryRestarts(new RetryPolicy(3, Duration.ofMillis(200), Duration.ofMillis(400))),
                    delivery);
            try (Pipeline pipeline = Pipeline.start(settings, Clock.systemUTC(), new SimpleMeterRegistry(), a -> { })) {
                await().atMost(PATIENCE).until(pipeline::isReady);
                assertThat(pipeline.isAlive()).isTrue();
                assertThat(pipeline.stopped()).isEmpty();

                trigger(fault, kafka, topics);

                await(fault + " stops on its own").atMost(PATIENCE).until(() -> !pipeline.isAlive());
                assertThat(pipeline.stopped()).get().asString().startsWith(fault.named);
            }
        }
    }

    /** The record that makes the component write to the topic that refuses it. */
    private static void trigger(Fault fault, Map<String, Object> kafka, Topics topics) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        switch (fault) {
            case NOTIFIER_DELIVERY -> send(kafka, topics.alerts().name(), topics.alerts().valueSerde(), "shop",
                    Alert.newBuilder().setAlertId("a-1").setEventId("e-1").setState(AlertState.FIRING)
                            .setSeverity(Severity.CRITICAL).setCondition(ConditionType.EXPIRED).setLevel(Severity.CRITICAL)
                            .setService("shop").setMessage("the certificate of shop expired").setAt(now).build());
            case NOTIFIER_STREAMS -> send(kafka, topics.serviceStatus().name(), topics.serviceStatus().valueSerde(), "shop",
                    ServiceStatus.newBuilder().setService("shop").setStatus(Status.EXPIRED).setUpdatedAt(now)
                            .setConditions(List.of(Condition.newBuilder().setType(ConditionType.EXPIRED)
                                    .setLevel(Severity.CRITICAL).setEndpoints(List.of("127.0.0.1:443")).setSince(now)
                                    .setConsecutive(1).setMessage("expired").build()))
                            .setEndpoints(List.of()).setProblems(List.of()).build());
            case AGGREGATOR_STREAMS -> TargetPublisher.publish(kafka, topics, List.of(target()));
            case SCANNER_WORKER -> send(kafka, topics.scanRequests().name(), topics.scanRequests().valueSerde(), "127.0.0.1",
                    ScanRequest.newBuilder().setScanId("scan-1").setTarget(target()).setRequestedAt(now).build());
        }
    }

    /** A port nothing listens on: the scan ends at once, unreachable. */
    private static Target target() {
        return Target.newBuilder().setId("tls://127.0.0.1:1").setService("closed").setHost("127.0.0.1")
                .setPorts(List.of(1)).setProtocol(Protocol.TLS).build();
    }

    private static <V> void send(Map<String, Object> kafka, String topic, Serde<V> serde, String key, V value)
            throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.copyOf(kafka),
                new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }
}

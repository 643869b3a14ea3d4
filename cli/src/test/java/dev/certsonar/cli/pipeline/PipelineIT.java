package dev.certsonar.cli.pipeline;

import dev.certsonar.cli.run.DemoWorld;
import dev.certsonar.cli.run.Pipeline;
import dev.certsonar.cli.run.TargetPublisher;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.sandbox.tls.LocalTlsWorld;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Target in, alert out: every component on a real broker, probing real local TLS servers. */
@ExtendWith(KafkaBrokerExtension.class)
class PipelineIT {

    private static final Logger log = LoggerFactory.getLogger(PipelineIT.class);
    static final String KAFKA_IMAGE = "apache/kafka:4.4.0";

    @TempDir
    Path dir;

    @Test
    void targetInAlertOutOnTheEmbeddedBroker(EmbeddedKafkaBroker broker) {
        targetInAlertOut(broker.bootstrapServers());
    }

    @Test
    void targetInAlertOutOnTheApacheKafkaImage() {
        boolean docker = dockerAvailable();
        if (!docker) {
            log.warn("Skipping the pipeline test on {}: no Docker engine answers here (Testcontainers found none)", KAFKA_IMAGE);
        }
        assumeTrue(docker, "no Docker engine answers here, so the " + KAFKA_IMAGE + " container cannot run");
        try (KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE)) {
            kafka.start();
            targetInAlertOut(kafka.getBootstrapServers());
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            log.debug("Docker check failed: {}", e.toString());
            return false;
        }
    }

    private void targetInAlertOut(String bootstrapServers) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> kafka = Map.of("bootstrap.servers", bootstrapServers);
        Topics topics = Topics.withPrefix("t-" + run + ".");
        Pipeline.ensureTopics(kafka, topics, 3, (short) 1);
        List<Alert> called = new CopyOnWriteArrayList<>();

        try (LocalTlsWorld world = LocalTlsWorld.start(dir.resolve("tls"), Clock.systemUTC())) {
            Pipeline.Settings demo = DemoWorld.settings(kafka, topics, dir, world.caFile(), 0);
            Pipeline.Settings settings = new Pipeline.Settings(kafka, topics, demo.scanner(),
                    demo.worker().withGroupId("scanner-" + run),
                    demo.aggregator().withApplicationId("aggregator-" + run),
                    demo.notifier().withApplicationId("notifier-" + run), demo.delivery());
            TargetPublisher.publish(kafka, topics, DemoWorld.targets(world));

            try (Pipeline pipeline = Pipeline.start(settings, Clock.systemUTC(), new SimpleMeterRegistry(), called::add);
                 Reader<Alert> alerts = new Reader<>(kafka, topics.alerts().name(), topics.alerts().valueSerde().deserializer());
                 Reader<ServiceStatus> statuses = new Reader<>(kafka, topics.serviceStatus().name(),
                         topics.serviceStatus().valueSerde().deserializer())) {

                await("every service has a status, the valid one OK").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                            Map<String, Status> latest = new HashMap<>();
                            statuses.poll().forEach(s -> latest.put(s.getService(), s.getStatus()));
                            assertThat(latest).containsEntry("demo-valid", Status.OK)
                                    .containsEntry("demo-expired", Status.EXPIRED)
                                    .containsEntry("demo-expiring", Status.CRITICAL)
                                    .containsEntry("demo-selfsigned", Status.INVALID);
                        });

                await("alerts for the broken certificates").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                            List<Alert> firing = alerts.poll().stream().filter(a -> a.getState() == AlertState.FIRING).toList();
                            assertThat(firing).anySatisfy(a -> {
                                assertThat(a.getService()).isEqualTo("demo-expired");
                                assertThat(a.getCondition()).isEqualTo(ConditionType.EXPIRED);
                            });
                            assertThat(firing).anySatisfy(a -> {
                                assertThat(a.getService()).isEqualTo("demo-expiring");
                                assertThat(a.getCondition()).isEqualTo(ConditionType.EXPIRING);
                                assertThat(a.getLevel()).isEqualTo(Severity.CRITICAL);
                                assertThat(a.getDaysLeft()).isBetween(2.5, 3.0);
                            });
                            assertThat(firing).anySatisfy(a -> {
                                assertThat(a.getService()).isEqualTo("demo-selfsigned");
                                assertThat(a.getCondition()).isEqualTo(ConditionType.UNTRUSTED);
                            });
                        });

                assertThat(alerts.seen()).as("no alert for the valid certificate")
                        .noneMatch(a -> a.getService().equals("demo-valid"));
                assertThat(alerts.seen()).as("no alert of the expired certificate claims it untrusted too")
                        .noneMatch(a -> a.getService().equals("demo-expired") && a.getCondition() == ConditionType.UNTRUSTED);
                await("the notifier's callback saw them too").atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(called).extracting(Alert::getService)
                                .contains("demo-expired", "demo-expiring", "demo-selfsigned")
                                .doesNotContain("demo-valid"));
                assertThat(pipeline.isReady()).isTrue();
            }
        }
    }

    /** Reads a topic from its beginning, keeping every value seen. */
    private static final class Reader<V> implements AutoCloseable {
        private final KafkaConsumer<String, V> consumer;
        private final List<V> seen = new ArrayList<>();

        Reader(Map<String, Object> kafka, String topic, org.apache.kafka.common.serialization.Deserializer<V> values) {
            Map<String, Object> props = new HashMap<>(kafka);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(props, new org.apache.kafka.common.serialization.StringDeserializer(), values);
            consumer.subscribe(List.of(topic));
        }

        List<V> poll() {
            for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.value() != null) {
                    seen.add(r.value());
                }
            }
            return List.copyOf(seen);
        }

        List<V> seen() {
            poll();
            return List.copyOf(seen);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}

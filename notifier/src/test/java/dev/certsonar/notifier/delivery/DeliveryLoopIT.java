package dev.certsonar.notifier.delivery;

import dev.certsonar.sandbox.http.HttpReceiver;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.certsonar.notifier.delivery.WebhookChannelTest.CLOCK;
import static dev.certsonar.notifier.delivery.WebhookChannelTest.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A delivery loop on a real broker with real webhook channels: it commits an alert only once it is delivered or its
 * hand-over is acknowledged, starts again from its last commit when a hand-over fails, stops for good when that keeps
 * failing, and pauses its reading when its channel holds too much. The failures are the broker's own: a topic whose
 * {@code max.message.bytes} refuses every record until the test raises it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DeliveryLoopIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Smaller than any alert or dead letter, larger than a transaction marker. */
    private static final String REFUSING = "100";
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(50));
    /** Restarts that never give up within a test. */
    private static final RetryPolicy RESTARTS = new RetryPolicy(10_000, Duration.ofMillis(100), Duration.ofMillis(200),
            Duration.ofHours(1));

    EmbeddedKafkaBroker broker;
    Topics topics;
    String group;
    Admin admin;
    HttpReceiver receiver;
    KafkaUndeliverable undeliverable;
    DeliveryLoop loop;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void setUp(EmbeddedKafkaBroker broker) throws Exception {
        this.broker = broker;
        String run = UUID.randomUUID().toString();
        topics = Topics.withPrefix("t-" + run + ".");
        group = "delivery-it-" + run;
        admin = Admin.create(broker.clientProperties());
        receiver = new HttpReceiver();
    }

    @AfterEach
    void tearDown() {
        if (loop != null) {
            loop.close();
        }
        if (undeliverable != null) {
            undeliverable.close();
        }
        receiver.close();
        admin.close();
    }

    /** Creates the topics, those named first refusing every record. */
    private void createTopics(String... refusing) throws Exception {
        List<NewTopic> refusingTopics = new ArrayList<>();
        for (String name : refusing) {
            refusingTopics.add(new NewTopic(name, 1, (short) 1).configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, REFUSING)));
        }
        if (!refusingTopics.isEmpty()) {
            admin.createTopics(refusingTopics).all().get(30, TimeUnit.SECONDS);
        }
        TopicAdmin.ensureTopics(admin, topics, 1, (short) 1);
    }

    private void accept(String topic) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1048588"), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
    }

    private DeliveryLoop start(String deadLetterTopic, Dispatcher dispatcher, DeliveryLoop.Settings settings) {
        loop = new DeliveryLoop(broker.clientProperties(), group, topics.alerts(), deadLetterTopic, dispatcher,
                a -> { }, settings, registry);
        loop.start();
        return loop;
    }

    private ChannelDispatcher webhook(Duration timeout, RetryPolicy retry) {
        undeliverable = new KafkaUndeliverable(broker.clientProperties(), topics.alertsUndeliverable());
        return new ChannelDispatcher(new WebhookChannel("ops", receiver.url("/hook"), null, timeout, CLOCK),
                a -> true, retry, undeliverable, registry);
    }

    private List<Long> sendAlerts(int count) throws Exception {
        List<Long> offsets = new ArrayList<>();
        try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(producerProps(),
                topics.alerts().keySerde().serializer(), topics.alerts().valueSerde().serializer())) {
            for (int i = 0; i < count; i++) {
                Alert a = Alert.newBuilder(alert("e-" + i)).setAlertId("a-" + i).setService("svc-" + i)
                        .setState(AlertState.FIRING).setCertificate(null).build();
                offsets.add(producer.send(new ProducerRecord<>(topics.alerts().name(), a.getService(), a)).get().offset());
            }
        }
        return offsets;
    }

    private long sendGarbage() throws Exception {
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            return raw.send(new ProducerRecord<>(topics.alerts().name(), "blog".getBytes(StandardCharsets.UTF_8),
                    "not an alert".getBytes(StandardCharsets.UTF_8))).get().offset();
        }
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> p = new HashMap<>(broker.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    /** The group's committed position on the alerts topic's one partition; 0 when it committed none. */
    private long committed() throws Exception {
        OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(new TopicPartition(topics.alerts().name(), 0));
        return o == null ? 0 : o.offset();
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast) {
        Map<String, Object> c = new HashMap<>(broker.clientProperties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return got.size() >= atLeast;
            });
        }
        return got;
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private double restarts() {
        return registry.get(DeliveryLoop.RESTARTS).tag("group", group).counter().count();
    }

    private double gauge(String name) {
        return registry.get(name).tag("group", group).gauge().value();
    }

    @Test
    void an_alert_whose_hand_over_fails_is_not_committed_past_and_is_handed_over_once_the_topic_takes_it() throws Exception {
        createTopics(topics.alertsUndeliverable().name());
        receiver.status.set(400);
        start(null, webhook(Duration.ofSeconds(5), FAST), new DeliveryLoop.Settings(Duration.ZERO, 100, RESTARTS));
        long offset = sendAlerts(1).getFirst();

        await("the loop fails on the refused hand-over and starts again").atMost(PATIENCE).until(() -> restarts() >= 2);
        assertThat(committed()).as("the position stays before the alert").isEqualTo(offset);
        assertThat(loop.isAlive()).isTrue();
        assertThat(receiver.requests).as("read again by each run").hasSizeGreaterThanOrEqualTo(2);

        accept(topics.alertsUndeliverable().name());
        await("committed once handed over").atMost(PATIENCE).until(() -> committed() == offset + 1);
        ConsumerRecord<byte[], byte[]> handedOver = readAll(topics.alertsUndeliverable().name(), 1).getFirst();
        assertThat(header(handedOver, KafkaUndeliverable.REASON_HEADER)).isEqualTo("rejected");
        assertThat(header(handedOver, KafkaUndeliverable.ERROR_HEADER)).contains("HTTP 400");
        assertThat(loop.isAlive()).isTrue();
        await().atMost(PATIENCE).until(loop::isRunning);
    }

    @Test
    void an_unreadable_alert_is_committed_only_once_its_dead_letter_is_acknowledged() throws Exception {
        createTopics(topics.deadLetters().name());
        start(topics.deadLetters().name(), Dispatcher.NONE, new DeliveryLoop.Settings(Duration.ZERO, 100, RESTARTS));
        long garbage = sendGarbage();
        long after = sendAlerts(1).getFirst();

        await("the loop fails on the refused dead letter and starts again").atMost(PATIENCE).until(() -> restarts() >= 2);
        assertThat(committed()).as("the position stays before the unreadable record").isEqualTo(garbage);

        accept(topics.deadLetters().name());
        await("committed past both once the dead letter is written").atMost(PATIENCE).until(() -> committed() == after + 1);
        ConsumerRecord<byte[], byte[]> deadLetter = readAll(topics.deadLetters().name(), 1).getFirst();
        assertThat(new String(deadLetter.value(), StandardCharsets.UTF_8)).isEqualTo("not an alert");
        assertThat(header(deadLetter, DeadLetters.COMPONENT)).isEqualTo("notifier");
    }

    @Test
    void a_loop_whose_restarts_keep_failing_stops_counts_them_and_is_no_longer_alive() throws Exception {
        createTopics(topics.alertsUndeliverable().name());
        receiver.status.set(400);
        RetryPolicy threeRuns = new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(100));
        start(null, webhook(Duration.ofSeconds(5), FAST), new DeliveryLoop.Settings(Duration.ZERO, 100, threeRuns));
        long offset = sendAlerts(1).getFirst();
        assertThat(gauge(DeliveryLoop.ALIVE)).isEqualTo(1.0);

        await("the third failed run in a row is the last").atMost(PATIENCE).until(() -> !loop.isAlive());
        assertThat(restarts()).as("two restarts after the first run").isEqualTo(2.0);
        assertThat(gauge(DeliveryLoop.ALIVE)).isZero();
        assertThat(loop.isRunning()).isFalse();
        assertThat(loop.failure()).get(InstanceOfAssertFactories.THROWABLE)
                .hasMessageContaining("neither delivered nor handed over");
        assertThat(committed()).isEqualTo(offset);
    }

    @Test
    void a_channel_that_hangs_holds_a_bounded_number_of_alerts_and_pauses_its_reading_until_it_takes_them()
            throws Exception {
        createTopics();
        receiver.hang = true;
        RetryPolicy patient = new RetryPolicy(100, Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofMinutes(5));
        Map<String, Object> props = new HashMap<>(broker.clientProperties());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5);
        undeliverable = new KafkaUndeliverable(broker.clientProperties(), topics.alertsUndeliverable());
        ChannelDispatcher dispatcher = new ChannelDispatcher(new WebhookChannel("ops", receiver.url("/hook"), null,
                Duration.ofMillis(500), CLOCK), a -> true, patient, undeliverable, registry);
        loop = new DeliveryLoop(props, group, topics.alerts(), null, dispatcher, a -> { },
                new DeliveryLoop.Settings(Duration.ZERO, 10, RESTARTS), registry);
        loop.start();
        List<Long> offsets = sendAlerts(40);

        await("the loop pauses with its channel full").atMost(PATIENCE).until(() -> gauge(DeliveryLoop.PAUSED) == 1.0);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> gauge(DeliveryLoop.UNCOMMITTED) <= 10 + 5);
        assertThat(committed()).isZero();

        receiver.hang = false;
        await("every alert delivered and committed once the receiver answers").atMost(PATIENCE)
                .until(() -> committed() == offsets.getLast() + 1);
        assertThat(gauge(DeliveryLoop.PAUSED)).isZero();
        assertThat(receiver.accepted).extracting(r -> r.header(WebhookChannel.IDEMPOTENCY_HEADER)).doesNotHaveDuplicates()
                .hasSize(40);
        assertThat(restarts()).isZero();
    }
}

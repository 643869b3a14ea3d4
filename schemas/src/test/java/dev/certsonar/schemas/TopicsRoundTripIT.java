package dev.certsonar.schemas;

import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The topics are created on a real broker and every record type goes through them and back unchanged. */
@ExtendWith(KafkaBrokerExtension.class)
class TopicsRoundTripIT {

    private static final Topics TOPICS = Topics.withPrefix("t-" + UUID.randomUUID() + ".");
    private static String bootstrap;
    private static Admin admin;

    @BeforeAll
    static void createTopics(EmbeddedKafkaBroker broker) {
        bootstrap = broker.bootstrapServers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        assertThat(TopicAdmin.ensureTopics(admin, TOPICS, 2, (short) 1)).containsExactlyInAnyOrderElementsOf(TOPICS.names());
    }

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void topicsExistWithTheirPartitionsAndCleanupPolicies() throws Exception {
        Map<String, TopicDescription> described = admin.describeTopics(TOPICS.names()).allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(described).hasSize(12);
        described.values().forEach(d -> assertThat(d.partitions()).as(d.name()).hasSize(2));

        List<ConfigResource> resources = TOPICS.names().stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        for (ConfigResource r : resources) {
            String policy = configs.get(r).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            boolean compacted = TOPICS.compacted().contains(r.name());
            assertThat(policy).as("cleanup.policy of %s", r.name()).isEqualTo(compacted ? "compact" : "delete");
        }

        assertThat(TopicAdmin.ensureTopics(admin, TOPICS, 2, (short) 1)).as("a second run creates nothing").isEmpty();
    }

    @Test
    void everyRecordTypeRoundTrips() {
        assertThat(roundTrip(TOPICS.targets(), "tls://shop.example.com:443", Samples.target())).isEqualTo(Samples.target());
        assertThat(roundTrip(TOPICS.scanRequests(), "shop.example.com", Samples.scanRequest())).isEqualTo(Samples.scanRequest());
        assertThat(roundTrip(TOPICS.observations(), "shop", Samples.observation())).isEqualTo(Samples.observation());
        assertThat(roundTrip(TOPICS.serviceStatus(), "shop", Samples.serviceStatus())).isEqualTo(Samples.serviceStatus());
        assertThat(roundTrip(TOPICS.alerts(), "shop", Samples.alert())).isEqualTo(Samples.alert());
        assertThat(roundTrip(TOPICS.alertsUndeliverable(), "shop", Samples.alert())).isEqualTo(Samples.alert());
        assertThat(roundTrip(TOPICS.silences(), "silence-1", Samples.silence())).isEqualTo(Samples.silence());
        assertThat(roundTrip(TOPICS.acknowledgements(), "alert-1", Samples.acknowledgement())).isEqualTo(Samples.acknowledgement());
        assertThat(roundTrip(TOPICS.exceptions(), "exception-1", Samples.acceptedException())).isEqualTo(Samples.acceptedException());
        assertThat(roundTrip(TOPICS.alertStates(), "alert-1", Samples.alertLifecycle())).isEqualTo(Samples.alertLifecycle());
        assertThat(roundTrip(TOPICS.scannerHeartbeats(), "scanner-dmz-1", Samples.scannerHeartbeat())).isEqualTo(Samples.scannerHeartbeat());
    }

    @Test
    void aTombstoneRoundTrips() {
        assertThat(roundTrip(TOPICS.serviceStatus(), "gone", null)).isNull();
    }

    @Test
    void aJsonTargetPublishedAsBytesIsReadAsTarget() {
        String json = "{\"service\":\"shop\",\"owner\":\"team-web\",\"host\":\"shop.example.com\",\"port\":443,"
                + "\"sni\":\"shop.example.com\",\"protocol\":\"tls\",\"labels\":{\"env\":\"prod\"},\"interval\":\"6h\"}";
        produceRaw(TOPICS.targets().name(), "shop-json", json.getBytes(StandardCharsets.UTF_8));

        ConsumerRecord<String, Target> read = consumeOne(TOPICS.targets(), "shop-json");

        Target target = TargetIds.withKey(read.key(), read.value());
        assertThat(target.getId()).isEqualTo("shop-json");
        assertThat(read.value().getId()).as("the deserializer alone knows the default id").isEqualTo("tls://shop.example.com:443#shop.example.com");
        assertThat(target.getHost()).isEqualTo("shop.example.com");
        assertThat(target.getLabels()).containsEntry("env", "prod");
        assertThat(target.getIntervalMillis()).isEqualTo(Duration.ofHours(6).toMillis());
    }

    @Test
    void anInvalidJsonTargetFailsThePollNamingTheField() {
        Topics own = Topics.withPrefix("t-" + UUID.randomUUID() + ".");
        TopicAdmin.ensureTopics(admin, own, 1, (short) 1);
        produceRaw(own.targets().name(), "bad", "{\"port\":70000}".getBytes(StandardCharsets.UTF_8));

        try (KafkaConsumer<String, Target> consumer = consumer(own.targets())) {
            assign(consumer, own.targets().name());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThatThrownBy(() -> consumer.poll(Duration.ofMillis(200)))
                            .isInstanceOf(RecordDeserializationException.class)
                            .rootCause()
                            .isInstanceOf(InvalidTargetException.class)
                            .hasMessageContaining("field 'host' is required"));
        }
    }

    @Test
    void aDeadLetterKeepsTheRecordAndSaysWhy() {
        ConsumerRecord<byte[], byte[]> bad = new ConsumerRecord<>(TOPICS.observations().name(), 1, 42L,
                "k".getBytes(StandardCharsets.UTF_8), new byte[]{1, 2, 3});
        Exception error = new org.apache.kafka.common.errors.SerializationException("cannot read Observation",
                new IllegalStateException("bad bytes"));

        ProducerRecord<byte[], byte[]> letter = DeadLetters.of(TOPICS.deadLetters().name(), bad, error, "aggregator");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(),
                TOPICS.deadLetters().keySerde().serializer(), TOPICS.deadLetters().valueSerde().serializer())) {
            producer.send(letter).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot produce to " + TOPICS.deadLetters(), e);
        }

        try (KafkaConsumer<byte[], byte[]> consumer = consumer(TOPICS.deadLetters())) {
            assign(consumer, TOPICS.deadLetters().name());
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return !got.isEmpty();
            });
            ConsumerRecord<byte[], byte[]> r = got.getFirst();
            assertThat(r.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
            assertThat(r.value()).containsExactly(1, 2, 3);
            assertThat(DeadLetters.header(r.headers(), DeadLetters.ERROR)).contains("cannot read Observation: bad bytes");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.ERROR_CLASS)).contains("org.apache.kafka.common.errors.SerializationException");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE_TOPIC)).contains(TOPICS.observations().name());
            assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE_PARTITION)).contains("1");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE_OFFSET)).contains("42");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.COMPONENT)).contains("aggregator");
        }
    }

    private static <V> V roundTrip(Topic<String, V> topic, String key, V value) {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(producerProps(),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot produce to " + topic, e);
        }
        ConsumerRecord<String, V> read = consumeOne(topic, key);
        return read.value();
    }

    private static void produceRaw(String topic, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot produce to " + topic, e);
        }
    }

    /** The first record with the key, reading the topic from the beginning. */
    private static <K, V> ConsumerRecord<K, V> consumeOne(Topic<K, V> topic, K key) {
        try (KafkaConsumer<K, V> consumer = consumer(topic)) {
            assign(consumer, topic.name());
            List<ConsumerRecord<K, V>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                }
                return !found.isEmpty();
            });
            return found.getFirst();
        }
    }

    private static <K, V> KafkaConsumer<K, V> consumer(Topic<K, V> topic) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    private static void assign(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    private static Map<String, Object> producerProps() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all");
    }
}

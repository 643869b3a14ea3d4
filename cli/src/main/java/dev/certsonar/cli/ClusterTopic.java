package dev.certsonar.cli;

import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.cli.config.ConfigException;
import dev.certsonar.schemas.Topic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One topic of the configured cluster as the command line uses it: whether it exists, writing values and tombstones
 * by key (a compacted topic is created when missing), and reading the latest value of every key from the beginning to
 * the end the topic had when reading began. The command line reads and writes with the Kafka client properties of
 * the configuration ({@code kafka.*}), so the cluster's own access rules apply to the user running it.
 */
final class ClusterTopic<V> {

    /** How long a command waits for the cluster before it gives up. */
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private final CertsonarConfig config;
    private final Topic<String, V> topic;

    ClusterTopic(CertsonarConfig config, Topic<String, V> topic) {
        this.config = config;
        this.topic = topic;
    }

    String name() {
        return topic.name();
    }

    /** Whether the topic exists; fails with a clear message when the cluster does not answer. */
    boolean exists() throws Exception {
        try (Admin admin = Admin.create(adminProperties())) {
            return await(admin.listTopics().names()).contains(topic.name());
        }
    }

    /** Writes each value under its key, in order, a null value as a tombstone; returns once the cluster has them all. */
    void put(Map<String, V> values) throws Exception {
        List<ProducerRecord<String, V>> records = new ArrayList<>();
        values.forEach((key, value) -> records.add(new ProducerRecord<>(topic.name(), key, value)));
        ensureCompacted();
        Map<String, Object> props = clientProperties();
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(props,
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (ProducerRecord<String, V> record : records) {
                sent.add(producer.send(record));
            }
            for (Future<?> future : sent) {
                await(future);
            }
        }
    }

    /** Writes the tombstones of the keys. */
    void remove(List<String> keys) throws Exception {
        Map<String, V> tombstones = new LinkedHashMap<>();
        keys.forEach(key -> tombstones.put(key, null));
        put(tombstones);
    }

    /** The compacted topic, created with the broker's default partitions and replication when missing. */
    private void ensureCompacted() throws Exception {
        try (Admin admin = Admin.create(adminProperties())) {
            if (await(admin.listTopics().names()).contains(topic.name())) {
                return;
            }
            NewTopic newTopic = new NewTopic(topic.name(), Optional.empty(), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                await(admin.createTopics(List.of(newTopic)).all());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /**
     * The latest value of every key, by key, read (committed records only) from the beginning to the end the topic had
     * when reading began; a record that cannot be read is skipped with a line on {@code err}. Empty when the topic does
     * not exist.
     */
    Map<String, V> readAll(PrintWriter err) throws Exception {
        Map<String, V> latest = new TreeMap<>();
        if (!exists()) {
            return latest;
        }
        Map<String, Object> props = clientProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Deserializer<String> keys = topic.keySerde().deserializer();
        Deserializer<V> values = topic.valueSerde().deserializer();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), KAFKA_TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, KAFKA_TIMEOUT);
            long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, KAFKA_TIMEOUT) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("reading " + topic.name() + " to its end took more than " + KAFKA_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String key = record.key() == null ? null : keys.deserialize(record.topic(), record.key());
                    if (key == null) {
                        err.println("skipped " + record.topic() + "-" + record.partition() + "@" + record.offset() + ": no key");
                    } else if (record.value() == null) {
                        latest.remove(key);
                    } else {
                        try {
                            latest.put(key, values.deserialize(record.topic(), record.value()));
                        } catch (RuntimeException unreadable) {
                            err.println("skipped " + record.topic() + "-" + record.partition() + "@" + record.offset()
                                    + " (key " + key + "): " + unreadable.getMessage());
                        }
                    }
                }
            }
        }
        return latest;
    }

    private Map<String, Object> clientProperties() {
        Map<String, Object> props = config.kafkaProperties();
        props.putIfAbsent("client.id", "certsonar-cli");
        return props;
    }

    private Map<String, Object> adminProperties() {
        Map<String, Object> props = clientProperties();
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return props;
    }

    private <T> T await(Future<T> future) throws Exception {
        try {
            return future.get(KAFKA_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ConfigException("Kafka at " + config.bootstrapServers().orElse("?") + " did not answer within "
                    + KAFKA_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new ConfigException("Kafka at " + config.bootstrapServers().orElse("?") + " did not answer within "
                        + KAFKA_TIMEOUT.toSeconds() + " s: " + e.getCause().getMessage());
            }
            throw e;
        }
    }
}

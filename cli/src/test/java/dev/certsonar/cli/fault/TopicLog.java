package dev.certsonar.cli.fault;

import dev.certsonar.schemas.Topic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every committed record of a topic, read from its start all the time by a thread of its own (read_committed, every
 * partition assigned, no consumer group): it goes on reading across a broker restart.
 */
final class TopicLog<V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicLog.class);

    private final List<ConsumerRecord<String, V>> records = new CopyOnWriteArrayList<>();
    private final AtomicBoolean reading = new AtomicBoolean(true);
    private final Thread reader;

    TopicLog(String bootstrap, Topic<String, V> topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        reader = Thread.ofVirtual().name("read-" + topic.name()).start(() -> {
            try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
                    topic.valueSerde().deserializer())) {
                consumer.assign(consumer.partitionsFor(topic.name(), Duration.ofSeconds(60)).stream()
                        .map(p -> new TopicPartition(topic.name(), p.partition())).toList());
                while (reading.get()) {
                    try {
                        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                    } catch (KafkaException e) {
                        log.warn("Reading {}: {}", topic.name(), e.toString());
                    }
                }
            }
        });
    }

    List<ConsumerRecord<String, V>> records() {
        return List.copyOf(records);
    }

    List<V> values() {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    int size() {
        return records.size();
    }

    /** How many records have each value of {@code key}. */
    <K> Map<K, Long> count(Function<V, K> key) {
        return records.stream().map(ConsumerRecord::value).collect(Collectors.groupingBy(key, Collectors.counting()));
    }

    @Override
    public void close() throws InterruptedException {
        reading.set(false);
        reader.join(Duration.ofSeconds(10));
    }
}

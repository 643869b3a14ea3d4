package dev.certsonar.aggregator.http;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads every partition of one topic as committed (read_committed) and follows it, on a thread of its own, handing
 * each record to a {@link Reader}: how every instance of the aggregator holds the whole of a topic in memory (the
 * service list, the alert history). Not a consumer group: it assigns itself every partition and commits nothing; where
 * it begins is the reader's choice.
 */
public final class TopicFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);

    /** What is done with the topic. */
    public interface Reader {
        /** Seeks every partition to where reading begins. */
        void begin(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions);

        void record(ConsumerRecord<String, byte[]> record);

        /** After each poll and its records. */
        default void polled(KafkaConsumer<String, byte[]> consumer) {
        }
    }

    private final String topic;
    private final String what;
    private final Reader reader;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param what the words for what stops when reading fails ("lists and searches no longer change")
     */
    public TopicFollower(Map<String, Object> kafkaProps, String topic, String clientId, String what, Reader reader) {
        this.topic = topic;
        this.what = what;
        this.reader = reader;
        Map<String, Object> props = new HashMap<>();
        ConsumerConfig.configNames().forEach(name -> {
            if (kafkaProps.containsKey(name)) {
                props.put(name, kafkaProps.get(name));
            }
        });
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().name(clientId).daemon().unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            reader.begin(consumer, partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    reader.record(r);
                }
                reader.polled(consumer);
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("Reading {} stopped: {}", topic, what, e);
            }
        } catch (RuntimeException e) {
            log.error("Reading {} stopped: {}", topic, what, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Stops reading; waits up to 10 seconds for the thread. */
    @Override
    public void close() {
        running = false;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

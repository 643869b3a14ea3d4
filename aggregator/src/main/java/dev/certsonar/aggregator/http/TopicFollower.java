package dev.certsonar.aggregator.http;

import dev.certsonar.schemas.DeadLetters;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads every partition of one topic as committed (read_committed) and follows it, on a thread of its own, handing
 * each record to a {@link Reader}: how every instance of the aggregator holds the whole of a topic in memory (the
 * service list, the alert history). Not a consumer group: it assigns itself every partition and commits nothing; where
 * it begins is the reader's choice.
 *
 * <p>A record the reader cannot read (it throws a {@link SerializationException}) is counted and skipped, and goes to
 * the dead-letter topic with the reason when it arrived after this follower started; one that was there before (read
 * again at each start) is only logged, so a restart does not write its dead letter again. Other readers of these topics
 * (the notifier) dead-letter the same record under their own name ({@link DeadLetters#COMPONENT}).
 */
public final class TopicFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);

    /** What is done with the topic. */
    public interface Reader {
        /** Seeks every partition to where reading begins. */
        void begin(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions);

        /** @throws SerializationException when the record cannot be read; it is then skipped and dead-lettered */
        void record(ConsumerRecord<byte[], byte[]> record);

        /** After each poll and its records. */
        default void polled(KafkaConsumer<byte[], byte[]> consumer) {
        }
    }

    private final String topic;
    private final String what;
    private final Reader reader;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final String deadLetterTopic;
    private final String component;
    private final Map<String, Object> producerProps = new HashMap<>();
    private final AtomicLong unreadable = new AtomicLong();
    private KafkaProducer<byte[], byte[]> deadLetters;
    private Map<TopicPartition, Long> startEnds = Map.of();
    private volatile boolean running = true;

    /**
     * @param what            the words for what stops when reading fails ("lists and searches no longer change")
     * @param deadLetterTopic where records the reader cannot read go
     * @param component       the name the dead letters carry ({@link DeadLetters#COMPONENT})
     */
    public TopicFollower(Map<String, Object> kafkaProps, String topic, String clientId, String what, Reader reader,
                         String deadLetterTopic, String component) {
        this.topic = topic;
        this.what = what;
        this.reader = reader;
        this.deadLetterTopic = deadLetterTopic;
        this.component = component;
        Map<String, Object> props = new HashMap<>();
        ConsumerConfig.configNames().forEach(name -> {
            if (kafkaProps.containsKey(name)) {
                props.put(name, kafkaProps.get(name));
            }
        });
        ProducerConfig.configNames().forEach(name -> {
            if (kafkaProps.containsKey(name)) {
                producerProps.put(name, kafkaProps.get(name));
            }
        });
        producerProps.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-dead-letters");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
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
            startEnds = consumer.endOffsets(partitions);
            reader.begin(consumer, partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    try {
                        reader.record(r);
                    } catch (SerializationException e) {
                        unreadable(r, e);
                    }
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
            if (deadLetters != null) {
                deadLetters.close(Duration.ofSeconds(5));
            }
        }
    }

    /** Records skipped because the reader could not read them. */
    public long unreadable() {
        return unreadable.get();
    }

    /** Counts and logs an unreadable record, and dead-letters it when it arrived after the start. */
    private void unreadable(ConsumerRecord<byte[], byte[]> r, SerializationException error) {
        unreadable.incrementAndGet();
        long end = startEnds.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L);
        if (r.offset() < end) {
            log.warn("Skipping an unreadable record at {}-{}@{}, there before this start (its dead letter was written "
                    + "when it was first read): {}", r.topic(), r.partition(), r.offset(), error.getMessage());
            return;
        }
        log.warn("Unreadable record at {}-{}@{} goes to {}: {}", r.topic(), r.partition(), r.offset(), deadLetterTopic,
                error.getMessage());
        try {
            if (deadLetters == null) {
                deadLetters = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
            }
            deadLetters.send(DeadLetters.of(deadLetterTopic, r, error, component)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.error("The dead letter of {}-{}@{} could not be written to {}; the record stays on its topic", r.topic(),
                    r.partition(), r.offset(), deadLetterTopic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

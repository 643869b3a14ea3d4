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
 * <p>Reading that fails (the brokers not answering at the start, a broken connection) is tried again after 1 s,
 * doubling up to a minute; after {@value #UNHEALTHY_AFTER} failures in a row the follower is no longer
 * {@link #healthy()}, which the aggregator's liveness reports, until a read works again.
 *
 * <p>A record the reader cannot read (it throws a {@link SerializationException}, or fails in another way) is counted and skipped, and goes to
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
    private final AtomicLong failures = new AtomicLong();
    private volatile int failuresInARow;
    private final Object pauseLock = new Object();
    /** Failures in a row after which {@link #healthy()} says no (about a minute and a half of trying again). */
    static final int UNHEALTHY_AFTER = 5;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

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
            List<TopicPartition> partitions = null;
            while (running) {
                try {
                    if (partitions == null) {
                        List<TopicPartition> found = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                        consumer.assign(found);
                        startEnds = consumer.endOffsets(found);
                        reader.begin(consumer, found);
                        partitions = found;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        try {
                            reader.record(r);
                        } catch (SerializationException e) {
                            unreadable(r, e);
                        } catch (RuntimeException e) {
                            // a record the reader fails on in another way is set aside as well: the rest goes on
                            log.error("Reading the record at {}-{}@{} failed", r.topic(), r.partition(), r.offset(), e);
                            unreadable(r, e);
                        }
                    }
                    reader.polled(consumer);
                    failuresInARow = 0;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // the brokers not answering at the start, a broken connection: try again, later and later
                    failures.incrementAndGet();
                    failuresInARow++;
                    Duration backoff = backoff(failuresInARow);
                    log.error("Reading {} failed ({} in a row; {} until it works again); trying again in {}", topic,
                            failuresInARow, what, backoff, e);
                    pause(backoff);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("Reading {} stopped: {}", topic, what, e);
            }
        } catch (RuntimeException | Error e) {
            log.error("Reading {} stopped: {}", topic, what, e);
            throw e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
            if (deadLetters != null) {
                deadLetters.close(Duration.ofSeconds(5));
            }
        }
    }

    /** 1 s after the first failure, doubling up to a minute. */
    static Duration backoff(int failuresInARow) {
        long seconds = 1L << Math.min(Math.max(failuresInARow - 1, 0), 6);
        return seconds > MAX_BACKOFF.toSeconds() ? MAX_BACKOFF : Duration.ofSeconds(seconds);
    }

    private void pause(Duration d) {
        synchronized (pauseLock) {
            if (running) {
                try {
                    pauseLock.wait(d.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    /**
     * Whether the follower works: its thread runs (or has not been started, or was closed), and reading has not failed
     * {@value #UNHEALTHY_AFTER} times in a row.
     */
    public boolean healthy() {
        if (!running || thread.getState() == Thread.State.NEW) {
            return true;
        }
        return thread.isAlive() && failuresInARow < UNHEALTHY_AFTER;
    }

    /** The topic followed. */
    public String topic() {
        return topic;
    }

    /** Times reading the topic failed (and was tried again) since the start. */
    public long failures() {
        return failures.get();
    }

    /** Records skipped because the reader could not read them. */
    public long unreadable() {
        return unreadable.get();
    }

    /** Counts and logs an unreadable record, and dead-letters it when it arrived after the start. */
    private void unreadable(ConsumerRecord<byte[], byte[]> r, RuntimeException error) {
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
        synchronized (pauseLock) {
            pauseLock.notifyAll();
        }
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

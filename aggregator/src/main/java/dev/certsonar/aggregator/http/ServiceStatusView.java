package dev.certsonar.aggregator.http;

import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.avro.ServiceStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the compacted service-status topic from its start, as committed (read_committed), into a {@link ServiceIndex},
 * and follows it: every instance holds every service this way, so a list or a search never asks another instance.
 * Not a consumer group: it assigns itself every partition and commits nothing. A value it cannot read is skipped and
 * counted (it is the aggregator's own output, which the notifier reads as well); it is ready once it has read up to
 * the ends the topic had when it started.
 */
public final class ServiceStatusView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceStatusView.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final Topic<String, ServiceStatus> topic;
    private final ServiceIndex index;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final AtomicLong unreadable = new AtomicLong();
    private volatile Map<TopicPartition, Long> startEnds;
    private volatile boolean caughtUp;
    private volatile boolean running = true;

    public ServiceStatusView(Map<String, Object> kafkaProps, Topic<String, ServiceStatus> topic, ServiceIndex index) {
        this.topic = topic;
        this.index = index;
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
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "certsonar-aggregator-service-view");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().name("service-status-view").daemon().unstarted(this::run);
    }

    public synchronized void start() {
        thread.start();
    }

    /** Whether the index holds at least what the topic held when the view started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Values skipped because they could not be read. */
    public long unreadable() {
        return unreadable.get();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map((PartitionInfo p) -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            startEnds = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    apply(r);
                }
                if (!caughtUp) {
                    caughtUp = startEnds.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                    if (caughtUp) {
                        log.info("Service list holds {} services from {}", index.size(), topic.name());
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("The service list stopped reading {}", topic.name(), e);
            }
        } catch (RuntimeException e) {
            log.error("The service list stopped reading {}: lists and searches no longer change", topic.name(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        try {
            index.put(r.key(), r.value() == null ? null : topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
        } catch (SerializationException e) {
            unreadable.incrementAndGet();
            log.warn("Skipping an unreadable status of {} at {}-{}@{}: {}", r.key(), r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
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

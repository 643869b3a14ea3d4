package dev.certsonar.aggregator.http;

import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.avro.ServiceStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Reads the compacted service-status topic from its start, as committed, into a {@link ServiceIndex}, and follows it
 * ({@link TopicFollower}): every instance holds every service this way, so a list or a search never asks another
 * instance. A value it cannot read is skipped, counted and dead-lettered as {@link TopicFollower} says; it is ready once
 * it has read up to the ends the topic had when it started.
 */
public final class ServiceStatusView implements AutoCloseable, TopicFollower.Reader {

    private static final Logger log = LoggerFactory.getLogger(ServiceStatusView.class);

    private final Topic<String, ServiceStatus> topic;
    private final ServiceIndex index;
    private final TopicFollower follower;
    private volatile Map<TopicPartition, Long> startEnds;
    private volatile boolean caughtUp;

    /**
     * @param deadLetterTopic where values it cannot read go
     * @param component       the name its dead letters carry
     */
    public ServiceStatusView(Map<String, Object> kafkaProps, Topic<String, ServiceStatus> topic, ServiceIndex index,
                             String deadLetterTopic, String component) {
        this.topic = topic;
        this.index = index;
        this.follower = new TopicFollower(kafkaProps, topic.name(), "certsonar-aggregator-service-view",
                "lists and searches no longer change", this, deadLetterTopic, component);
    }

    public void start() {
        follower.start();
    }

    /** Whether the index holds at least what the topic held when the view started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Values skipped because they could not be read. */
    public long unreadable() {
        return follower.unreadable();
    }

    @Override
    public void begin(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        consumer.seekToBeginning(partitions);
        startEnds = consumer.endOffsets(partitions);
    }

    @Override
    public void polled(KafkaConsumer<byte[], byte[]> consumer) {
        if (!caughtUp) {
            caughtUp = startEnds.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            if (caughtUp) {
                log.info("Service list holds {} services from {}", index.size(), topic.name());
            }
        }
    }

    @Override
    public void record(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        String service = topic.keySerde().deserializer().deserialize(r.topic(), r.key());
        index.put(service, r.value() == null ? null : topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
    }

    @Override
    public void close() {
        follower.close();
    }

    /** Whether reading the topic works (see {@link TopicFollower#healthy()}). */
    public boolean healthy() {
        return follower.healthy();
    }

    /** The follower of the topic, for its health and failures; null when there is none. */
    public TopicFollower follower() {
        return follower;
    }
}

package dev.certsonar.scanner.worker;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The offsets of the assigned partitions ({@link PartitionProgress} each) and their commits. A partition's offset is
 * committed only once every request before it is finished (its output acknowledged by the broker, or none needed), and
 * only when it moved past what was committed already. A partition whose output failed starts over from the failed
 * request. Used by the consumer's thread; the requests' threads report through {@link PartitionProgress}.
 */
final class OffsetTracker {

    private static final Logger log = LoggerFactory.getLogger(OffsetTracker.class);

    private final Map<TopicPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final Duration commitInterval;
    private long lastCommitNanos = System.nanoTime();

    /** @param commitInterval how often {@link #commitAsyncWhenDue} commits */
    OffsetTracker(Duration commitInterval) {
        this.commitInterval = commitInterval;
    }

    /** The partitions are (again) read from their committed offsets, or from the start: nothing of them is polled yet. */
    void startOver(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            progress.put(tp, new PartitionProgress(tp));
        }
    }

    /** The partitions are no longer this worker's. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            progress.remove(tp);
            committed.remove(tp);
        }
    }

    Set<TopicPartition> partitions() {
        return Set.copyOf(progress.keySet());
    }

    /** The record was polled; its partition's progress, to report its start and end to. */
    PartitionProgress polled(ConsumerRecord<?, ?> record) {
        PartitionProgress p = progress.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), PartitionProgress::new);
        p.polled(record.offset());
        return p;
    }

    /**
     * The partitions whose output failed, each started over, with the offset to read it again from (empty when nothing
     * of it had been polled).
     */
    Map<TopicPartition, OptionalLong> takeFailed() {
        Map<TopicPartition, OptionalLong> failed = new HashMap<>();
        for (PartitionProgress p : List.copyOf(progress.values())) {
            if (p.hasFailed()) {
                failed.put(p.partition(), p.committable());
                progress.put(p.partition(), new PartitionProgress(p.partition()));
            }
        }
        return failed;
    }

    /** Commits, without waiting, what moved on since the last commit, once the commit interval has passed. */
    void commitAsyncWhenDue(Consumer<?, ?> consumer) {
        if (System.nanoTime() - lastCommitNanos < commitInterval.toNanos()) {
            return;
        }
        lastCommitNanos = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = advanced(progress.keySet());
        if (offsets.isEmpty()) {
            return;
        }
        consumer.commitAsync(offsets, (done, error) -> {
            if (error != null) {
                log.warn("Commit of {} failed; the next one covers it: {}", offsets, error.toString());
            } else {
                done.forEach((tp, o) -> {
                    if (progress.containsKey(tp)) {
                        committed.merge(tp, o.offset(), Math::max);
                    }
                });
            }
        });
    }

    /** Commits what moved on in the partitions, waiting at most {@code timeout}; a failed commit is logged. */
    void commitSync(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, Duration timeout) {
        Map<TopicPartition, OffsetAndMetadata> offsets = advanced(partitions);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, timeout);
            offsets.forEach((tp, o) -> committed.merge(tp, o.offset(), Math::max));
            log.debug("Committed {}", offsets);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("Commit of {} failed; those requests will be scanned again: {}", offsets, e.toString());
        }
    }

    /** The committable offsets of the partitions that moved past their last commit. */
    Map<TopicPartition, OffsetAndMetadata> advanced(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionProgress p = progress.get(tp);
            if (p == null) {
                continue;
            }
            OptionalLong offset = p.committable();
            if (offset.isPresent() && offset.getAsLong() > committed.getOrDefault(tp, -1L)) {
                offsets.put(tp, new OffsetAndMetadata(offset.getAsLong()));
            }
        }
        return offsets;
    }

    /** Waits until no started request of the partitions is running; false when the time ran out first. */
    boolean awaitIdle(Collection<TopicPartition> partitions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (TopicPartition tp : partitions) {
                PartitionProgress p = progress.get(tp);
                if (p != null && !p.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

package dev.certsonar.notifier.delivery;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The records a delivery loop read and may not commit yet, per partition in the order read, each with its completion.
 * A partition's position moves past a record only once it and every record before it are done, so a record whose
 * delivery or hand-over failed is never committed past. Used by the loop's thread only; {@link #size} may be read by
 * any thread.
 */
final class Uncommitted {

    private record Entry(long offset, CompletableFuture<Void> done) {
    }

    private final Map<TopicPartition, ArrayDeque<Entry>> byPartition = new HashMap<>();
    private volatile int size;

    void add(TopicPartition partition, long offset, CompletableFuture<Void> done) {
        byPartition.computeIfAbsent(partition, p -> new ArrayDeque<>()).add(new Entry(offset, done));
        size++;
    }

    /** Records read and not yet committable. */
    int size() {
        return size;
    }

    /**
     * What may be committed now: per partition, the position after the run of done records at its start, which it
     * forgets; and the failure of the first record not committable, when it was neither delivered nor handed over, so
     * the position must stay before it.
     */
    Progress committable() {
        return committable(byPartition.keySet());
    }

    /** As {@link #committable()}, for some partitions only. */
    Progress committable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        RuntimeException failure = null;
        for (TopicPartition partition : partitions) {
            ArrayDeque<Entry> entries = byPartition.get(partition);
            long next = -1;
            while (entries != null && !entries.isEmpty() && entries.peek().done().isDone()) {
                Entry first = entries.peek();
                if (first.done().isCompletedExceptionally()) {
                    Throwable cause = first.done().exceptionNow();
                    failure = failure != null ? failure : new IllegalStateException("the alert at " + partition
                            + " offset " + first.offset() + " was neither delivered nor handed over: "
                            + cause.getMessage(), cause);
                    break;
                }
                next = first.offset() + 1;
                entries.poll();
                size--;
            }
            if (next >= 0) {
                offsets.put(partition, new OffsetAndMetadata(next));
            }
        }
        return new Progress(offsets, failure);
    }

    /**
     * @param offsets the positions to commit, by partition
     * @param failure why a partition cannot move further, or null
     */
    record Progress(Map<TopicPartition, OffsetAndMetadata> offsets, RuntimeException failure) {
    }

    /** Forgets the records of partitions this loop no longer reads; whoever reads them next reads them again. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            ArrayDeque<Entry> entries = byPartition.remove(partition);
            if (entries != null) {
                size -= entries.size();
            }
        }
    }

    /** Completes once every record read so far is done, normally or not. */
    CompletableFuture<Void> allDone() {
        return CompletableFuture.allOf(byPartition.values().stream().flatMap(ArrayDeque::stream)
                .map(Entry::done).distinct().toArray(CompletableFuture[]::new));
    }
}

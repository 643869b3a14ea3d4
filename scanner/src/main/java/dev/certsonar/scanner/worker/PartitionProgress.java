package dev.certsonar.scanner.worker;

import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.NavigableSet;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Offsets of one assigned partition: which polled records are still unfinished, and so which offset may be committed.
 * The committable offset is the lowest unfinished one, or the one after the last polled record when all are finished:
 * only contiguous completed records are ever committed, so a crash loses no request.
 * <p>
 * {@link #polled} and {@link #committable} are called by the consumer thread; {@link #started} and {@link #finished}
 * by any thread.
 */
final class PartitionProgress {

    private final TopicPartition partition;
    private final NavigableSet<Long> unfinished = new ConcurrentSkipListSet<>();
    private volatile long next = -1;
    private int running;
    private volatile long failedAt = -1;

    PartitionProgress(TopicPartition partition) {
        this.partition = partition;
    }

    TopicPartition partition() {
        return partition;
    }

    void polled(long offset) {
        unfinished.add(offset);
        next = Math.max(next, offset + 1);
    }

    synchronized void started() {
        running++;
    }

    /** The record at {@code offset} is done: its output is acknowledged, or it needed none. */
    void finished(long offset, boolean wasStarted) {
        unfinished.remove(offset);
        if (wasStarted) {
            synchronized (this) {
                running--;
                notifyAll();
            }
        }
    }

    /** The output of the record at {@code offset} could not be written: the partition must be read again from there. */
    void failed(long offset) {
        synchronized (this) {
            if (failedAt < 0 || offset < failedAt) {
                failedAt = offset;
            }
            running--;
            notifyAll();
        }
    }

    boolean hasFailed() {
        return failedAt >= 0;
    }

    /** The offset to commit: every record before it is done. Empty before anything was polled. */
    OptionalLong committable() {
        long polledUpTo = next;
        if (polledUpTo < 0) {
            return OptionalLong.empty();
        }
        Long lowest = unfinished.ceiling(Long.MIN_VALUE);
        return OptionalLong.of(lowest == null ? polledUpTo : lowest);
    }

    synchronized int running() {
        return running;
    }

    /** Waits until no started record of this partition is running; false when the time ran out first. */
    synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}

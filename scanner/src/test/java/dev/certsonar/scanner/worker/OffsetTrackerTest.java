package dev.certsonar.scanner.worker;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);

    private final OffsetTracker offsets = new OffsetTracker(Duration.ofMillis(500));

    private PartitionProgress poll(TopicPartition tp, long offset) {
        PartitionProgress p = offsets.polled(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, null, new byte[0]));
        p.started();
        return p;
    }

    @Test
    void eachPartitionCommitsUpToItsLowestUnfinishedRequest() {
        offsets.startOver(List.of(P0, P1));
        assertThat(offsets.advanced(offsets.partitions())).as("nothing polled yet").isEmpty();

        PartitionProgress p0 = poll(P0, 10);
        poll(P0, 11);
        PartitionProgress p1 = poll(P1, 4);
        p0.finished(11, true);
        p1.finished(4, true);

        assertThat(offsets.advanced(offsets.partitions())).containsExactlyInAnyOrderEntriesOf(Map.of(
                P0, new OffsetAndMetadata(10), P1, new OffsetAndMetadata(5)));
        p0.finished(10, true);
        assertThat(offsets.advanced(List.of(P0))).containsExactlyEntriesOf(Map.of(P0, new OffsetAndMetadata(12)));
    }

    @Test
    void aFailedPartitionStartsOverFromTheFailedRequest() {
        offsets.startOver(List.of(P0, P1));
        PartitionProgress p0 = poll(P0, 20);
        poll(P0, 21);
        PartitionProgress p1 = poll(P1, 3);
        p0.failed(21);
        p0.finished(20, true);
        p1.finished(3, true);

        assertThat(offsets.takeFailed()).containsExactlyEntriesOf(Map.of(P0, OptionalLong.of(21)));
        assertThat(offsets.takeFailed()).as("taken once").isEmpty();
        assertThat(offsets.advanced(offsets.partitions())).as("the failed partition has nothing to commit until it is polled again")
                .containsExactlyEntriesOf(Map.of(P1, new OffsetAndMetadata(4)));
    }

    @Test
    void forgottenPartitionsAreNeitherCommittedNorAwaited() {
        offsets.startOver(List.of(P0, P1));
        poll(P0, 1);
        offsets.forget(List.of(P0));

        assertThat(offsets.partitions()).containsExactly(P1);
        assertThat(offsets.advanced(List.of(P0, P1))).isEmpty();
        assertThat(offsets.awaitIdle(List.of(P0, P1), Duration.ofMillis(10))).isTrue();
    }

    @Test
    void awaitIdleWaitsForTheRunningRequestsOfThePartitions() {
        offsets.startOver(List.of(P0));
        PartitionProgress p0 = poll(P0, 1);
        assertThat(offsets.awaitIdle(List.of(P0), Duration.ofMillis(50))).isFalse();

        Thread.ofVirtual().start(() -> p0.finished(1, true));
        assertThat(offsets.awaitIdle(List.of(P0), Duration.ofSeconds(10))).isTrue();
    }
}

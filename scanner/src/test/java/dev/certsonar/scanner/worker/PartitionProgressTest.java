package dev.certsonar.scanner.worker;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionProgressTest {

    private final PartitionProgress progress = new PartitionProgress(new TopicPartition("t", 0));

    @Test
    void nothingToCommitBeforeAnythingWasPolled() {
        assertThat(progress.committable()).isEmpty();
    }

    @Test
    void commitsOnlyUpToTheLowestUnfinishedOffset() {
        for (long offset = 10; offset < 15; offset++) {
            progress.polled(offset);
            progress.started();
        }
        assertThat(progress.committable()).hasValue(10);

        progress.finished(11, true);
        progress.finished(12, true);
        assertThat(progress.committable()).as("10 still runs").hasValue(10);

        progress.finished(10, true);
        assertThat(progress.committable()).as("10..12 done, 13 not").hasValue(13);

        progress.finished(14, true);
        progress.finished(13, true);
        assertThat(progress.committable()).as("all done: the offset after the last polled").hasValue(15);
    }

    @Test
    void aFailedRecordHoldsTheCommitAndMarksThePartition() {
        progress.polled(0);
        progress.started();
        progress.polled(1);
        progress.started();
        progress.failed(0);
        progress.finished(1, true);

        assertThat(progress.hasFailed()).isTrue();
        assertThat(progress.committable()).hasValue(0);
        assertThat(progress.running()).isZero();
    }

    @Test
    void awaitIdleWaitsForRunningRecordsAndGivesUpAtTheTimeout() throws Exception {
        progress.polled(0);
        progress.started();
        assertThat(progress.awaitIdle(Duration.ofMillis(50))).isFalse();

        Thread.ofVirtual().start(() -> progress.finished(0, true));
        assertThat(progress.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }
}

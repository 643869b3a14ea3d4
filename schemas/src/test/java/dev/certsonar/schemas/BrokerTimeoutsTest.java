package dev.certsonar.schemas;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerTimeoutsTest {

    @Test
    void aTimeoutWaitingForTheBrokersCountsWhereverItIsInTheCauses() {
        assertThat(BrokerTimeouts.causedBy(new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)")))
                .isTrue();
        assertThat(BrokerTimeouts.causedBy(new StreamsException(new TimeoutException("Topic t not present in metadata"))))
                .isTrue();
    }

    @Test
    void theProducerRefusingToGoOnAfterACommitThatTimedOutCounts() {
        assertThat(BrokerTimeouts.causedBy(new StreamsException(new IllegalStateException("Cannot attempt operation "
                + "`sendOffsetsToTransaction` because the previous call to `commitTransaction` timed out and must be retried"))))
                .isTrue();
    }

    @Test
    void otherFailuresDoNotCount() {
        assertThat(BrokerTimeouts.causedBy(new StreamsException(new IllegalStateException("the store is closed")))).isFalse();
        assertThat(BrokerTimeouts.causedBy(new NullPointerException())).isFalse();
        assertThat(BrokerTimeouts.causedBy(null)).isFalse();
    }
}

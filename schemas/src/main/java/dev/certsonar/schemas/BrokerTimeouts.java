package dev.certsonar.schemas;

import org.apache.kafka.common.errors.TimeoutException;

/**
 * Whether a failure of a Kafka client comes from brokers that did not answer in time, as while a broker restarts or is
 * unreachable: a Kafka Streams thread that failed so is replaced (it starts again from its last committed transaction)
 * instead of stopping the application.
 *
 * <p>A transaction's commit that times out ({@code max.block.ms}) leaves the producer waiting for that commit to be
 * retried, and Kafka Streams then calls {@code sendOffsetsToTransaction} on it, which fails with an
 * {@link IllegalStateException} saying the previous call "timed out and must be retried"; that one counts too.
 */
public final class BrokerTimeouts {

    private static final String COMMIT_TIMED_OUT = "timed out and must be retried";

    private BrokerTimeouts() {
    }

    /** Whether {@code failure} or one of its causes is a client's timeout waiting for the brokers. */
    public static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException
                    || t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains(COMMIT_TIMED_OUT)) {
                return true;
            }
        }
        return false;
    }
}

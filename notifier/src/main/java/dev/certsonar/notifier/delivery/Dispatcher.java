package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;

import java.util.concurrent.CompletableFuture;

/**
 * Takes alerts read from the alerts topic and gets them to their channels without holding up the reader:
 * {@link #dispatch} returns at once with the alert's completion, which completes once the alert is delivered or
 * handed over for good (or at once when no route takes it), and completes exceptionally when it could be neither, so
 * the reader never commits past it. Alerts dispatched between two {@link #flush}es may go out together.
 */
public interface Dispatcher extends AutoCloseable {

    /** Delivers nothing: for a reader that only hands alerts to a callback. */
    Dispatcher NONE = new Dispatcher() {
        @Override
        public CompletableFuture<Void> dispatch(Alert alert) {
            return DONE;
        }

        @Override
        public void flush() {
        }

        @Override
        public void abandon() {
        }

        @Override
        public void close() {
        }
    };

    /** The completion of an alert there is nothing to do for. */
    CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** Called by the reader's thread only. */
    CompletableFuture<Void> dispatch(Alert alert);

    /** Sends what was dispatched since the last flush; returns without waiting for it. */
    void flush();

    /**
     * Gives up on everything dispatched and not yet done, completing it exceptionally with {@link DeliveryStopped}:
     * the reader stopped and reads it again from its last commit. The dispatcher takes new alerts afterwards.
     */
    void abandon();

    @Override
    void close();
}

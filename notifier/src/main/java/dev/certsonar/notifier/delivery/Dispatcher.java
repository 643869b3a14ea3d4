package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;

/**
 * Takes alerts read from the alerts topic and gets them to their channels. {@link #dispatch} may return before the
 * channels have them (grouping, retries); {@link #flush} returns once everything dispatched so far is delivered or
 * handed over for good, so the reader may commit its position.
 */
public interface Dispatcher extends AutoCloseable {

    /** Delivers nothing: for a reader that only hands alerts to a callback. */
    Dispatcher NONE = new Dispatcher() {
        @Override
        public void dispatch(Alert alert) {
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    void dispatch(Alert alert);

    void flush();

    @Override
    void close();
}

package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;

import java.util.Locale;

/**
 * Where an alert goes that a channel did not take after the last try: never to the floor. {@link #accept} returns
 * only once the alert is safe there, and throws when it is not, so the reader never commits past an alert that is
 * neither delivered nor handed over.
 */
@FunctionalInterface
public interface Undeliverable {

    /** Why a channel gave up on a notification. */
    enum Reason {
        /** The receiver refused it in a way another try would not change (a 4xx, a malformed message). */
        REJECTED,
        /** Every try the channel's retry policy allows failed. */
        ATTEMPTS_SPENT,
        /** The next try would have started after the channel's retry budget. */
        BUDGET_SPENT;

        /** The reason as it is written in the {@code certsonar.reason} header: {@code budget_spent}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    void accept(Alert alert, String channel, int attempts, Reason reason, Throwable lastError);
}

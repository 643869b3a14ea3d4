package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;

/** Where an alert goes that a channel did not take after the last try: never to the floor. */
@FunctionalInterface
public interface Undeliverable {

    void accept(Alert alert, String channel, int attempts, Throwable lastError);
}

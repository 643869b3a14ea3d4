package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;

import java.util.List;

/** Chooses the channels an alert goes to. */
@FunctionalInterface
public interface Router {

    List<Channel> channelsFor(Alert alert);

    /** Every alert to every one of {@code channels}. */
    static Router all(List<Channel> channels) {
        List<Channel> copy = List.copyOf(channels);
        return alert -> copy;
    }
}

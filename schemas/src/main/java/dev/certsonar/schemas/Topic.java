package dev.certsonar.schemas;

import org.apache.kafka.common.serialization.Serde;

import java.util.Objects;

/**
 * A topic: its full name and the serdes of its keys and values.
 *
 * @param name       full topic name, prefix included
 * @param keySerde   serde of the record keys
 * @param valueSerde serde of the record values
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }

    @Override
    public String toString() {
        return name;
    }
}

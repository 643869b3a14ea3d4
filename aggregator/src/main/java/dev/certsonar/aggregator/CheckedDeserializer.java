package dev.certsonar.aggregator;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

import java.util.Map;
import java.util.Objects;

/**
 * Reads a value with a topic's deserializer, then checks it: a value the aggregator cannot use throws a
 * {@link org.apache.kafka.common.errors.SerializationException} naming the field at fault, so that it goes to the
 * dead-letter topic with the reason as one that cannot be read does. A tombstone (null) is not checked.
 */
class CheckedDeserializer<T> implements Deserializer<T> {

    /** Checks one value read from a topic. */
    @FunctionalInterface
    interface Check<T> {
        /** @throws org.apache.kafka.common.errors.SerializationException naming the topic and the field at fault */
        void check(String topic, T value);
    }

    private final Deserializer<T> inner;
    private final Check<T> check;

    CheckedDeserializer(Deserializer<T> inner, Check<T> check) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.check = Objects.requireNonNull(check, "check");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        inner.configure(configs, isKey);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return checked(topic, inner.deserialize(topic, data));
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        return checked(topic, inner.deserialize(topic, headers, data));
    }

    private T checked(String topic, T value) {
        if (value != null) {
            check.check(topic, value);
        }
        return value;
    }

    @Override
    public void close() {
        inner.close();
    }
}

package dev.certsonar.schemas;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Records that could not be read go to the dead-letter topic as they were (key, value, headers, timestamp), with the
 * reason and origin added in headers.
 */
public final class DeadLetters {

    /** The error in words: the exception's message and those of its causes. */
    public static final String ERROR = "certsonar.error";
    /** The exception's class name. */
    public static final String ERROR_CLASS = "certsonar.error.class";
    /** Where the record came from. */
    public static final String SOURCE_TOPIC = "certsonar.source.topic";
    public static final String SOURCE_PARTITION = "certsonar.source.partition";
    public static final String SOURCE_OFFSET = "certsonar.source.offset";
    /** The component that could not read it (scanner, aggregator, notifier, ...). */
    public static final String COMPONENT = "certsonar.component";

    private static final int MAX_ERROR_LENGTH = 4000;

    private DeadLetters() {
    }

    /** The dead letter of a record that could not be read. */
    public static ProducerRecord<byte[], byte[]> of(String deadLetterTopic, ConsumerRecord<byte[], byte[]> bad,
                                                    Throwable error, String component) {
        Headers headers = new RecordHeaders();
        for (Header h : bad.headers()) {
            headers.add(h);
        }
        put(headers, ERROR, describe(error));
        put(headers, ERROR_CLASS, error.getClass().getName());
        put(headers, SOURCE_TOPIC, bad.topic());
        put(headers, SOURCE_PARTITION, String.valueOf(bad.partition()));
        put(headers, SOURCE_OFFSET, String.valueOf(bad.offset()));
        put(headers, COMPONENT, component);
        Long timestamp = bad.timestamp() >= 0 ? bad.timestamp() : null;
        return new ProducerRecord<>(deadLetterTopic, null, timestamp, bad.key(), bad.value(), headers);
    }

    /** The last value of a header as UTF-8 text, if present. */
    public static Optional<String> header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? Optional.empty() : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }

    /** The error and its causes in words: {@code message: cause message: ...}, at most 4000 characters. */
    public static String describe(Throwable error) {
        StringBuilder sb = new StringBuilder();
        String previous = null;
        int depth = 0;
        for (Throwable t = error; t != null && depth++ < 10; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (previous != null && previous.contains(m)) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append(": ");
            }
            sb.append(m);
            previous = m;
        }
        return sb.length() > MAX_ERROR_LENGTH ? sb.substring(0, MAX_ERROR_LENGTH - 3) + "..." : sb.toString();
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}

package dev.certsonar.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A target that cannot be read: invalid JSON, a missing host, a wrong type or an invalid value. A
 * {@link SerializationException}, so Kafka consumers and Streams surface it as a record that cannot be deserialized.
 */
public class InvalidTargetException extends SerializationException {

    private final String field;

    /**
     * @param field   the JSON field at fault ({@code host}, {@code ports[1]}, {@code labels.env}), or null when the
     *                document as a whole is at fault
     * @param message the problem, already naming the field
     */
    public InvalidTargetException(String field, String message) {
        super(message);
        this.field = field;
    }

    public InvalidTargetException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The JSON field at fault, or null when the document as a whole is at fault. */
    public String field() {
        return field;
    }
}

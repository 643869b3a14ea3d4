package dev.certsonar.notifier.operator;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.policy.Matchers;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * The rules of the operator's records, which the command line keeps when it writes them and the notifier when it
 * reads them: a record that breaks one is refused with an {@link InvalidValueException} naming the field, and on a
 * topic it is read as unreadable, so it goes to the dead-letter topic with the reason.
 */
public final class OperatorRecords {

    private OperatorRecords() {
    }

    /**
     * A silence: an id, matchers that keep their rules, and an end not before its start ({@code silence expire} of a
     * silence that has not started yet sets both to the time of expiry).
     */
    public static void check(Silence silence) {
        nonBlank("id", silence.getId());
        Matchers.check(silence.getMatchers());
        Instant starts = required("startsAt", silence.getStartsAt());
        Instant ends = required("endsAt", silence.getEndsAt());
        if (ends.isBefore(starts)) {
            throw new InvalidValueException("endsAt", ends + " is before startsAt (" + starts + ")");
        }
        nonBlank("createdBy", silence.getCreatedBy());
        required("comment", silence.getComment());
        required("createdAt", silence.getCreatedAt());
    }

    /** An acknowledgement: the alert's id and who is on it. */
    public static void check(Acknowledgement ack) {
        nonBlank("alertId", ack.getAlertId());
        nonBlank("by", ack.getBy());
        required("at", ack.getAt());
        required("comment", ack.getComment());
    }

    /** Whether the silence mutes at {@code at}: from its start, up to (not including) its end. */
    public static boolean active(Silence silence, Instant at) {
        return !at.isBefore(silence.getStartsAt()) && at.isBefore(silence.getEndsAt());
    }

    /** The deserializer of silences that reads a silence breaking a rule as unreadable. */
    public static Deserializer<Silence> silences(Deserializer<Silence> inner) {
        return checked(inner, OperatorRecords::check, "silence");
    }

    /** The deserializer of acknowledgements that reads one breaking a rule as unreadable. */
    public static Deserializer<Acknowledgement> acknowledgements(Deserializer<Acknowledgement> inner) {
        return checked(inner, OperatorRecords::check, "acknowledgement");
    }

    /**
     * The deserializer of the keys of an operator's topic, which reads a record without a key as unreadable: the key
     * is what names the record ({@code what}: a silence's id, the alertId of an acknowledgement).
     */
    public static Deserializer<String> requiredKeys(Deserializer<String> inner, String what) {
        return (topic, data) -> {
            if (data == null) {
                throw new SerializationException("a record without a key on " + topic + ": its key must be " + what);
            }
            return inner.deserialize(topic, data);
        };
    }

    private static String nonBlank(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidValueException(field, "missing or blank");
        }
        return value;
    }

    private static <T> T required(String field, T value) {
        if (value == null) {
            throw new InvalidValueException(field, "missing");
        }
        return value;
    }

    /** Reads with {@code inner}, then refuses a value that breaks its rules; tombstones stay tombstones. */
    private static <T> Deserializer<T> checked(Deserializer<T> inner, Consumer<T> rules, String what) {
        return (topic, data) -> {
            T value = inner.deserialize(topic, data);
            if (value != null) {
                try {
                    rules.accept(value);
                } catch (InvalidValueException e) {
                    throw new SerializationException("invalid " + what + " on " + topic + ": " + e.getMessage(), e);
                }
            }
            return value;
        };
    }
}

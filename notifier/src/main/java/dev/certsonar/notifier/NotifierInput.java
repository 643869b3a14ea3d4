package dev.certsonar.notifier;

import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Silence;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What the processors of the notifier's topology read: a service's status, a silence, an acknowledgement (the record's
 * value or null for a tombstone), and which service an alert belongs to (from {@code alert-states}).
 */
sealed interface NotifierInput {

    /** A service's status; null when the service is gone. */
    record StatusChange(ServiceStatus status) implements NotifierInput {
    }

    /** A silence was written (or deleted: null). */
    record SilenceChange(String id, Silence silence) implements NotifierInput {
    }

    /** An alert was acknowledged (or the acknowledgement withdrawn: null). */
    record AckChange(String alertId, Acknowledgement ack) implements NotifierInput {
    }

    /** The alert's state as published: it belongs to the state's service (null: the notifier forgot the alert). */
    record AlertKnown(String alertId, AlertLifecycle state) implements NotifierInput {
    }

    /**
     * The serde of the operator's changes on their way to the alert lifecycle (silence and acknowledgement changes):
     * a kind byte, the id, then the value in the Avro encoding of its topic, or a length of -1 for a tombstone.
     */
    static Serde<NotifierInput> operatorSerde(Serde<Silence> silences, Serde<Acknowledgement> acks) {
        Serializer<Silence> silenceWriter = silences.serializer();
        Serializer<Acknowledgement> ackWriter = acks.serializer();
        Deserializer<Silence> silenceReader = silences.deserializer();
        Deserializer<Acknowledgement> ackReader = acks.deserializer();
        return Serdes.serdeFrom(Layouts.serializer("an operator change", (topic, input, out) -> {
            switch (input) {
                case SilenceChange s -> {
                    out.writeByte(SILENCE);
                    out.writeUTF(s.id());
                    Layouts.writeBytes(out, silenceWriter.serialize(topic, s.silence()));
                }
                case AckChange a -> {
                    out.writeByte(ACK);
                    out.writeUTF(a.alertId());
                    Layouts.writeBytes(out, ackWriter.serialize(topic, a.ack()));
                }
                default -> throw new SerializationException("only silence and acknowledgement changes go to "
                        + topic + ", not " + input.getClass().getSimpleName());
            }
        }), Layouts.deserializer("an operator change", (topic, in) -> {
            byte kind = in.readByte();
            String id = in.readUTF();
            byte[] value = Layouts.readBytes(in);
            return switch (kind) {
                case SILENCE -> new SilenceChange(id, silenceReader.deserialize(topic, value));
                case ACK -> new AckChange(id, ackReader.deserialize(topic, value));
                default -> throw new SerializationException("unknown operator change kind " + kind + " in " + topic);
            };
        }));
    }

    /**
     * Sends a silence change to every partition, so that every task of the alert lifecycle knows every silence, and
     * an acknowledgement by its key, the alert's service, to the task that holds the alert.
     */
    final class OperatorPartitioner implements StreamPartitioner<String, NotifierInput> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, NotifierInput value, int numPartitions) {
            if (value instanceof SilenceChange) {
                return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
            }
            return Optional.empty();
        }
    }

    byte SILENCE = 1;
    byte ACK = 2;
}

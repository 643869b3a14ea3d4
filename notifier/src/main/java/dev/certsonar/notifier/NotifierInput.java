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

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
        return Serdes.serdeFrom(new OperatorSerializer(silences.serializer(), acks.serializer()),
                new OperatorDeserializer(silences.deserializer(), acks.deserializer()));
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

    record OperatorSerializer(Serializer<Silence> silences, Serializer<Acknowledgement> acks)
            implements Serializer<NotifierInput> {
        @Override
        public byte[] serialize(String topic, NotifierInput input) {
            if (input == null) {
                return null;
            }
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
                DataOutputStream out = new DataOutputStream(bytes);
                byte[] value;
                switch (input) {
                    case SilenceChange s -> {
                        out.writeByte(SILENCE);
                        out.writeUTF(s.id());
                        value = silences.serialize(topic, s.silence());
                    }
                    case AckChange a -> {
                        out.writeByte(ACK);
                        out.writeUTF(a.alertId());
                        value = acks.serialize(topic, a.ack());
                    }
                    default -> throw new SerializationException("only silence and acknowledgement changes go to "
                            + topic + ", not " + input.getClass().getSimpleName());
                }
                out.writeInt(value == null ? -1 : value.length);
                if (value != null) {
                    out.write(value);
                }
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("cannot encode an operator change for " + topic, e);
            }
        }
    }

    record OperatorDeserializer(Deserializer<Silence> silences, Deserializer<Acknowledgement> acks)
            implements Deserializer<NotifierInput> {
        @Override
        public NotifierInput deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
                byte kind = in.readByte();
                String id = in.readUTF();
                int length = in.readInt();
                byte[] value = null;
                if (length >= 0) {
                    value = new byte[length];
                    in.readFully(value);
                }
                return switch (kind) {
                    case SILENCE -> new SilenceChange(id, silences.deserialize(topic, value));
                    case ACK -> new AckChange(id, acks.deserialize(topic, value));
                    default -> throw new SerializationException("unknown operator change kind " + kind + " in " + topic);
                };
            } catch (IOException e) {
                throw new SerializationException("cannot decode an operator change from " + topic + ": " + e, e);
            }
        }
    }
}

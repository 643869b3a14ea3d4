package dev.certsonar.notifier;

import dev.certsonar.schemas.avro.Alert;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The lifecycle of one alertId in the store.
 *
 * @param phase        PENDING (held down, not yet fired) or FIRING
 * @param sequence     number of the last event emitted in this firing episode (0 = the first FIRING); -1 while pending
 * @param episodeStart when this episode started (first fired; for a pending alert, when the condition began)
 * @param dueAt        when the wall-clock check must look at it again (fire a held-down alert, or remind); -1 = never
 * @param detail       the condition in the aggregator's words, kept for reminders and resolution
 * @param alert        the alert as last emitted (FIRING) or as it will fire (PENDING); always state FIRING
 */
record AlertRecord(Phase phase, long sequence, long episodeStart, long dueAt, String detail, Alert alert) {

    enum Phase { PENDING, FIRING }

    static final long NEVER = -1L;
    private static final byte VERSION = 1;

    AlertRecord withAlert(Alert newAlert, String newDetail) {
        return new AlertRecord(phase, sequence, episodeStart, dueAt, newDetail, newAlert);
    }

    AlertRecord withDueAt(long newDueAt) {
        return new AlertRecord(phase, sequence, episodeStart, newDueAt, detail, alert);
    }

    /** The store's serde; the alert inside is written with {@code alertSerde} (the alerts topic's). */
    static Serde<AlertRecord> serde(Serde<Alert> alertSerde) {
        return Serdes.serdeFrom(new RecordSerializer(alertSerde.serializer()),
                new RecordDeserializer(alertSerde.deserializer()));
    }

    private record RecordSerializer(Serializer<Alert> alerts) implements Serializer<AlertRecord> {
        @Override
        public byte[] serialize(String topic, AlertRecord r) {
            if (r == null) {
                return null;
            }
            try {
                byte[] alertBytes = alerts.serialize(topic, r.alert());
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + alertBytes.length);
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(VERSION);
                out.writeByte(r.phase().ordinal());
                out.writeLong(r.sequence());
                out.writeLong(r.episodeStart());
                out.writeLong(r.dueAt());
                out.writeUTF(r.detail() == null ? "" : r.detail());
                out.writeInt(alertBytes.length);
                out.write(alertBytes);
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("cannot encode the alert lifecycle of " + r.alert().getAlertId(), e);
            }
        }
    }

    private record RecordDeserializer(Deserializer<Alert> alerts) implements Deserializer<AlertRecord> {
        @Override
        public AlertRecord deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
                byte version = in.readByte();
                if (version != VERSION) {
                    throw new SerializationException("alert lifecycle record of version " + version
                            + " in " + topic + "; this notifier reads version " + VERSION);
                }
                Phase phase = Phase.values()[in.readByte()];
                long sequence = in.readLong();
                long episodeStart = in.readLong();
                long dueAt = in.readLong();
                String detail = in.readUTF();
                byte[] alertBytes = new byte[in.readInt()];
                in.readFully(alertBytes);
                Alert alert = alerts.deserialize(topic, alertBytes);
                return new AlertRecord(phase, sequence, episodeStart, dueAt, detail, alert);
            } catch (IOException | RuntimeException e) {
                if (e instanceof SerializationException se) {
                    throw se;
                }
                throw new SerializationException("cannot decode an alert lifecycle record from " + topic + ": " + e, e);
            }
        }
    }
}

package dev.certsonar.notifier;

import dev.certsonar.schemas.avro.Acknowledgement;
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
import java.util.ArrayList;
import java.util.List;

/**
 * The lifecycle of one alertId in the store.
 *
 * @param phase          PENDING (held down, not yet fired), FIRING, or RESOLVED (ended, kept until it is forgotten so
 *                       that {@code alert-states} shows it)
 * @param sequence       number of the last event emitted in this firing episode (0 = the first FIRING); -1 while pending
 * @param episodeStart   when this episode started (first fired; for a pending alert, when the condition began)
 * @param dueAt          when the wall-clock check must look at it again (fire a held-down alert, remind, or forget a
 *                       resolved one); -1 = never
 * @param detail         the condition in the aggregator's words, kept for reminders and resolution
 * @param alert          the alert as last emitted (FIRING, RESOLVED) or as it will fire (PENDING). While FIRING, its
 *                       {@code silenced} says that the last FIRING event was muted, so the channels are owed one
 *                       when no silence mutes the alert any more
 * @param since          since when the condition holds
 * @param lastNotifiedAt when the channels were last given a FIRING event of this episode; -1 = not yet
 * @param silences       the ids of the silences that muted it when it was last looked at
 * @param ack            who is on it, while it fires; null when nobody said so
 * @param targets        the ids of the targets that found the endpoints it is about, for {@code target} matchers
 */
record AlertRecord(Phase phase, long sequence, long episodeStart, long dueAt, String detail, Alert alert,
                   long since, long lastNotifiedAt, List<String> silences, Acknowledgement ack, List<String> targets) {

    /** Where an alert is; the store keeps the ordinal, so new phases go last. */
    enum Phase { PENDING, FIRING, RESOLVED }

    static final long NEVER = -1L;
    /** Version 1 (earlier notifiers) ended after the alert; version 2 adds the fields from {@code since} on. */
    private static final byte VERSION_1 = 1;
    private static final byte VERSION = 2;

    AlertRecord {
        silences = List.copyOf(silences);
        targets = List.copyOf(targets);
    }

    AlertRecord withAlert(Alert newAlert, String newDetail) {
        return new AlertRecord(phase, sequence, episodeStart, dueAt, newDetail, newAlert, since, lastNotifiedAt,
                silences, ack, targets);
    }

    AlertRecord withDueAt(long newDueAt) {
        return new AlertRecord(phase, sequence, episodeStart, newDueAt, detail, alert, since, lastNotifiedAt, silences,
                ack, targets);
    }

    AlertRecord withTargets(List<String> newTargets) {
        return new AlertRecord(phase, sequence, episodeStart, dueAt, detail, alert, since, lastNotifiedAt, silences,
                ack, newTargets);
    }

    AlertRecord withSilences(List<String> newSilences) {
        return new AlertRecord(phase, sequence, episodeStart, dueAt, detail, alert, since, lastNotifiedAt, newSilences,
                ack, targets);
    }

    AlertRecord withAck(Acknowledgement newAck, long newDueAt) {
        return new AlertRecord(phase, sequence, episodeStart, newDueAt, detail, alert, since, lastNotifiedAt, silences,
                newAck, targets);
    }

    /** The store's serde; the alert and the acknowledgement inside are written with the serdes of their topics. */
    static Serde<AlertRecord> serde(Serde<Alert> alertSerde, Serde<Acknowledgement> ackSerde) {
        return Serdes.serdeFrom(new RecordSerializer(alertSerde.serializer(), ackSerde.serializer()),
                new RecordDeserializer(alertSerde.deserializer(), ackSerde.deserializer()));
    }

    private record RecordSerializer(Serializer<Alert> alerts, Serializer<Acknowledgement> acks)
            implements Serializer<AlertRecord> {
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
                out.writeLong(r.since());
                out.writeLong(r.lastNotifiedAt());
                writeTexts(out, r.silences());
                byte[] ackBytes = r.ack() == null ? null : acks.serialize(topic, r.ack());
                out.writeInt(ackBytes == null ? -1 : ackBytes.length);
                if (ackBytes != null) {
                    out.write(ackBytes);
                }
                writeTexts(out, r.targets());
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("cannot encode the alert lifecycle of " + r.alert().getAlertId(), e);
            }
        }

        private static void writeTexts(DataOutputStream out, List<String> texts) throws IOException {
            out.writeInt(texts.size());
            for (String text : texts) {
                out.writeUTF(text);
            }
        }
    }

    private record RecordDeserializer(Deserializer<Alert> alerts, Deserializer<Acknowledgement> acks)
            implements Deserializer<AlertRecord> {
        @Override
        public AlertRecord deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
                byte version = in.readByte();
                if (version != VERSION && version != VERSION_1) {
                    throw new SerializationException("alert lifecycle record of version " + version
                            + " in " + topic + "; this notifier reads versions " + VERSION_1 + " and " + VERSION);
                }
                Phase phase = Phase.values()[in.readByte()];
                long sequence = in.readLong();
                long episodeStart = in.readLong();
                long dueAt = in.readLong();
                String detail = in.readUTF();
                byte[] alertBytes = new byte[in.readInt()];
                in.readFully(alertBytes);
                Alert alert = alerts.deserialize(topic, alertBytes);
                if (version == VERSION_1) {
                    // an earlier notifier gave the channels every event it emitted, and knew neither silences nor
                    // acknowledgements; the condition's start and the targets come with the next status
                    long notified = phase == Phase.FIRING ? alert.getAt().toEpochMilli() : NEVER;
                    return new AlertRecord(phase, sequence, episodeStart, dueAt, detail, alert, episodeStart, notified,
                            List.of(), null, List.of());
                }
                long since = in.readLong();
                long lastNotifiedAt = in.readLong();
                List<String> silences = readTexts(in);
                int ackLength = in.readInt();
                Acknowledgement ack = null;
                if (ackLength >= 0) {
                    byte[] ackBytes = new byte[ackLength];
                    in.readFully(ackBytes);
                    ack = acks.deserialize(topic, ackBytes);
                }
                List<String> targets = readTexts(in);
                return new AlertRecord(phase, sequence, episodeStart, dueAt, detail, alert, since, lastNotifiedAt,
                        silences, ack, targets);
            } catch (IOException | RuntimeException e) {
                if (e instanceof SerializationException se) {
                    throw se;
                }
                throw new SerializationException("cannot decode an alert lifecycle record from " + topic + ": " + e, e);
            }
        }

        private static List<String> readTexts(DataInputStream in) throws IOException {
            int n = in.readInt();
            List<String> texts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                texts.add(in.readUTF());
            }
            return texts;
        }
    }
}

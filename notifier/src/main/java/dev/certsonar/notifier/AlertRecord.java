package dev.certsonar.notifier;

import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Alert;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

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
        Serializer<Alert> alerts = alertSerde.serializer();
        Serializer<Acknowledgement> acks = ackSerde.serializer();
        return Serdes.serdeFrom(Layouts.serializer("an alert lifecycle record", (topic, r, out) -> {
            out.writeByte(VERSION);
            out.writeByte(r.phase().ordinal());
            out.writeLong(r.sequence());
            out.writeLong(r.episodeStart());
            out.writeLong(r.dueAt());
            out.writeUTF(r.detail() == null ? "" : r.detail());
            Layouts.writeBytes(out, alerts.serialize(topic, r.alert()));
            out.writeLong(r.since());
            out.writeLong(r.lastNotifiedAt());
            Layouts.writeTexts(out, r.silences());
            Layouts.writeBytes(out, r.ack() == null ? null : acks.serialize(topic, r.ack()));
            Layouts.writeTexts(out, r.targets());
        }), Layouts.deserializer("an alert lifecycle record", reader(alertSerde.deserializer(), ackSerde.deserializer())));
    }

    /** Reads both versions: version 1 (earlier notifiers) as delivered and without the operator's state. */
    private static Layouts.TopicReader<AlertRecord> reader(Deserializer<Alert> alerts, Deserializer<Acknowledgement> acks) {
        return (topic, in) -> {
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
            Alert alert = alerts.deserialize(topic, Layouts.readBytes(in));
            if (version == VERSION_1) {
                // an earlier notifier gave the channels every event it emitted, and knew neither silences nor
                // acknowledgements; the condition's start and the targets come with the next status
                long notified = phase == Phase.FIRING ? alert.getAt().toEpochMilli() : NEVER;
                return new AlertRecord(phase, sequence, episodeStart, dueAt, detail, alert, episodeStart, notified,
                        List.of(), null, List.of());
            }
            long since = in.readLong();
            long lastNotifiedAt = in.readLong();
            List<String> silences = Layouts.readTexts(in);
            byte[] ackBytes = Layouts.readBytes(in);
            Acknowledgement ack = ackBytes == null ? null : acks.deserialize(topic, ackBytes);
            List<String> targets = Layouts.readTexts(in);
            return new AlertRecord(phase, sequence, episodeStart, dueAt, detail, alert, since, lastNotifiedAt,
                    silences, ack, targets);
        };
    }
}

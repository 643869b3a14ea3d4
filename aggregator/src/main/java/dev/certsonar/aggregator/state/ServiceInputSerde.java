package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.AvroSerdes;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The serde of the aggregator's internal service-input topic: one tag byte, then for a target
 * the id (length-prefixed UTF-8) and the target in Avro single-object encoding, for an
 * observation the observation in Avro single-object encoding, for an accepted exception its id and the exception in
 * Avro single-object encoding (nothing after the id when it was removed), for a zone's change the zone and two epoch
 * milliseconds (held since, resumed at; {@link Long#MIN_VALUE} for none).
 */
public final class ServiceInputSerde {

    private static final byte TARGET_UPSERTED = 1;
    private static final byte TARGET_REMOVED = 2;
    private static final byte OBSERVED = 3;
    private static final byte EXCEPTION_CHANGED = 4;
    private static final byte ZONE_CHANGED = 5;
    /** An instant left out, in a zone's change. */
    private static final long NONE = Long.MIN_VALUE;

    private ServiceInputSerde() {
    }

    /**
     * The serde of the observations topic as the service-state processor reads it: each value decoded into an
     * {@link ServiceInput.Observed} that keeps the bytes it was read from; a value that cannot be read throws the
     * observation serde's {@link SerializationException}.
     */
    public static Serde<ServiceInput> observations(Serde<Observation> observations) {
        Serializer<ServiceInput> serializer = (topic, input) -> switch (input) {
            case null -> null;
            case ServiceInput.Observed o -> o.encoded() != null ? o.encoded() : observations.serializer().serialize(topic, o.observation());
            default -> throw new SerializationException("Only observations are written to " + topic + ", not " + input);
        };
        Deserializer<ServiceInput> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            Observation o = observations.deserializer().deserialize(topic, bytes);
            return o == null ? null : new ServiceInput.Observed(o, bytes);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    public static Serde<ServiceInput> create() {
        Serde<Target> targets = AvroSerdes.serde(Target.class);
        Serde<Observation> observations = AvroSerdes.serde(Observation.class);
        Serde<AcceptedException> exceptions = AvroSerdes.serde(AcceptedException.class);
        Serializer<ServiceInput> serializer = (topic, input) -> input == null ? null
                : serialize(topic, input, targets, observations, exceptions);
        Deserializer<ServiceInput> deserializer = (topic, bytes) -> bytes == null ? null
                : deserialize(topic, bytes, targets, observations, exceptions);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static byte[] serialize(String topic, ServiceInput input, Serde<Target> targets, Serde<Observation> observations,
                                    Serde<AcceptedException> exceptions) {
        return switch (input) {
            case ServiceInput.TargetUpserted t -> tagged(TARGET_UPSERTED, t.targetId(), targets.serializer().serialize(topic, t.target()));
            case ServiceInput.TargetRemoved t -> tagged(TARGET_REMOVED, t.targetId(), new byte[0]);
            case ServiceInput.ExceptionChanged e -> tagged(EXCEPTION_CHANGED, e.id(),
                    e.exception() == null ? new byte[0] : exceptions.serializer().serialize(topic, e.exception()));
            case ServiceInput.ZoneChanged z -> tagged(ZONE_CHANGED, z.zone(), ByteBuffer.allocate(16)
                    .putLong(z.heldSince() == null ? NONE : z.heldSince().toEpochMilli())
                    .putLong(z.resumedAt() == null ? NONE : z.resumedAt().toEpochMilli()).array());
            case ServiceInput.Observed o -> {
                byte[] body = o.encoded() != null ? o.encoded() : observations.serializer().serialize(topic, o.observation());
                byte[] out = new byte[body.length + 1];
                out[0] = OBSERVED;
                System.arraycopy(body, 0, out, 1, body.length);
                yield out;
            }
        };
    }

    private static byte[] tagged(byte tag, String id, byte[] body) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + idBytes.length + body.length)
                .put(tag).putInt(idBytes.length).put(idBytes).put(body).array();
    }

    private static ServiceInput deserialize(String topic, byte[] bytes, Serde<Target> targets, Serde<Observation> observations,
                                            Serde<AcceptedException> exceptions) {
        if (bytes.length == 0) {
            throw new SerializationException("Empty service-input record on " + topic);
        }
        if (bytes[0] == OBSERVED) {
            byte[] body = Arrays.copyOfRange(bytes, 1, bytes.length);
            return new ServiceInput.Observed(observations.deserializer().deserialize(topic, body), body);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte tag = buffer.get();
        int idLength = buffer.getInt();
        if (idLength < 0 || idLength > buffer.remaining()) {
            throw new SerializationException("Bad id length " + idLength + " in service-input record on " + topic);
        }
        String id = new String(bytes, 5, idLength, StandardCharsets.UTF_8);
        int bodyStart = 5 + idLength;
        return switch (tag) {
            case TARGET_UPSERTED -> new ServiceInput.TargetUpserted(id,
                    targets.deserializer().deserialize(topic, Arrays.copyOfRange(bytes, bodyStart, bytes.length)));
            case TARGET_REMOVED -> new ServiceInput.TargetRemoved(id);
            case EXCEPTION_CHANGED -> new ServiceInput.ExceptionChanged(id, bodyStart == bytes.length ? null
                    : exceptions.deserializer().deserialize(topic, Arrays.copyOfRange(bytes, bodyStart, bytes.length)));
            case ZONE_CHANGED -> {
                if (bytes.length - bodyStart != 16) {
                    throw new SerializationException("A zone change of " + (bytes.length - bodyStart) + " bytes, not 16, on " + topic);
                }
                ByteBuffer times = ByteBuffer.wrap(bytes, bodyStart, 16);
                long held = times.getLong();
                long resumed = times.getLong();
                yield new ServiceInput.ZoneChanged(id, held == NONE ? null : java.time.Instant.ofEpochMilli(held),
                        resumed == NONE ? null : java.time.Instant.ofEpochMilli(resumed));
            }
            default -> throw new SerializationException("Unknown service-input tag " + tag + " on " + topic);
        };
    }
}

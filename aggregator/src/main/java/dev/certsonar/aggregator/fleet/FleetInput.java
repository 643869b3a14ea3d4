package dev.certsonar.aggregator.fleet;

import dev.certsonar.schemas.AvroSerdes;
import dev.certsonar.schemas.avro.ScannerHeartbeat;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the fleet consumes, all on one partition: a scanner's heartbeat (null when it signed off), and a target's zone
 * (null when the target is gone), so that the fleet knows which zones have targets.
 */
public sealed interface FleetInput {

    /** The key every fleet input has, so that one task holds the whole fleet. */
    String KEY = "fleet";

    /** A scanner's heartbeat; {@code heartbeat} null when it stopped cleanly. */
    record Heartbeat(String scannerId, ScannerHeartbeat heartbeat) implements FleetInput {
        public Heartbeat {
            Objects.requireNonNull(scannerId, "scannerId");
        }
    }

    /** A target's zone; {@code zone} null when the target was removed. */
    record TargetZone(String targetId, String zone) implements FleetInput {
        public TargetZone {
            Objects.requireNonNull(targetId, "targetId");
        }
    }

    /**
     * The serde of the fleet's internal topic: a tag byte, the id (length-prefixed UTF-8), then the heartbeat in Avro
     * single-object encoding or the zone in UTF-8; nothing after the id for a sign-off or a removal.
     */
    static Serde<FleetInput> serde() {
        Serde<ScannerHeartbeat> heartbeats = AvroSerdes.serde(ScannerHeartbeat.class);
        Serializer<FleetInput> serializer = (topic, input) -> switch (input) {
            case null -> null;
            case Heartbeat h -> tagged((byte) 1, h.scannerId(),
                    h.heartbeat() == null ? new byte[0] : heartbeats.serializer().serialize(topic, h.heartbeat()));
            case TargetZone t -> tagged((byte) 2, t.targetId(),
                    t.zone() == null ? new byte[0] : t.zone().getBytes(StandardCharsets.UTF_8));
        };
        Deserializer<FleetInput> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < 5) {
                throw new SerializationException("A fleet input of " + bytes.length + " bytes on " + topic);
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            byte tag = buffer.get();
            int idLength = buffer.getInt();
            if (idLength < 0 || idLength > buffer.remaining()) {
                throw new SerializationException("Bad id length " + idLength + " in a fleet input on " + topic);
            }
            String id = new String(bytes, 5, idLength, StandardCharsets.UTF_8);
            byte[] body = Arrays.copyOfRange(bytes, 5 + idLength, bytes.length);
            return switch (tag) {
                case 1 -> new Heartbeat(id, body.length == 0 ? null : heartbeats.deserializer().deserialize(topic, body));
                case 2 -> new TargetZone(id, body.length == 0 ? null : new String(body, StandardCharsets.UTF_8));
                default -> throw new SerializationException("Unknown fleet input tag " + tag + " on " + topic);
            };
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static byte[] tagged(byte tag, String id, byte[] body) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + idBytes.length + body.length)
                .put(tag).putInt(idBytes.length).put(idBytes).put(body).array();
    }
}

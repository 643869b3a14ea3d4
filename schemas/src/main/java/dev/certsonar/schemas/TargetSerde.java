package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value serde of the targets topic: writes Avro single-object encoding; reads Avro (recognised by its marker
 * {@code C3 01}) or JSON ({@link TargetJson}), so people can publish targets with any Kafka client. A deserializer does
 * not see the record key: a JSON target without an {@code id} field gets its default id, and readers that care use the
 * key ({@link TargetIds#withKey}). Null is a tombstone both ways.
 */
public final class TargetSerde implements Serde<Target> {

    private final AvroSerde<Target> avro = AvroSerdes.serde(Target.class);

    /** Reads a targets-topic value: Avro single-object or JSON. */
    public Target decode(String key, byte[] data) {
        if (data == null) {
            return null;
        }
        if (AvroSerde.isSingleObject(data)) {
            return TargetIds.withKey(key, avro.decode(data));
        }
        return TargetJson.fromJson(key, data);
    }

    public byte[] encode(Target target) {
        return avro.encode(target);
    }

    @Override
    public Serializer<Target> serializer() {
        return (topic, target) -> encode(target);
    }

    @Override
    public Deserializer<Target> deserializer() {
        return (topic, data) -> {
            try {
                return decode(null, data);
            } catch (InvalidTargetException e) {
                throw new InvalidTargetException(e.field(), "topic " + topic + ": " + e.getMessage(), e);
            } catch (SerializationException e) {
                throw new SerializationException("topic " + topic + ": " + e.getMessage(), e.getCause());
            }
        };
    }
}

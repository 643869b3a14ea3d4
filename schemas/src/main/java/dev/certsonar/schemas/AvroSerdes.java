package dev.certsonar.schemas;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

import java.util.Collection;
import java.util.List;

/** Serdes of the generated record types in Avro single-object encoding. */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    /**
     * The serde of a generated record type: writes with the current schema, reads the current schema and every frozen
     * version (resolved by fingerprint). A value that cannot be read gives a
     * {@link org.apache.kafka.common.errors.SerializationException} saying what was found.
     */
    public static <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type) {
        return new AvroSerde<>(type, List.of());
    }

    /** As {@link #serde(Class)}, also reading values written with the given schemas (a newer writer's, for example). */
    public static <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type, Collection<Schema> additionalWriterSchemas) {
        return new AvroSerde<>(type, List.copyOf(additionalWriterSchemas));
    }
}

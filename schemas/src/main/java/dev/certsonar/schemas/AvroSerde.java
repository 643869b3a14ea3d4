package dev.certsonar.schemas;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A Kafka serde of one generated record type in Avro single-object encoding: the marker {@code C3 01}, the writer
 * schema's CRC-64-AVRO fingerprint (8 bytes, little-endian), then the binary body. It writes with the current schema and
 * reads any writer schema of its {@link AvroSchemaStore} (the current one and every frozen version), resolving it to the
 * current schema. Null is a tombstone both ways. Thread-safe.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    /** The two marker bytes that open every single-object encoded value. */
    public static final byte MARKER_0 = (byte) 0xC3;
    public static final byte MARKER_1 = (byte) 0x01;
    /** Marker plus fingerprint. */
    public static final int HEADER_LENGTH = 10;

    private final Class<T> type;
    private final AvroSchemaStore store;
    private final BinaryMessageEncoder<T> encoder;
    /** A reader from each writer schema of the store to the current one, by fingerprint. */
    private final Map<Long, DatumReader<T>> readers = new HashMap<>();

    AvroSerde(Class<T> type, Collection<Schema> additionalWriterSchemas) {
        this.type = type;
        Schema current = AvroSchemas.current(type);
        this.store = AvroSchemaStore.of(current.getFullName(), AvroSchemas.versions(type)).with(additionalWriterSchemas);
        SpecificData model = SpecificData.getForClass(type);
        this.encoder = new BinaryMessageEncoder<>(model, current);
        ReadModel readModel = new ReadModel(model);
        for (SchemaVersion v : store.versions()) {
            readers.put(v.fingerprint(), new SpecificDatumReader<>(v.schema(), current, readModel));
        }
    }

    /** True when the bytes start with the single-object marker {@code C3 01}. */
    public static boolean isSingleObject(byte[] data) {
        return data != null && data.length >= 2 && data[0] == MARKER_0 && data[1] == MARKER_1;
    }

    public Class<T> type() {
        return type;
    }

    public AvroSchemaStore store() {
        return store;
    }

    /** The value in single-object encoding with the current schema; null for null. */
    public byte[] encode(T value) {
        if (value == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            encoder.encode(value, out);
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + " as Avro: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a single-object encoded value written with any schema of the store; null for null.
     *
     * @throws SerializationException saying what was found: too few bytes, no marker, an unknown fingerprint, or a body
     *                                that does not match its writer schema
     */
    public T decode(byte[] data) {
        if (data == null) {
            return null;
        }
        String what = type.getSimpleName();
        if (data.length < HEADER_LENGTH || !isSingleObject(data)) {
            throw new SerializationException("cannot read " + what + ": not Avro single-object encoding (expected c3 01 "
                    + "and an 8-byte fingerprint, found " + data.length + " bytes: " + preview(data) + ")");
        }
        long fingerprint = ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SchemaVersion writer = store.version(fingerprint).orElseThrow(() -> new SerializationException(
                "cannot read " + what + ": unknown writer schema fingerprint " + AvroSchemas.hex(fingerprint)
                        + " (this reader knows " + store.describe() + ")"));
        try {
            // a decoder over the array knows where the value ends: a length or a count claiming more than is there is
            // an error, not an allocation of that size
            return readers.get(fingerprint).read(null,
                    DecoderFactory.get().binaryDecoder(data, HEADER_LENGTH, data.length - HEADER_LENGTH, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read " + what + " written with schema " + writer.version()
                    + " (fingerprint " + writer.fingerprintHex() + "): malformed body of " + data.length + " bytes: "
                    + e, e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> {
            try {
                return decode(data);
            } catch (SerializationException e) {
                throw new SerializationException("topic " + topic + ": " + e.getMessage(), e.getCause());
            }
        };
    }

    static String preview(byte[] data) {
        int n = Math.min(data.length, 16);
        String hex = HexFormat.ofDelimiter(" ").formatHex(data, 0, n) + (data.length > n ? " ..." : "");
        return looksLikeJson(data) ? hex + ", looks like JSON" : hex;
    }

    static boolean looksLikeJson(byte[] data) {
        for (byte b : data) {
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            return b == '{' || b == '[';
        }
        return false;
    }

    /**
     * The generated class's model, reading arrays as {@link ArrayList}s. Avro's own array type compares elements with a
     * model that lacks the logical-type conversions, so a decoded record holding a list of records with a nullable
     * timestamp would fail {@code equals}; an {@code ArrayList} compares with the records' own {@code equals}. Lists
     * and maps start small and grow with what is read: the count a value announces is not trusted to size them.
     */
    private static final class ReadModel extends SpecificData {

        private static final int INITIAL_CAPACITY = 64;

        ReadModel(SpecificData generated) {
            super(generated.getClassLoader());
            generated.getConversions().forEach(this::addLogicalTypeConversion);
        }

        @Override
        public Object newArray(Object old, int size, Schema schema) {
            if (old instanceof ArrayList<?> list) {
                list.clear();
                return list;
            }
            return new ArrayList<>(Math.min(size, INITIAL_CAPACITY));
        }

        @Override
        public Object newMap(Object old, int size) {
            return super.newMap(old, Math.min(size, INITIAL_CAPACITY));
        }
    }

    @Override
    public String toString() {
        return "AvroSerde[" + type.getSimpleName() + ": " + store.describe() + "]";
    }
}

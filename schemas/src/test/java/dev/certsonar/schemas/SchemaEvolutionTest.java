package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Target;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Values written with one schema version are read with another, the writer's schema found by the fingerprint in the
 * value. The older schema is the frozen v1 of Target without the fields that have a default today; the newer one has a
 * field more.
 */
class SchemaEvolutionTest {

    private static final Schema V1 = AvroSchemas.frozen(Target.class).getFirst().schema();
    private static final Schema OLDER = SchemaEdits.removeFields(V1, "owner", "labels", "warnDays");
    private static final Schema NEWER = SchemaEdits.addField(AvroSchemas.current(Target.class),
            "{\"name\":\"rack\",\"type\":\"string\",\"default\":\"\",\"doc\":\"Rack.\"}");

    @Test
    void currentReaderReadsAnOlderWriter() throws IOException {
        GenericRecord old = new GenericRecordBuilder(OLDER)
                .set("id", "tls://old.example.com:443")
                .set("service", "old")
                .set("host", "old.example.com")
                .set("ports", List.of(443))
                .set("protocol", new GenericData.EnumSymbol(OLDER.getField("protocol").schema(), "SMTP"))
                .build();
        byte[] bytes = bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), OLDER).encode(old));

        Target read = AvroSerdes.serde(Target.class, List.of(OLDER)).decode(bytes);

        assertThat(read.getId()).isEqualTo("tls://old.example.com:443");
        assertThat(read.getHost()).isEqualTo("old.example.com");
        assertThat(read.getProtocol()).isEqualTo(Protocol.SMTP);
        assertThat(read.getOwner()).as("default of a field the writer did not have").isNull();
        assertThat(read.getLabels()).isEmpty();
        assertThat(read.getWarnDays()).isNull();
    }

    @Test
    void aReaderThatDoesNotKnowTheWriterSaysSo() throws IOException {
        GenericRecord old = new GenericRecordBuilder(OLDER)
                .set("id", "x").set("service", "x").set("host", "x")
                .build();
        byte[] bytes = bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), OLDER).encode(old));

        assertThatThrownBy(() -> AvroSerdes.serde(Target.class).decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown writer schema fingerprint " + SchemaVersion.of("older", OLDER).fingerprintHex());
    }

    @Test
    void olderReaderReadsTheCurrentWriter() throws IOException {
        byte[] bytes = AvroSerdes.serde(Target.class).encode(Samples.target());
        BinaryMessageDecoder<GenericRecord> olderReader = new BinaryMessageDecoder<>(GenericData.get(), OLDER);
        olderReader.addSchema(AvroSchemas.current(Target.class));

        GenericRecord read = olderReader.decode(bytes);

        assertThat(read.getSchema()).isEqualTo(OLDER);
        assertThat(read.get("host")).hasToString("shop.example.com");
        assertThat(read.get("ports")).isEqualTo(List.of(443, 8443));
        assertThat(read.get("protocol")).hasToString("HTTPS");
        assertThat(read.hasField("owner")).isFalse();
    }

    @Test
    void currentReaderReadsANewerWriterIgnoringItsNewField() throws IOException {
        GenericRecord newer = new GenericRecordBuilder(NEWER)
                .set("id", "tls://new.example.com:443")
                .set("service", "new")
                .set("owner", "team-new")
                .set("host", "new.example.com")
                .set("ports", List.of(8443))
                .set("labels", Map.of("env", "test"))
                .set("rack", "r12")
                .build();
        byte[] bytes = bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), NEWER).encode(newer));

        Target read = AvroSerdes.serde(Target.class, List.of(NEWER)).decode(bytes);

        assertThat(read.getOwner()).isEqualTo("team-new");
        assertThat(read.getPorts()).containsExactly(8443);
        assertThat(read.getLabels()).containsEntry("env", "test");
        assertThat(read.getProtocol()).as("the newer writer's default").isEqualTo(Protocol.TLS);
    }

    @Test
    void frozenV1WriterIsReadByTheCurrentReader() throws IOException {
        GenericRecord v1 = new GenericRecordBuilder(V1)
                .set("id", "tls://v1.example.com:443")
                .set("service", "v1")
                .set("host", "v1.example.com")
                .build();
        byte[] bytes = bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), V1).encode(v1));

        Target read = AvroSerdes.serde(Target.class).decode(bytes);

        assertThat(read.getHost()).isEqualTo("v1.example.com");
        assertThat(read.getPorts()).isEmpty();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }
}

package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Target;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class AvroSerdeTest {

    static Stream<Arguments> records() {
        return Stream.of(
                argumentSet("Target", Target.class, Samples.target()),
                argumentSet("ScanRequest", ScanRequest.class, Samples.scanRequest()),
                argumentSet("Observation", Observation.class, Samples.observation()),
                argumentSet("ServiceStatus", ServiceStatus.class, Samples.serviceStatus()),
                argumentSet("Alert", Alert.class, Samples.alert()));
    }

    @ParameterizedTest
    @MethodSource("records")
    <T extends SpecificRecord> void roundTripsThroughItsSerde(Class<T> type, T record) {
        Serde<T> serde = AvroSerdes.serde(type);

        byte[] bytes = serde.serializer().serialize("topic", record);
        T back = serde.deserializer().deserialize("topic", bytes);

        assertThat(back).isEqualTo(record).isNotSameAs(record);
    }

    @ParameterizedTest
    @MethodSource("records")
    <T extends SpecificRecord> void writesSingleObjectEncodingWithTheCurrentFingerprint(Class<T> type, T record) {
        byte[] bytes = AvroSerdes.serde(type).encode(record);

        assertThat(Arrays.copyOf(bytes, 2)).containsExactly(0xC3, 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(AvroSchemas.current(type)));
    }

    @Test
    void nullIsATombstoneBothWays() {
        Serde<Alert> serde = AvroSerdes.serde(Alert.class);

        assertThat(serde.serializer().serialize("alerts", null)).isNull();
        assertThat(serde.deserializer().deserialize("alerts", null)).isNull();
    }

    @Test
    void garbageIsASerializationExceptionShowingTheBytes() {
        Serde<Alert> serde = AvroSerdes.serde(Alert.class);

        assertThatThrownBy(() -> serde.deserializer().deserialize("certsonar.alerts", new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}))
                .isInstanceOf(SerializationException.class)
                .hasMessage("topic certsonar.alerts: cannot read Alert: not Avro single-object encoding (expected c3 01 "
                        + "and an 8-byte fingerprint, found 11 bytes: 01 02 03 04 05 06 07 08 09 0a 0b)");
    }

    @Test
    void jsonIsRecognisedInTheMessage() {
        Serde<Observation> serde = AvroSerdes.serde(Observation.class);

        assertThatThrownBy(() -> serde.deserializer().deserialize("obs", "{\"host\":\"a\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not Avro single-object encoding")
                .hasMessageContaining("looks like JSON");
    }

    @Test
    void anUnknownFingerprintNamesItAndTheKnownVersions() {
        AvroSerde<Target> serde = AvroSerdes.serde(Target.class);
        byte[] bytes = serde.encode(Samples.target());
        ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0123456789abcdefL);

        assertThatThrownBy(() -> serde.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot read Target: unknown writer schema fingerprint 0123456789abcdef (this reader knows ")
                .hasMessageContaining("v1")
                .hasMessageContaining("current");
    }

    @Test
    void aTruncatedBodyNamesTheWriterVersion() {
        AvroSerde<Observation> serde = AvroSerdes.serde(Observation.class);
        byte[] bytes = serde.encode(Samples.observation());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);

        assertThatThrownBy(() -> serde.decode(truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot read Observation written with schema ")
                .hasMessageContaining("current (fingerprint ")
                .hasMessageContaining("malformed body of " + truncated.length + " bytes");
    }

    @Test
    void tooShortForAHeader() {
        assertThatThrownBy(() -> AvroSerdes.serde(Target.class).decode(new byte[]{(byte) 0xC3, 0x01, 5}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("found 3 bytes: c3 01 05");
    }

    @Test
    void everyReaderKnowsEveryFrozenVersion() {
        for (Class<? extends SpecificRecord> type : AvroSchemas.TOPIC_VALUE_TYPES) {
            AvroSchemaStore store = AvroSerdes.serde(type).store();
            assertThat(AvroSchemas.frozen(type)).as("frozen versions of %s", type.getSimpleName()).isNotEmpty();
            for (SchemaVersion v : AvroSchemas.versions(type)) {
                assertThat(store.findByFingerprint(v.fingerprint())).as("%s", v).isNotNull();
            }
        }
    }
}

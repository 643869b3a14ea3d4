package dev.certsonar.schemas;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.common.errors.SerializationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the reader of the targets topic: any bytes are a target or a clear refusal. JSON that is not a target is an
 * {@link InvalidTargetException}; bytes that open with the Avro marker and are not a target are the
 * {@link SerializationException} {@link AvroSerde#decode} documents. A target read is written and read again unchanged
 * (as Avro, and as JSON when it came as JSON). Seeds and past findings: {@code TargetJsonFuzzTestInputs/}; fuzzing: FUZZING.md.
 */
class TargetJsonFuzzTest {

    private static final TargetSerde SERDE = new TargetSerde();

    @FuzzTest
    void readsAnyValueOfTheTargetsTopic(byte[] value) {
        String key = value.length > 0 && (value[value.length - 1] & 1) == 1 ? "key-" + value.length : null;
        Target target;
        try {
            target = SERDE.decode(key, value);
        } catch (InvalidTargetException e) {
            assertThat(e.getMessage()).startsWith("invalid target: ");
            return;
        } catch (SerializationException e) {
            assertThat(AvroSerde.isSingleObject(value)).as("only Avro input fails without naming a target's problem: %s", e).isTrue();
            assertThat(e.getMessage()).startsWith("cannot read Target");
            return;
        }
        if (key != null) {
            assertThat(target.getId()).isEqualTo(key);
        }
        assertThat(SERDE.decode(target.getId(), SERDE.encode(target))).isEqualTo(target);
        if (!AvroSerde.isSingleObject(value)) {
            assertThat(target.getId()).isNotBlank();
            assertThat(target.getHost()).isNotBlank();
            assertThat(target.getPorts()).isNotEmpty().allSatisfy(port -> assertThat(port).isBetween(1, 65535));
            assertThat(TargetJson.fromJson(target.getId(), TargetJson.toJson(target))).isEqualTo(target);
        }
    }
}

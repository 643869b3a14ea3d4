package dev.certsonar.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * Every current schema of a topic value must read data of each frozen version (backward) and be readable by each frozen
 * version (forward), so components of different releases share the topics.
 */
class SchemaCompatibilityTest {

    static Stream<Arguments> currentAndFrozen() {
        List<Arguments> cases = new ArrayList<>();
        for (Class<? extends SpecificRecord> type : AvroSchemas.TOPIC_VALUE_TYPES) {
            for (SchemaVersion frozen : AvroSchemas.frozen(type)) {
                cases.add(argumentSet(type.getSimpleName() + " current vs " + frozen.version(),
                        type.getSimpleName(), AvroSchemas.current(type), frozen));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("currentAndFrozen")
    void currentReadsFrozen(String type, Schema current, SchemaVersion frozen) {
        SchemaCompatibilityResult result =
                SchemaCompatibility.checkReaderWriterCompatibility(current, frozen.schema()).getResult();

        assertThat(result.getCompatibility())
                .as("backward: current %s cannot read data written with %s: %s", type, frozen.version(), describe(result))
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @ParameterizedTest
    @MethodSource("currentAndFrozen")
    void frozenReadsCurrent(String type, Schema current, SchemaVersion frozen) {
        SchemaCompatibilityResult result =
                SchemaCompatibility.checkReaderWriterCompatibility(frozen.schema(), current).getResult();

        assertThat(result.getCompatibility())
                .as("forward: %s of %s cannot read data written with the current schema: %s", frozen.version(), type, describe(result))
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void everyTopicValueTypeHasAFrozenVersion() {
        assertThat(AvroSchemas.frozenVersionNames()).startsWith("v1");
        for (Class<? extends SpecificRecord> type : AvroSchemas.TOPIC_VALUE_TYPES) {
            assertThat(AvroSchemas.frozen(type)).as("frozen versions of %s on the classpath", type.getSimpleName()).isNotEmpty();
        }
    }

    @Test
    void theCheckFailsOnAnIncompatibleChange() {
        Schema frozen = AvroSchemas.frozen(dev.certsonar.schemas.avro.Target.class).getFirst().schema();
        Schema withRequiredField = SchemaEdits.addField(frozen, "{\"name\":\"zone\",\"type\":\"string\",\"doc\":\"no default\"}");

        SchemaCompatibilityResult result =
                SchemaCompatibility.checkReaderWriterCompatibility(withRequiredField, frozen).getResult();

        assertThat(result.getCompatibility()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(describe(result)).contains("READER_FIELD_MISSING_DEFAULT").contains("zone");
    }

    static String describe(SchemaCompatibilityResult result) {
        return result.getIncompatibilities().stream()
                .map(SchemaCompatibilityTest::describe)
                .collect(Collectors.joining("; "));
    }

    private static String describe(Incompatibility i) {
        return i.getType() + " at " + i.getLocation() + ": " + i.getMessage();
    }
}

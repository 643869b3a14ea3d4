package dev.certsonar.schemas;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every record and field of the topic values is documented, every enum has a default, times are timestamp-millis. */
class SchemaDocsTest {

    @Test
    void everyFieldDocumentedEveryEnumDefaulted() {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Class<? extends SpecificRecord> type : AvroSchemas.TOPIC_VALUE_TYPES) {
            check(AvroSchemas.current(type), type.getSimpleName(), seen, problems);
        }
        assertThat(problems).isEmpty();
    }

    private static void check(Schema s, String path, Set<String> seen, List<String> problems) {
        switch (s.getType()) {
            case RECORD -> {
                if (!seen.add(s.getFullName())) {
                    return;
                }
                if (s.getDoc() == null || s.getDoc().isBlank()) {
                    problems.add(path + ": record " + s.getName() + " has no doc");
                }
                for (Schema.Field f : s.getFields()) {
                    String p = s.getName() + "." + f.name();
                    if (f.doc() == null || f.doc().isBlank()) {
                        problems.add(p + " has no doc");
                    }
                    if (f.schema().getType() == Schema.Type.LONG && f.name().endsWith("At")
                            && !(f.schema().getLogicalType() instanceof LogicalTypes.TimestampMillis)) {
                        problems.add(p + " is a time but not timestamp-millis");
                    }
                    check(f.schema(), p, seen, problems);
                }
            }
            case ENUM -> {
                if (seen.add(s.getFullName()) && s.getEnumDefault() == null) {
                    problems.add(path + ": enum " + s.getName() + " has no default");
                }
            }
            case UNION -> s.getTypes().forEach(t -> check(t, path, seen, problems));
            case ARRAY -> check(s.getElementType(), path, seen, problems);
            case MAP -> check(s.getValueType(), path, seen, problems);
            default -> {
            }
        }
    }
}

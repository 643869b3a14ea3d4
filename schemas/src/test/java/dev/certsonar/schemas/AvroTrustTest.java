package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Target;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated classes are trusted by Avro in any JVM that has the schemas jar on its class path, with no system
 * property and no call to make first; classes outside the generated package stay refused.
 */
class AvroTrustTest {

    static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";

    @Test
    void aFreshJvmWithoutTheSystemPropertyCopiesAndDecodesEveryRecordAndRefusesOtherClasses() throws Exception {
        ProcessBuilder command = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), FreshJvm.class.getName());
        command.environment().remove("JAVA_TOOL_OPTIONS");
        command.environment().remove("JDK_JAVA_OPTIONS");
        command.redirectErrorStream(true);
        Process jvm = command.start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the JVM ends").isTrue();
        assertThat(jvm.exitValue()).as(output).isZero();
        assertThat(output.lines()).containsExactly(
                "property: none",
                "copied: Target ScanRequest Observation ServiceStatus Alert",
                "decoded: Target ScanRequest Observation ServiceStatus Alert",
                "refused java.lang.ProcessBuilder: SecurityException",
                "refused dev.certsonar.schemas.AvroSerde: SecurityException");
    }

    /** Runs in a JVM of its own: whatever it does first is the first use of Avro there. */
    public static final class FreshJvm {

        private FreshJvm() {
        }

        public static void main(String[] args) throws IOException {
            println("property: " + (System.getProperty(PROPERTY) == null ? "none" : System.getProperty(PROPERTY)));

            // copying a record deep-copies its nested records and enums, which Avro looks up by class name: the first
            // thing done here, before any serde exists
            List<SpecificRecord> samples = List.of(Samples.target(), Samples.scanRequest(), Samples.observation(),
                    Samples.serviceStatus(), Samples.alert());
            List<SpecificRecord> copies = List.of(
                    Target.newBuilder(Samples.target()).build(),
                    ScanRequest.newBuilder(Samples.scanRequest()).build(),
                    Observation.newBuilder(Samples.observation()).build(),
                    ServiceStatus.newBuilder(Samples.serviceStatus()).build(),
                    Alert.newBuilder(Samples.alert()).build());
            // (a copy holds Avro's own array type, which does not compare equal to a list: compare the text)
            check(copies.toString().equals(samples.toString()), "copies equal the records");
            println("copied: " + names(copies));

            List<SpecificRecord> decoded = new ArrayList<>();
            for (SpecificRecord sample : samples) {
                decoded.add(roundTrip(sample));
            }
            check(decoded.equals(samples), "decoded records equal the records");
            println("decoded: " + names(decoded));

            println(refusal("java.lang", "ProcessBuilder"));
            println(refusal("dev.certsonar.schemas", "AvroSerde"));
        }

        @SuppressWarnings("unchecked")
        private static <T extends SpecificRecord> T roundTrip(T record) {
            AvroSerde<T> serde = AvroSerdes.serde((Class<T>) record.getClass());
            return serde.decode(serde.encode(record));
        }

        /** Reads, as a specific record, a value whose schema names an existing class outside the generated package. */
        private static String refusal(String namespace, String name) throws IOException {
            Schema schema = SchemaBuilder.record(name).namespace(namespace).fields().requiredString("command").endRecord();
            GenericRecord value = new GenericData.Record(schema);
            value.put("command", "id");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new GenericDatumWriter<GenericRecord>(schema).write(value, encoder);
            encoder.flush();
            try {
                Object read = new SpecificDatumReader<>(schema).read(null,
                        DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
                return "accepted " + schema.getFullName() + " as " + read.getClass().getName();
            } catch (SecurityException e) {
                return "refused " + schema.getFullName() + ": " + e.getClass().getSimpleName();
            }
        }

        private static String names(List<SpecificRecord> records) {
            return String.join(" ", records.stream().map(r -> r.getClass().getSimpleName()).toList());
        }

        private static void check(boolean condition, String what) {
            if (!condition) {
                throw new IllegalStateException("not true: " + what);
            }
        }

        private static void println(String line) {
            System.out.println(line);
        }
    }
}

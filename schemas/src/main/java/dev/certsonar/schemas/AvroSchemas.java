package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.ScannerHeartbeat;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Target;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The schemas of the topic values: the current one of each record type (compiled into the generated classes) and the
 * frozen versions kept on the classpath under {@code dev/certsonar/schemas/versions/v<N>/<Type>.avsc}, each a full,
 * self-contained schema. Versions are numbered from 1 without gaps; a version folder holds the record types that existed
 * when it was frozen.
 */
public final class AvroSchemas {

    /** Classpath folder of the frozen versions. */
    public static final String VERSIONS_RESOURCE = "dev/certsonar/schemas/versions/";

    /** The record types written to topics, whose versions are frozen. */
    public static final List<Class<? extends SpecificRecord>> TOPIC_VALUE_TYPES =
            List.of(Target.class, ScanRequest.class, Observation.class, ServiceStatus.class, Alert.class, Silence.class,
                    Acknowledgement.class, AcceptedException.class, AlertLifecycle.class, ScannerHeartbeat.class);

    private static final Map<String, List<SchemaVersion>> FROZEN = loadFrozen();

    private AvroSchemas() {
    }

    /** The current schema of a generated record class. */
    public static Schema current(Class<? extends SpecificRecord> type) {
        return SpecificData.getForClass(type).getSchema(type);
    }

    /** The frozen versions of a record type, oldest first; empty for a type that is not a topic value. */
    public static List<SchemaVersion> frozen(Class<? extends SpecificRecord> type) {
        return FROZEN.getOrDefault(current(type).getFullName(), List.of());
    }

    /** Every version a reader of this type knows: the frozen ones, oldest first, then the current one. */
    public static List<SchemaVersion> versions(Class<? extends SpecificRecord> type) {
        List<SchemaVersion> all = new ArrayList<>(frozen(type));
        all.add(SchemaVersion.of(SchemaVersion.CURRENT, current(type)));
        return List.copyOf(all);
    }

    /** The names of the frozen versions on the classpath, oldest first ({@code v1}, {@code v2}, ...). */
    public static List<String> frozenVersionNames() {
        List<String> names = new ArrayList<>();
        for (int n = 1; ; n++) {
            String version = "v" + n;
            if (TOPIC_VALUE_TYPES.stream().noneMatch(t -> resource(version, current(t).getName()) != null)) {
                return List.copyOf(names);
            }
            names.add(version);
        }
    }

    static String hex(long fingerprint) {
        return String.format("%016x", fingerprint);
    }

    private static Map<String, List<SchemaVersion>> loadFrozen() {
        Map<String, List<SchemaVersion>> byType = new LinkedHashMap<>();
        List<String> versions = frozenVersionNames();
        for (Class<? extends SpecificRecord> type : TOPIC_VALUE_TYPES) {
            Schema current = current(type);
            List<SchemaVersion> list = new ArrayList<>();
            for (String version : versions) {
                URL url = resource(version, current.getName());
                if (url == null) {
                    continue;
                }
                Schema schema = parse(url);
                if (!schema.getFullName().equals(current.getFullName())) {
                    throw new IllegalStateException("frozen schema " + url + " defines " + schema.getFullName()
                            + ", expected " + current.getFullName());
                }
                list.add(SchemaVersion.of(version, schema));
            }
            byType.put(current.getFullName(), List.copyOf(list));
        }
        return Map.copyOf(byType);
    }

    private static URL resource(String version, String simpleName) {
        return AvroSchemas.class.getClassLoader().getResource(VERSIONS_RESOURCE + version + "/" + simpleName + ".avsc");
    }

    private static Schema parse(URL url) {
        try (InputStream in = url.openStream()) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read frozen schema " + url, e);
        } catch (SchemaParseException e) {
            throw new IllegalStateException("frozen schema " + url + " does not parse: " + e.getMessage(), e);
        }
    }
}

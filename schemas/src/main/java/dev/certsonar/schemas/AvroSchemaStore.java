package dev.certsonar.schemas;

import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The writer schemas a reader of one record type resolves by fingerprint: the current one, every frozen version, and any
 * added by the caller. Immutable.
 */
public final class AvroSchemaStore implements SchemaStore {

    private final String typeName;
    private final Map<Long, SchemaVersion> byFingerprint;

    private AvroSchemaStore(String typeName, Map<Long, SchemaVersion> byFingerprint) {
        this.typeName = typeName;
        this.byFingerprint = byFingerprint;
    }

    /**
     * A store of the given versions. Versions with the same fingerprint are one writer schema (the first one's), named
     * by all their names: {@code v1=current}.
     */
    public static AvroSchemaStore of(String typeName, Collection<SchemaVersion> versions) {
        Map<Long, SchemaVersion> map = new LinkedHashMap<>();
        for (SchemaVersion v : versions) {
            map.merge(v.fingerprint(), v, (old, added) ->
                    new SchemaVersion(old.version() + "=" + added.version(), old.schema(), old.fingerprint()));
        }
        return new AvroSchemaStore(typeName, Collections.unmodifiableMap(map));
    }

    /** This store plus more writer schemas, named {@code added-1}, {@code added-2}, ... */
    public AvroSchemaStore with(Collection<Schema> writerSchemas) {
        List<SchemaVersion> all = new ArrayList<>(byFingerprint.values());
        int n = 1;
        for (Schema s : writerSchemas) {
            all.add(SchemaVersion.of("added-" + n++, s));
        }
        return of(typeName, all);
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        SchemaVersion v = byFingerprint.get(fingerprint);
        return v == null ? null : v.schema();
    }

    public Optional<SchemaVersion> version(long fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }

    public List<SchemaVersion> versions() {
        return List.copyOf(byFingerprint.values());
    }

    /** The known versions in words, for error messages: {@code v1 e68693de7b85c3eb, current e68693de7b85c3eb}. */
    public String describe() {
        return byFingerprint.values().stream()
                .map(v -> v.version() + " " + v.fingerprintHex())
                .collect(Collectors.joining(", "));
    }

    public String typeName() {
        return typeName;
    }
}

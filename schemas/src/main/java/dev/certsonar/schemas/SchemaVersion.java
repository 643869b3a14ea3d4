package dev.certsonar.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * One version of a record type's schema: a frozen one ({@code v1}, {@code v2}, ...), the {@code current} one compiled into
 * the generated classes, or one added by a caller.
 *
 * @param version     {@code current}, {@code v1}, ...
 * @param schema      the full schema, every named type inlined
 * @param fingerprint its CRC-64-AVRO fingerprint of the parsing canonical form, as written in single-object encoding
 */
public record SchemaVersion(String version, Schema schema, long fingerprint) {

    public static final String CURRENT = "current";

    public static SchemaVersion of(String version, Schema schema) {
        return new SchemaVersion(version, schema, SchemaNormalization.parsingFingerprint64(schema));
    }

    /** The fingerprint as 16 hex digits, most significant first. */
    public String fingerprintHex() {
        return AvroSchemas.hex(fingerprint);
    }

    @Override
    public String toString() {
        return schema.getFullName() + " " + version + " (fingerprint " + fingerprintHex() + ")";
    }
}

package dev.certsonar.schemas;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * The base class of every generated record class (the avro-maven-plugin's {@code recordSpecificClass}), and the one
 * place that lets Avro use the generated classes. Avro 1.12 looks up and instantiates by name only classes it trusts
 * ({@link ClassSecurityValidator}, which otherwise reads the system property
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES}); it does so when it decodes or copies a record holding records or
 * enums. A generated record class is initialised before any of its records is built, copied or decoded, and
 * initialising it initialises this class first: this adds the generated package {@code dev.certsonar.schemas.avro} to
 * Avro's process-wide validator, keeping whatever it already trusts. No JVM flag is needed, and every other class stays
 * refused.
 */
public abstract class GeneratedRecord extends SpecificRecordBase {

    /** The package of the generated classes, as a prefix of their names. */
    static final String GENERATED_PACKAGE = "dev.certsonar.schemas.avro.";

    static {
        trustGeneratedPackage();
    }

    protected GeneratedRecord() {
    }

    private static void trustGeneratedPackage() {
        ClassSecurityPredicate global = ClassSecurityValidator.getGlobal();
        ClassSecurityPredicate generated = type -> type.getName().startsWith(GENERATED_PACKAGE);
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(global, generated));
    }
}

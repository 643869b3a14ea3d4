package dev.certsonar.schemas;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Lets Avro instantiate the generated classes of {@code dev.certsonar.schemas.avro}. Avro 1.12 refuses classes of
 * packages that are not trusted (system property {@code org.apache.avro.SERIALIZABLE_PACKAGES}); this adds the one
 * package of the generated classes to Avro's process-wide validator, keeping whatever it already trusts.
 */
final class AvroTrust {

    static final String GENERATED_PACKAGE = "dev.certsonar.schemas.avro.";

    private AvroTrust() {
    }

    static synchronized void trustGeneratedClasses() {
        ClassSecurityPredicate global = ClassSecurityValidator.getGlobal();
        if (global.isTrusted(dev.certsonar.schemas.avro.Target.class)) {
            return;
        }
        ClassSecurityPredicate generated = type -> type.getName().startsWith(GENERATED_PACKAGE);
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(global, generated));
    }
}

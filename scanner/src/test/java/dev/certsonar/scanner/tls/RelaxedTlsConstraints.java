package dev.certsonar.scanner.tls;

import org.junit.jupiter.api.extension.Extension;

/**
 * Registered for automatic detection, so it is created before any test of the module runs: relaxes the JVM's TLS
 * constraints as the scanner does in production, before a test server or client first initialises JSSE.
 */
public final class RelaxedTlsConstraints implements Extension {

    public RelaxedTlsConstraints() {
        Jsse.relaxConstraints();
    }
}

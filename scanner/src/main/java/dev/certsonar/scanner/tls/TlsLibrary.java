package dev.certsonar.scanner.tls;

import java.util.Locale;

/** Which TLS implementation makes the client side of the probes' handshakes. */
public enum TlsLibrary {
    /**
     * BoringSSL (netty-tcnative, native code bundled for Linux, macOS and Windows): the handshake's cryptography costs a
     * fraction of the JDK's, and a server BoringSSL cannot talk to (finite-field DHE only, SSLv3-era suites) is probed
     * once more with the JDK's TLS. Falls back to {@link #JDK} when the native library cannot be loaded.
     */
    BORINGSSL,
    /** The JDK's own TLS (JSSE) for every probe. */
    JDK;

    /** {@code boringssl} or {@code jdk}, any case; a clear error otherwise. */
    public static TlsLibrary parse(String value) {
        for (TlsLibrary l : values()) {
            if (l.name().equalsIgnoreCase(value.strip())) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown TLS library '" + value + "': expected boringssl or jdk");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

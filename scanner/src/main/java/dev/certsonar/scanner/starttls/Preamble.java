package dev.certsonar.scanner.starttls;

import dev.certsonar.scanner.probe.ProbeException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * What is said in plain text on a fresh connection before the TLS handshake starts: nothing for implicit TLS, the
 * protocol's STARTTLS exchange otherwise. A preamble that finds no way to TLS throws {@link ProbeException.NoTls}
 * with the server's answer; one that stalls is stopped by the deadline (reads time out).
 */
@FunctionalInterface
public interface Preamble {

    /** Implicit TLS: the handshake starts at once. */
    Preamble NONE = connection -> {
    };

    void negotiate(Connection connection) throws IOException;

    /**
     * The plain connection handed to a preamble. {@code serverName} is the SNI name, else the target's host.
     * {@link #setReadTimeout} is already set to what is left of the probe; reads past it throw SocketTimeoutException.
     */
    interface Connection {
        InputStream in();

        OutputStream out();

        String serverName();

        int port();

        /** Caps the wait of the following reads; never beyond what is left of the probe. */
        void setReadTimeout(Duration timeout) throws IOException;
    }
}

package dev.certsonar.scanner.probe;

import java.io.IOException;

/** A failure of a probe the scanner itself recognised; {@link Outcomes#classify} maps each kind to its outcome. */
public abstract sealed class ProbeException extends IOException {

    private final Phase phase;

    ProbeException(Phase phase, String message) {
        super(message);
        this.phase = phase;
    }

    public Phase phase() {
        return phase;
    }

    /** The name did not resolve (no such name, no address, or no answer from the DNS servers). */
    public static final class DnsFailed extends ProbeException {
        public DnsFailed(String message) {
            super(Phase.DNS, message);
        }
    }

    /** A phase or the whole probe ran out of time. */
    public static final class Timeout extends ProbeException {
        public Timeout(Phase phase, String message) {
            super(phase, message);
        }
    }

    /** The address is outside what the scanner may probe; no socket was opened. */
    public static final class Blocked extends ProbeException {
        public Blocked(String message) {
            super(Phase.CONNECT, message);
        }
    }

    /** The server does not speak TLS there, or refused to start it; the message carries its answer. */
    public static final class NoTls extends ProbeException {
        public NoTls(Phase phase, String message) {
            super(phase, message);
        }
    }

    /** The server broke the protocol (too many bytes, garbage where a message was due). */
    public static final class Protocol extends ProbeException {
        public Protocol(Phase phase, String message) {
            super(phase, message);
        }
    }
}

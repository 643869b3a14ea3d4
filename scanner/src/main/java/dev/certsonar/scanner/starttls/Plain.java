package dev.certsonar.scanner.starttls;

import dev.certsonar.scanner.probe.Phase;
import dev.certsonar.scanner.probe.ProbeException;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reading and writing the plain-text part of a connection before TLS. Every read is bounded by what is left of the
 * probe's deadline (set again before each read, so a server dripping a byte at a time cannot stretch the probe),
 * lines are capped, and so is everything the server may send during the exchange. Reads are byte by byte so nothing
 * that belongs to the TLS handshake is consumed.
 */
final class Plain {

    /** Bytes a server may send before TLS starts. */
    static final int MAX_BYTES = 64 * 1024;
    /** Bytes of one line at most. */
    static final int MAX_LINE = 4096;

    private final Preamble.Connection connection;
    private final String protocol;
    private int received;

    Plain(Preamble.Connection connection, String protocol) {
        this.connection = connection;
        this.protocol = protocol;
    }

    String protocol() {
        return protocol;
    }

    int read() throws IOException {
        if (received >= MAX_BYTES) {
            throw new ProbeException.Protocol(Phase.PREAMBLE,
                    "the " + protocol + " server sent more than " + MAX_BYTES + " bytes before TLS started");
        }
        connection.setReadTimeout(Duration.ofDays(1));
        int b = connection.in().read();
        if (b < 0) {
            throw new EOFException("the " + protocol + " server closed the connection during the STARTTLS exchange");
        }
        received++;
        return b;
    }

    /** Exactly {@code n} bytes. */
    byte[] read(int n) throws IOException {
        if (n > MAX_BYTES) {
            throw new ProbeException.Protocol(Phase.PREAMBLE,
                    "the " + protocol + " server announced " + n + " bytes, more than the " + MAX_BYTES + " allowed before TLS");
        }
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) read();
        }
        return b;
    }

    /** One line without its CR LF; a line longer than {@link #MAX_LINE} is a protocol error. */
    String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (buf.size() <= MAX_LINE) {
            int b;
            try {
                b = read();
            } catch (EOFException e) {
                throw new EOFException(e.getMessage() + (buf.size() > 0 ? " after '" + printable(buf.toString(StandardCharsets.ISO_8859_1)) + "'" : ""));
            }
            if (b == '\n') {
                String s = buf.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buf.write(b);
        }
        throw new ProbeException.Protocol(Phase.PREAMBLE, "a " + protocol + " line longer than " + MAX_LINE + " bytes: '"
                + printable(buf.toString(StandardCharsets.ISO_8859_1)) + "'");
    }

    void send(String line) throws IOException {
        write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    void write(byte[] bytes) throws IOException {
        connection.out().write(bytes);
        connection.out().flush();
    }

    /** The server's answer fit for an error message: printable ASCII, at most 300 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (b.length() >= 300) {
                b.append('…');
                break;
            }
            b.append(ch >= 32 && ch < 127 ? ch : '?');
        }
        return b.toString();
    }

    static String hex(byte[] bytes, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            b.append(String.format("%02x", bytes[i] & 0xff));
        }
        return bytes.length > max ? b + "…" : b.toString();
    }

}

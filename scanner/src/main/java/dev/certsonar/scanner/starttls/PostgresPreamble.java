package dev.certsonar.scanner.starttls;

import dev.certsonar.scanner.probe.Phase;
import dev.certsonar.scanner.probe.ProbeException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * PostgreSQL: the SSLRequest message (length 8, code 80877103); the server answers one byte, {@code S} to start TLS,
 * {@code N} when it does not accept SSL, or an ErrorResponse.
 */
final class PostgresPreamble implements Preamble {

    static final int SSL_REQUEST_CODE = 80877103;
    private static final int MAX_ERROR = 8192;

    @Override
    public void negotiate(Connection c) throws IOException {
        Plain plain = new Plain(c, "PostgreSQL");
        plain.write(ByteBuffer.allocate(8).putInt(8).putInt(SSL_REQUEST_CODE).array());
        int answer = plain.read();
        switch (answer) {
            case 'S' -> {
            }
            case 'N' -> throw new ProbeException.NoTls(Phase.PREAMBLE, "the PostgreSQL server does not accept SSL (it answered 'N' to SSLRequest)");
            case 'E' -> throw new ProbeException.NoTls(Phase.PREAMBLE, "the PostgreSQL server answered SSLRequest with an error: " + error(plain));
            default -> throw new ProbeException.NoTls(Phase.PREAMBLE,
                    String.format("not a PostgreSQL server: it answered SSLRequest with 0x%02x", answer));
        }
    }

    /** The message fields of an ErrorResponse (severity, code, message), or the bytes of an old-style error string. */
    private static String error(Plain plain) throws IOException {
        byte[] len = plain.read(4);
        int length = ByteBuffer.wrap(len).getInt();
        if (length < 4 || length > MAX_ERROR) {
            // protocol 2 servers send a NUL-terminated text after 'E'; the four bytes read are its start
            StringBuilder text = new StringBuilder(new String(len, StandardCharsets.ISO_8859_1));
            int b;
            while (text.indexOf("\0") < 0 && text.length() < 512 && (b = plain.read()) != 0) {
                text.append((char) b);
            }
            return "'" + Plain.printable(text.toString().replace("\0", "")) + "'";
        }
        byte[] body = plain.read(length - 4);
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length && body[i] != 0) {
            char field = (char) body[i++];
            int start = i;
            while (i < body.length && body[i] != 0) {
                i++;
            }
            String value = new String(body, start, i - start, StandardCharsets.UTF_8);
            i++;
            if (field == 'S' || field == 'C' || field == 'M') {
                out.append(out.isEmpty() ? "" : " ").append(field == 'C' ? "(" + value + ")" : value);
            }
        }
        return Plain.printable(out.toString());
    }
}

package dev.certsonar.scanner.starttls;

import dev.certsonar.scanner.probe.Phase;
import dev.certsonar.scanner.probe.ProbeException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * MySQL and MariaDB: read the server's initial handshake packet (protocol 10), check the CLIENT_SSL capability, answer
 * with an SSL request packet (capabilities with CLIENT_SSL, max packet size, character set, 23 bytes of filler) and
 * start TLS. An error packet instead of the handshake (host not allowed, too many connections) is NO_TLS with its text.
 */
final class MysqlPreamble implements Preamble {

    static final int CLIENT_LONG_PASSWORD = 0x1;
    static final int CLIENT_PROTOCOL_41 = 0x200;
    static final int CLIENT_SSL = 0x800;
    static final int CLIENT_SECURE_CONNECTION = 0x8000;
    static final int CLIENT_PLUGIN_AUTH = 0x80000;
    private static final int UTF8MB4 = 45;

    @Override
    public void negotiate(Connection c) throws IOException {
        Plain plain = new Plain(c, "MySQL");
        byte[] header = plain.read(4);
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        int sequence = header[3] & 0xff;
        if (length == 0 || length > 16 * 1024 || sequence != 0) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "not a MySQL server: its first packet header is " + Plain.hex(header, 4));
        }
        byte[] p = plain.read(length);
        int version = p[0] & 0xff;
        if (version == 0xff) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the MySQL server sent an error instead of its handshake: " + error(p));
        }
        if (version != 10) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "not a MySQL handshake of protocol 10: protocol " + version);
        }
        int i = 1;
        int start = i;
        while (i < p.length && p[i] != 0) {
            i++;
        }
        String serverVersion = Plain.printable(new String(p, start, i - start, StandardCharsets.ISO_8859_1));
        i += 1 + 4 + 8 + 1;
        if (i + 2 > p.length) {
            throw new ProbeException.Protocol(Phase.PREAMBLE, "the MySQL handshake packet ends before its capability flags");
        }
        int capabilities = (p[i] & 0xff) | (p[i + 1] & 0xff) << 8;
        if ((capabilities & CLIENT_SSL) == 0) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the MySQL server (" + serverVersion + ") does not offer SSL");
        }
        ByteBuffer request = ByteBuffer.allocate(4 + 32).order(ByteOrder.LITTLE_ENDIAN);
        request.put((byte) 32).put((byte) 0).put((byte) 0).put((byte) (sequence + 1));
        request.putInt(CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH);
        request.putInt(16 * 1024 * 1024);
        request.put((byte) UTF8MB4);
        plain.write(request.array());
    }

    /** An error packet: 0xff, a two-byte code, an optional '#' and SQL state, the message. */
    private static String error(byte[] p) {
        if (p.length < 3) {
            return "(empty)";
        }
        int code = (p[1] & 0xff) | (p[2] & 0xff) << 8;
        int at = 3;
        String state = "";
        if (p.length >= 9 && p[3] == '#') {
            state = " " + new String(p, 4, 5, StandardCharsets.ISO_8859_1);
            at = 9;
        }
        return code + state + " " + Plain.printable(new String(p, at, p.length - at, StandardCharsets.UTF_8));
    }
}

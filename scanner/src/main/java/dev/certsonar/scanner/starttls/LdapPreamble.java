package dev.certsonar.scanner.starttls;

import dev.certsonar.scanner.probe.Phase;
import dev.certsonar.scanner.probe.ProbeException;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * LDAP StartTLS (RFC 4511 section 4.14): an ExtendedRequest with the name 1.3.6.1.4.1.1466.20037, then the
 * ExtendedResponse; result code 0 (success) starts TLS, any other is NO_TLS with the code and the server's diagnostic
 * message. The BER is written and read here; only definite lengths occur in LDAP.
 */
final class LdapPreamble implements Preamble {

    static final String START_TLS_OID = "1.3.6.1.4.1.1466.20037";
    private static final int MESSAGE_ID = 1;
    private static final int MAX_MESSAGE = 16 * 1024;

    private static final Map<Integer, String> RESULTS = Map.ofEntries(
            Map.entry(1, "operationsError"), Map.entry(2, "protocolError"), Map.entry(8, "strongerAuthRequired"),
            Map.entry(11, "adminLimitExceeded"), Map.entry(12, "unavailableCriticalExtension"),
            Map.entry(13, "confidentialityRequired"), Map.entry(50, "insufficientAccessRights"), Map.entry(51, "busy"),
            Map.entry(52, "unavailable"), Map.entry(53, "unwillingToPerform"), Map.entry(80, "other"));

    @Override
    public void negotiate(Connection c) throws IOException {
        Plain plain = new Plain(c, "LDAP");
        plain.write(startTlsRequest());
        int tag = plain.read();
        if (tag != 0x30) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, String.format("not an LDAP server: its answer starts with 0x%02x", tag));
        }
        int length = length(plain);
        Ber message = new Ber(plain.read(length));
        int id = message.integer(0x02);
        int op = message.tag();
        if (op != 0x78) {
            throw new ProbeException.Protocol(Phase.PREAMBLE, String.format(
                    "the LDAP server answered StartTLS with an operation of tag 0x%02x instead of an ExtendedResponse", op));
        }
        Ber response = new Ber(message.value());
        int result = response.integer(0x0a);
        response.expect(0x04);
        String diagnostic = new String(response.expect(0x04), StandardCharsets.UTF_8);
        if (id == 0) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the LDAP server disconnected (notice of disconnection, result "
                    + describe(result) + "): '" + Plain.printable(diagnostic) + "'");
        }
        if (id != MESSAGE_ID) {
            throw new ProbeException.Protocol(Phase.PREAMBLE, "the LDAP server answered message " + id + " instead of " + MESSAGE_ID);
        }
        if (result != 0) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the LDAP server refused StartTLS: result " + describe(result)
                    + (diagnostic.isEmpty() ? "" : ": '" + Plain.printable(diagnostic) + "'"));
        }
    }

    private static String describe(int result) {
        return result + (RESULTS.containsKey(result) ? " (" + RESULTS.get(result) + ")" : "");
    }

    /** LDAPMessage { messageID 1, [APPLICATION 23] ExtendedRequest { [0] requestName } }. */
    static byte[] startTlsRequest() {
        byte[] oid = START_TLS_OID.getBytes(StandardCharsets.US_ASCII);
        byte[] name = tlv(0x80, oid);
        byte[] request = tlv(0x77, name);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(tlv(0x02, new byte[]{MESSAGE_ID}));
        body.writeBytes(request);
        return tlv(0x30, body.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (value.length < 128) {
            out.write(value.length);
        } else {
            out.write(0x82);
            out.write(value.length >> 8);
            out.write(value.length & 0xff);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static int length(Plain plain) throws IOException {
        int first = plain.read();
        if (first < 0x80) {
            return first;
        }
        int octets = first & 0x7f;
        if (octets == 0 || octets > 3) {
            throw new ProbeException.Protocol(Phase.PREAMBLE, "an LDAP message with a length of " + octets + " octets");
        }
        int length = 0;
        for (int i = 0; i < octets; i++) {
            length = length << 8 | plain.read();
        }
        if (length > MAX_MESSAGE) {
            throw new ProbeException.Protocol(Phase.PREAMBLE, "an LDAP message of " + length + " bytes, more than " + MAX_MESSAGE);
        }
        return length;
    }

    /** Reads TLVs from the contents of a constructed element. */
    private static final class Ber {
        private final byte[] b;
        private int at;
        private int lastTag;

        Ber(byte[] b) {
            this.b = b;
        }

        int tag() throws ProbeException {
            need(1);
            lastTag = b[at++] & 0xff;
            return lastTag;
        }

        byte[] value() throws ProbeException {
            need(1);
            int length = b[at++] & 0xff;
            if (length >= 0x80) {
                int octets = length & 0x7f;
                if (octets == 0 || octets > 3) {
                    throw broken("a length of " + octets + " octets");
                }
                need(octets);
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = length << 8 | (b[at++] & 0xff);
                }
            }
            need(length);
            byte[] v = java.util.Arrays.copyOfRange(b, at, at + length);
            at += length;
            return v;
        }

        byte[] expect(int tag) throws ProbeException {
            int t = tag();
            if (t != tag) {
                throw broken(String.format("tag 0x%02x where 0x%02x was due", t, tag));
            }
            return value();
        }

        int integer(int tag) throws ProbeException {
            byte[] v = expect(tag);
            if (v.length == 0 || v.length > 4) {
                throw broken("an integer of " + v.length + " bytes");
            }
            int n = v[0];
            for (int i = 1; i < v.length; i++) {
                n = n << 8 | (v[i] & 0xff);
            }
            return n;
        }

        private void need(int n) throws ProbeException {
            if (at + n > b.length) {
                throw broken("an element running past the end of its message");
            }
        }

        private ProbeException broken(String what) {
            return new ProbeException.Protocol(Phase.PREAMBLE, "a malformed LDAP response: " + what);
        }
    }
}

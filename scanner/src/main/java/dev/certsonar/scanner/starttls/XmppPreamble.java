package dev.certsonar.scanner.starttls;

import dev.certsonar.scanner.probe.Phase;
import dev.certsonar.scanner.probe.ProbeException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * XMPP STARTTLS (RFC 6120 section 5): open a client stream to the server's domain, read the stream features, check
 * that {@code <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>} is among them, send it and expect
 * {@code <proceed/>}; {@code <failure/>} or a stream error is NO_TLS. The XML is read tag by tag, with no entity or
 * DTD processing.
 */
final class XmppPreamble implements Preamble {

    static final String TLS_NS = "urn:ietf:params:xml:ns:xmpp-tls";
    private static final int MAX_TAGS = 500;

    /** One start, end or empty-element tag: its local name and its raw text. */
    record Tag(String name, String raw, boolean end, boolean empty) {
        boolean is(String localName) {
            return name.equals(localName);
        }
    }

    @Override
    public void negotiate(Connection c) throws IOException {
        Plain plain = new Plain(c, "XMPP");
        plain.write(("<?xml version='1.0'?><stream:stream to='" + escape(c.serverName()) + "' version='1.0'"
                + " xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>").getBytes(StandardCharsets.UTF_8));
        Tag first = tag(plain);
        if (first.name().equals("?xml")) {
            first = tag(plain);
        }
        if (!first.is("stream") || first.end()) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "not an XMPP stream: the server began with '" + Plain.printable(first.raw()) + "'");
        }
        List<Tag> features = new ArrayList<>();
        Tag t = tag(plain);
        if (t.is("error")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the XMPP server closed the stream with an error: " + rest(plain, t));
        }
        if (!t.is("features")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the XMPP server sent '" + Plain.printable(t.raw()) + "' instead of its stream features");
        }
        if (!t.empty()) {
            while (true) {
                Tag f = tag(plain, true);
                if (f.is("features") && f.end()) {
                    break;
                }
                if (features.size() >= MAX_TAGS) {
                    throw new ProbeException.Protocol(Phase.PREAMBLE, "XMPP stream features of more than " + MAX_TAGS + " tags");
                }
                features.add(f);
            }
        }
        boolean offered = features.stream().anyMatch(f -> f.is("starttls") && !f.end() && f.raw().contains(TLS_NS));
        if (!offered) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the XMPP server does not offer STARTTLS; its features: "
                    + Plain.printable(String.join("", features.stream().map(Tag::raw).toList())));
        }
        plain.write(("<starttls xmlns='" + TLS_NS + "'/>").getBytes(StandardCharsets.UTF_8));
        Tag answer = tag(plain);
        if (answer.is("proceed")) {
            if (!answer.empty()) {
                Tag close = tag(plain, true);
                if (!(close.is("proceed") && close.end())) {
                    throw new ProbeException.Protocol(Phase.PREAMBLE, "the XMPP <proceed> element holds '" + Plain.printable(close.raw()) + "'");
                }
            }
            return;
        }
        throw new ProbeException.NoTls(Phase.PREAMBLE, "the XMPP server refused STARTTLS: "
                + (answer.end() ? Plain.printable(answer.raw()) : rest(plain, answer)));
    }

    /** The tags within an element up to its end (for an error's condition), best effort within the byte cap. */
    private static String rest(Plain plain, Tag open) throws IOException {
        StringBuilder b = new StringBuilder(open.raw());
        if (open.empty()) {
            return Plain.printable(b.toString());
        }
        for (int i = 0; i < 20; i++) {
            Tag t;
            try {
                t = tag(plain, true);
            } catch (IOException e) {
                break;
            }
            b.append(t.raw());
            if (t.name().equals(open.name()) && t.end()) {
                break;
            }
        }
        return Plain.printable(b.toString());
    }

    /** The next tag at the level of the stream, where only white space may stand between tags. */
    static Tag tag(Plain plain) throws IOException {
        return tag(plain, false);
    }

    /** The next tag; character data between tags is skipped when {@code textAllowed}, comments always. */
    static Tag tag(Plain plain, boolean textAllowed) throws IOException {
        // a loop, not a recursion: a server may send comments until the byte cap
        Tag tag;
        do {
            tag = tagOrComment(plain, textAllowed);
        } while (tag == null);
        return tag;
    }

    /** The next tag, or null for a comment (read up to its end). */
    private static Tag tagOrComment(Plain plain, boolean textAllowed) throws IOException {
        int b;
        int skipped = 0;
        while ((b = plain.read()) != '<') {
            if (!textAllowed && !Character.isWhitespace(b)) {
                throw new ProbeException.NoTls(Phase.PREAMBLE, String.format("not XMPP: the server sent 0x%02x where a tag was due", b));
            }
            if (++skipped > Plain.MAX_LINE) {
                throw new ProbeException.NoTls(Phase.PREAMBLE, "not XMPP: more than " + Plain.MAX_LINE + " bytes of text without a tag");
            }
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write('<');
        int quote = 0;
        while (true) {
            b = plain.read();
            raw.write(b);
            if (raw.size() > Plain.MAX_LINE) {
                throw new ProbeException.Protocol(Phase.PREAMBLE, "an XMPP tag longer than " + Plain.MAX_LINE + " bytes");
            }
            if (quote != 0) {
                if (b == quote) {
                    quote = 0;
                }
            } else if (b == '"' || b == '\'') {
                quote = b;
            } else if (b == '>') {
                break;
            }
        }
        String text = raw.toString(StandardCharsets.UTF_8);
        if (text.startsWith("<!--")) {
            while (!text.endsWith("-->")) {
                text = text + (char) plain.read();
                if (text.length() > Plain.MAX_LINE) {
                    throw new ProbeException.Protocol(Phase.PREAMBLE, "an XMPP comment longer than " + Plain.MAX_LINE + " bytes");
                }
            }
            return null;
        }
        boolean end = text.startsWith("</");
        boolean empty = text.endsWith("/>") || text.endsWith("?>");
        int from = end ? 2 : 1;
        int to = text.length() - (empty ? 2 : 1);
        // "</>" both ends and is empty: a tag without a name
        String inner = from < to ? text.substring(from, to).strip() : "";
        int stop = 0;
        while (stop < inner.length() && !Character.isWhitespace(inner.charAt(stop))) {
            stop++;
        }
        String qualified = inner.substring(0, stop);
        String local = qualified.startsWith("?") ? qualified : qualified.substring(qualified.indexOf(':') + 1);
        return new Tag(local.toLowerCase(Locale.ROOT), text, end, empty);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;");
    }
}

package dev.certsonar.scanner.probe;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SMTP STARTTLS (RFC 3207): read the greeting, EHLO, check that STARTTLS is offered, ask for it, expect 220. Replies
 * are read byte by byte so nothing of the TLS handshake that follows is consumed; lines and replies are capped.
 */
final class SmtpPreamble implements Preamble {

    private static final int MAX_LINE = 1024;
    private static final int MAX_LINES = 100;
    static final String EHLO_NAME = "certsonar.invalid";

    @Override
    public void negotiate(Connection c) throws IOException {
        List<String> greeting = reply(c);
        if (!code(greeting).equals("220")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the SMTP server did not greet with 220: " + String.join(" | ", greeting));
        }
        send(c, "EHLO " + EHLO_NAME);
        List<String> ehlo = reply(c);
        if (!code(ehlo).equals("250")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the SMTP server refused EHLO: " + String.join(" | ", ehlo));
        }
        boolean offered = ehlo.stream().anyMatch(l -> l.length() > 4 && l.substring(4).strip().toUpperCase(Locale.ROOT).startsWith("STARTTLS"));
        if (!offered) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the SMTP server does not offer STARTTLS: " + String.join(" | ", ehlo));
        }
        send(c, "STARTTLS");
        List<String> start = reply(c);
        if (!code(start).equals("220")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the SMTP server refused STARTTLS: " + String.join(" | ", start));
        }
    }

    private static void send(Connection c, String line) throws IOException {
        c.out().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        c.out().flush();
    }

    private static String code(List<String> reply) {
        String last = reply.get(reply.size() - 1);
        return last.length() >= 3 ? last.substring(0, 3) : last;
    }

    /** One reply: lines {@code NNN-text} up to the last {@code NNN text}. */
    private static List<String> reply(Connection c) throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_LINES) {
            String line = line(c);
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                if (line.length() < 3 || !Character.isDigit(line.charAt(0))) {
                    throw new ProbeException.NoTls(Phase.PREAMBLE, "not an SMTP reply: " + printable(line));
                }
                return lines;
            }
        }
        throw new ProbeException.Protocol(Phase.PREAMBLE, "the SMTP reply has more than " + MAX_LINES + " lines");
    }

    private static String line(Connection c) throws IOException {
        c.setReadTimeout(Duration.ofDays(1));
        InputStream in = c.in();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (buf.size() <= MAX_LINE) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection during the STARTTLS exchange"
                        + (buf.size() > 0 ? " after '" + printable(buf.toString(StandardCharsets.ISO_8859_1)) + "'" : ""));
            }
            if (b == '\n') {
                String s = buf.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buf.write(b);
        }
        throw new ProbeException.Protocol(Phase.PREAMBLE, "an SMTP line longer than " + MAX_LINE + " bytes");
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            b.append(ch >= 32 && ch < 127 ? ch : '?');
            if (b.length() >= 200) {
                break;
            }
        }
        return b.toString();
    }
}

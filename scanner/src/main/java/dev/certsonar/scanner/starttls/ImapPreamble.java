package dev.certsonar.scanner.starttls;

import dev.certsonar.scanner.probe.Phase;
import dev.certsonar.scanner.probe.ProbeException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * IMAP STARTTLS (RFC 9051, RFC 3501): read the greeting ({@code * OK}), ask for the capabilities unless the greeting
 * listed them, check that STARTTLS is offered, send it and expect a tagged OK.
 */
final class ImapPreamble implements Preamble {

    private static final int MAX_LINES = 100;

    @Override
    public void negotiate(Connection c) throws IOException {
        Plain plain = new Plain(c, "IMAP");
        String greeting = plain.line();
        String upper = greeting.toUpperCase(Locale.ROOT);
        if (upper.startsWith("* PREAUTH")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE,
                    "the IMAP server pre-authenticated the connection, so STARTTLS is not allowed: '" + Plain.printable(greeting) + "'");
        }
        if (!upper.startsWith("* OK")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the IMAP server did not greet with * OK: '" + Plain.printable(greeting) + "'");
        }
        List<String> capabilities = new ArrayList<>();
        if (upper.contains("[CAPABILITY ")) {
            capabilities.add(greeting);
        } else {
            plain.send("c1 CAPABILITY");
            List<String> answer = tagged(plain, "c1");
            if (!status(answer, "c1").equals("OK")) {
                throw new ProbeException.NoTls(Phase.PREAMBLE, "the IMAP server refused CAPABILITY: " + join(answer));
            }
            capabilities.addAll(answer);
        }
        boolean offered = capabilities.stream()
                .map(l -> " " + l.toUpperCase(Locale.ROOT).replace('[', ' ').replace(']', ' ') + " ")
                .anyMatch(l -> l.contains("CAPABILITY ") && l.contains(" STARTTLS "));
        if (!offered) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the IMAP server does not offer STARTTLS: " + join(capabilities));
        }
        plain.send("c2 STARTTLS");
        List<String> answer = tagged(plain, "c2");
        if (!status(answer, "c2").equals("OK")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the IMAP server refused STARTTLS: " + join(answer));
        }
    }

    /** Untagged lines up to and with the tagged completion of {@code tag}. */
    private static List<String> tagged(Plain plain, String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_LINES) {
            String line = plain.line();
            lines.add(line);
            if (line.startsWith(tag + " ")) {
                return lines;
            }
            if (!line.startsWith("* ") && !line.startsWith("+")) {
                throw new ProbeException.NoTls(Phase.PREAMBLE, "not an IMAP response: '" + Plain.printable(line) + "'");
            }
        }
        throw new ProbeException.Protocol(Phase.PREAMBLE, "more than " + MAX_LINES + " IMAP lines without the completion of " + tag);
    }

    private static String status(List<String> lines, String tag) {
        String last = lines.get(lines.size() - 1).substring(tag.length() + 1);
        int space = last.indexOf(' ');
        return (space < 0 ? last : last.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    private static String join(List<String> lines) {
        return Plain.printable(String.join(" | ", lines));
    }
}

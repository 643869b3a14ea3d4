package dev.certsonar.scanner.starttls;

import dev.certsonar.scanner.probe.Phase;
import dev.certsonar.scanner.probe.ProbeException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A reply of the SMTP and FTP kind: a three-digit code, lines {@code NNN-text} up to the last {@code NNN text}
 * (FTP lets the lines between carry anything).
 */
record NumericReply(String code, List<String> lines) {

    static final int MAX_LINES = 100;

    static NumericReply read(Plain plain) throws IOException {
        String first = plain.line();
        if (first.length() < 3 || !isCode(first.substring(0, 3)) || (first.length() > 3 && first.charAt(3) != ' ' && first.charAt(3) != '-')) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "not an " + plain.protocol() + " reply: '" + Plain.printable(first) + "'");
        }
        String code = first.substring(0, 3);
        List<String> lines = new ArrayList<>();
        lines.add(first);
        if (first.length() > 3 && first.charAt(3) == '-') {
            while (true) {
                if (lines.size() >= MAX_LINES) {
                    throw new ProbeException.Protocol(Phase.PREAMBLE, "an " + plain.protocol() + " reply of more than " + MAX_LINES + " lines");
                }
                String line = plain.line();
                lines.add(line);
                if (line.startsWith(code) && (line.length() == 3 || line.charAt(3) == ' ')) {
                    break;
                }
            }
        }
        return new NumericReply(code, List.copyOf(lines));
    }

    private static boolean isCode(String s) {
        return s.chars().allMatch(Character::isDigit);
    }

    boolean is(String expected) {
        return code.equals(expected);
    }

    /** The text of every line after its code. */
    List<String> texts() {
        return lines.stream().map(l -> l.length() > 4 && l.startsWith(code) ? l.substring(4) : l).toList();
    }

    @Override
    public String toString() {
        return Plain.printable(String.join(" | ", lines));
    }
}

package dev.certsonar.scanner.starttls;

import dev.certsonar.scanner.probe.Phase;
import dev.certsonar.scanner.probe.ProbeException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * POP3 STLS (RFC 2595): read the greeting ({@code +OK}), ask for the capabilities (RFC 2449; a server that does not
 * know CAPA is asked for STLS all the same), send {@code STLS} and expect {@code +OK}.
 */
final class Pop3Preamble implements Preamble {

    private static final int MAX_LINES = 100;

    @Override
    public void negotiate(Connection c) throws IOException {
        Plain plain = new Plain(c, "POP3");
        String greeting = plain.line();
        if (!greeting.startsWith("+OK")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the POP3 server did not greet with +OK: '" + Plain.printable(greeting) + "'");
        }
        plain.send("CAPA");
        String capa = plain.line();
        if (capa.startsWith("+OK")) {
            List<String> capabilities = new ArrayList<>();
            while (true) {
                String line = plain.line();
                if (line.equals(".")) {
                    break;
                }
                if (capabilities.size() >= MAX_LINES) {
                    throw new ProbeException.Protocol(Phase.PREAMBLE, "a POP3 capability list of more than " + MAX_LINES + " lines");
                }
                capabilities.add(line);
            }
            if (capabilities.stream().noneMatch(l -> l.strip().toUpperCase(Locale.ROOT).equals("STLS"))) {
                throw new ProbeException.NoTls(Phase.PREAMBLE,
                        "the POP3 server does not offer STLS: " + Plain.printable(String.join(" | ", capabilities)));
            }
        } else if (!capa.startsWith("-ERR")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "not a POP3 response: '" + Plain.printable(capa) + "'");
        }
        plain.send("STLS");
        String stls = plain.line();
        if (!stls.startsWith("+OK")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the POP3 server refused STLS: '" + Plain.printable(stls) + "'");
        }
    }
}

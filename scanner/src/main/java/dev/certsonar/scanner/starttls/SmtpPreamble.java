package dev.certsonar.scanner.starttls;

import dev.certsonar.scanner.probe.Phase;
import dev.certsonar.scanner.probe.ProbeException;

import java.io.IOException;
import java.util.Locale;

/** SMTP STARTTLS (RFC 3207): read the greeting, EHLO, check that STARTTLS is offered, ask for it, expect 220. */
final class SmtpPreamble implements Preamble {

    static final String EHLO_NAME = "certsonar.invalid";

    @Override
    public void negotiate(Connection c) throws IOException {
        Plain plain = new Plain(c, "SMTP");
        NumericReply greeting = NumericReply.read(plain);
        if (!greeting.is("220")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the SMTP server did not greet with 220: " + greeting);
        }
        plain.send("EHLO " + EHLO_NAME);
        NumericReply ehlo = NumericReply.read(plain);
        if (!ehlo.is("250")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the SMTP server refused EHLO: " + ehlo);
        }
        boolean offered = ehlo.texts().stream().anyMatch(l -> l.strip().toUpperCase(Locale.ROOT).startsWith("STARTTLS"));
        if (!offered) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the SMTP server does not offer STARTTLS: " + ehlo);
        }
        plain.send("STARTTLS");
        NumericReply start = NumericReply.read(plain);
        if (!start.is("220")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the SMTP server refused STARTTLS: " + start);
        }
    }
}

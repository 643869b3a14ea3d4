package dev.certsonar.scanner.starttls;

import dev.certsonar.scanner.probe.Phase;
import dev.certsonar.scanner.probe.ProbeException;

import java.io.IOException;

/**
 * FTP AUTH TLS (RFC 4217): read the greeting (after any 120 "ready in a moment"), send {@code AUTH TLS}, expect 234.
 */
final class FtpPreamble implements Preamble {

    @Override
    public void negotiate(Connection c) throws IOException {
        Plain plain = new Plain(c, "FTP");
        NumericReply greeting = NumericReply.read(plain);
        for (int i = 0; i < 3 && greeting.code().startsWith("1"); i++) {
            greeting = NumericReply.read(plain);
        }
        if (!greeting.is("220")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the FTP server did not greet with 220: " + greeting);
        }
        plain.send("AUTH TLS");
        NumericReply auth = NumericReply.read(plain);
        if (!auth.is("234")) {
            throw new ProbeException.NoTls(Phase.PREAMBLE, "the FTP server refused AUTH TLS: " + auth);
        }
    }
}

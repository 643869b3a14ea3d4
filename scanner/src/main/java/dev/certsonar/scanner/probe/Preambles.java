package dev.certsonar.scanner.probe;

import dev.certsonar.schemas.avro.Protocol;

/** The plain-text exchange each protocol needs before TLS: none for implicit TLS. */
public final class Preambles {

    private Preambles() {
    }

    public static Preamble forProtocol(Protocol protocol) {
        return switch (protocol) {
            case TLS, HTTPS, SMTPS, IMAPS, POP3S, LDAPS, UNKNOWN -> Preamble.NONE;
            case SMTP -> new SmtpPreamble();
            default -> connection -> {
                throw new ProbeException.Protocol(Phase.PREAMBLE,
                        "STARTTLS for " + protocol.name().toLowerCase(java.util.Locale.ROOT) + " is not supported by this scanner yet");
            };
        };
    }
}

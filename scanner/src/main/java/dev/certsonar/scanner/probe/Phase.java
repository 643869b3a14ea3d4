package dev.certsonar.scanner.probe;

/** The phases of a probe, each with its own timeout within the probe's deadline. */
public enum Phase {
    DNS("name resolution"),
    CONNECT("connecting"),
    PREAMBLE("the STARTTLS exchange"),
    HANDSHAKE("the TLS handshake");

    private final String text;

    Phase(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}

package dev.certsonar.cli.inspect;

/**
 * Why an input gave no certificate, in words for the person who named it; never with the input's content, which may
 * hold a private key. {@link #notCertificates()} tells input of another kind (a folder skips it) from a certificate
 * file that cannot be read (always an error).
 */
public final class InputProblem extends Exception {

    private final boolean notCertificates;

    private InputProblem(String message, boolean notCertificates) {
        super(message, null, false, false);
        this.notCertificates = notCertificates;
    }

    /** A certificate file (PEM, DER, PKCS#7, keystore, secret) that is broken, truncated or locked. */
    static InputProblem broken(String message) {
        return new InputProblem(message, false);
    }

    /** Input of another kind: no certificate format was recognised. */
    static InputProblem notCertificates(String message) {
        return new InputProblem("not a certificate file: " + message, true);
    }

    public boolean notCertificates() {
        return notCertificates;
    }

    /** The same problem, its message prefixed with where inside the input it is ("secret web-tls: "). */
    InputProblem within(String where) {
        return new InputProblem(where + ": " + getMessage(), notCertificates);
    }
}

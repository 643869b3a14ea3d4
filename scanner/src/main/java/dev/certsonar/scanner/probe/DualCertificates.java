package dev.certsonar.scanner.probe;

import java.security.cert.X509Certificate;

/** When an endpoint gets a second handshake, and what that handshake offers. */
final class DualCertificates {

    /** What the second handshake offers, as {@code AlternateChain.offered} says it. */
    static final String RSA_ONLY = "RSA signature algorithms only";

    private DualCertificates() {
    }

    /** Whether the leaf has an EC key: a server may then serve an RSA certificate beside it to clients without ECDSA. */
    static boolean isEcdsa(X509Certificate leaf) {
        try {
            return "EC".equals(leaf.getPublicKey().getAlgorithm());
        } catch (RuntimeException e) {
            return false;
        }
    }
}

package dev.certsonar.sandbox.tls;

import java.time.Clock;

/**
 * Entry point for generating test certificates with Bouncy Castle: real X.509 v3 certificates with subject
 * alternative names, basic constraints, key usage, key identifiers and optional AIA/CRL URLs.
 *
 * <pre>{@code
 * CertificateAuthority root = Pki.root("Sandbox Root");
 * IssuedCertificate server = root.intermediate("Sandbox CA").leaf()
 *         .dnsNames("localhost").ipAddresses("127.0.0.1").expiresIn(Duration.ofDays(3)).issue();
 * IssuedCertificate weak = root.leaf().dnsNames("old.test").key(KeySpec.rsa(1024)).signatureAlgorithm("SHA1withRSA").issue();
 * IssuedCertificate self = Pki.selfSigned().dnsNames("localhost").issue();
 * }</pre>
 */
public final class Pki {

    private Pki() {
    }

    /** A root CA with default settings (RSA-2048, SHA256withRSA, 10 years), dated by the system clock. */
    public static CertificateAuthority root(String cn) {
        return rootBuilder(cn).create();
    }

    /** A root CA with default settings whose dates (and those of what it issues) come from {@code clock}. */
    public static CertificateAuthority root(String cn, Clock clock) {
        return rootBuilder(cn, clock).create();
    }

    public static CertificateAuthority.CaBuilder rootBuilder(String cn) {
        return rootBuilder(cn, Clock.systemUTC());
    }

    public static CertificateAuthority.CaBuilder rootBuilder(String cn, Clock clock) {
        return new CertificateAuthority.CaBuilder(cn, null, clock);
    }

    /** A builder for a self-signed end-entity certificate, dated by the system clock. */
    public static CertificateBuilder selfSigned() {
        return selfSigned(Clock.systemUTC());
    }

    public static CertificateBuilder selfSigned(Clock clock) {
        return new CertificateBuilder(null, clock);
    }
}

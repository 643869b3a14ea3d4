package dev.certsonar.scanner.probe;

import dev.certsonar.scanner.judge.DelegatingCertificate;

import java.security.cert.X509Certificate;

/** A certificate that is the given one in every way but its encoding, which is the bytes given: what a server sends. */
final class MisencodedCertificate extends DelegatingCertificate {

    private final byte[] encoding;

    MisencodedCertificate(X509Certificate certificate, byte[] encoding) {
        super(certificate);
        this.encoding = encoding.clone();
    }

    @Override
    public byte[] getEncoded() {
        return encoding.clone();
    }

    @Override
    public String toString() {
        return "misencoded " + getSubjectX500Principal();
    }
}

package dev.certsonar.sandbox.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A certificate with its private key.
 *
 * @param certificate the certificate
 * @param privateKey  its private key
 * @param chain       the certificate followed by the CAs that issued it, up to but without the root
 *                    (what a server usually sends)
 * @param root        the self-signed root at the top of the chain (the certificate itself when self-signed)
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey,
                                List<X509Certificate> chain, X509Certificate root) {

    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        Objects.requireNonNull(root, "root");
        if (chain.isEmpty() || !chain.get(0).equals(certificate)) {
            throw new IllegalArgumentException("chain must start with the certificate");
        }
    }

    /** The chain with the root appended (unless the certificate is itself the root). */
    public List<X509Certificate> chainWithRoot() {
        if (chain.get(chain.size() - 1).equals(root)) {
            return chain;
        }
        List<X509Certificate> all = new ArrayList<>(chain);
        all.add(root);
        return List.copyOf(all);
    }
}

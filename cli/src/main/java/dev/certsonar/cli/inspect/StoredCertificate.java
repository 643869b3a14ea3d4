package dev.certsonar.cli.inspect;

import java.security.cert.X509Certificate;

/**
 * A certificate as a file stores it.
 *
 * @param certificate the certificate
 * @param entry       the named part of the file that holds it (a keystore alias, a Kubernetes secret); null when the
 *                    file has no named parts
 */
public record StoredCertificate(X509Certificate certificate, String entry) {
}

package dev.certsonar.scanner.probe;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Locale;

/** Signature checks on certificates, without the JDK's algorithm policy: weak algorithms are judged, not refused. */
final class Signatures {

    private Signatures() {
    }

    static boolean verifies(X509Certificate cert, PublicKey issuerKey) {
        try {
            cert.verify(issuerKey);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** SHA-1, MD5 or MD2 based. */
    static boolean isWeak(String signatureAlgorithm) {
        String s = signatureAlgorithm.toUpperCase(Locale.ROOT).replace("-", "");
        return s.startsWith("SHA1WITH") || s.startsWith("MD5WITH") || s.startsWith("MD2WITH") || s.equals("SHA1");
    }
}

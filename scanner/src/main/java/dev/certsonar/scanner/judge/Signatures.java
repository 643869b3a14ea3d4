package dev.certsonar.scanner.judge;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signature checks on certificates, without the JDK's algorithm policy: weak algorithms are judged, not refused. A
 * result is remembered (up to {@link #REMEMBERED} of them): the intermediates and roots that many servers share are
 * verified once per engine, not once per probe.
 */
final class Signatures {

    static final int REMEMBERED = 20_000;

    private record Check(X509Certificate cert, PublicKey key) {
    }

    private final Map<Check, Boolean> results = new ConcurrentHashMap<>();

    boolean verifies(X509Certificate cert, PublicKey issuerKey) {
        Check check = new Check(cert, issuerKey);
        Boolean known = results.get(check);
        if (known != null) {
            return known;
        }
        boolean result;
        try {
            cert.verify(issuerKey);
            result = true;
        } catch (GeneralSecurityException | RuntimeException e) {
            result = false;
        }
        if (results.size() >= REMEMBERED) {
            results.clear();
        }
        results.put(check, result);
        return result;
    }

    /** SHA-1, MD5 or MD2 based. */
    static boolean isWeak(String signatureAlgorithm) {
        String s = signatureAlgorithm.toUpperCase(Locale.ROOT).replace("-", "");
        return s.startsWith("SHA1WITH") || s.startsWith("MD5WITH") || s.startsWith("MD2WITH") || s.equals("SHA1");
    }
}

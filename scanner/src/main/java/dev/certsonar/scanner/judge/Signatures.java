package dev.certsonar.scanner.judge;

import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

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

    /**
     * The weak signature algorithm of a certificate in words ({@code SHA1withRSA}, {@code RSASSA-PSS with SHA-1});
     * null when it is not weak. RSASSA-PSS is weak when its parameters name SHA-1 (or MD5) as the message hash or as
     * MGF1's hash; absent parameters mean SHA-1 (RFC 4055 §3.1).
     */
    static String weakness(X509Certificate cert) {
        String name = cert.getSigAlgName();
        if (isWeak(name)) {
            return name;
        }
        if (!PKCSObjectIdentifiers.id_RSASSA_PSS.getId().equals(cert.getSigAlgOID())) {
            return null;
        }
        try {
            byte[] params = cert.getSigAlgParams();
            RSASSAPSSparams pss = params == null ? new RSASSAPSSparams() : RSASSAPSSparams.getInstance(params);
            String hash = weakHash(pss.getHashAlgorithm());
            AlgorithmIdentifier mgf = pss.getMaskGenAlgorithm();
            String mgfHash = PKCSObjectIdentifiers.id_mgf1.equals(mgf.getAlgorithm())
                    ? weakHash(AlgorithmIdentifier.getInstance(mgf.getParameters())) : null;
            if (hash != null) {
                return "RSASSA-PSS with " + hash;
            }
            return mgfHash == null ? null : "RSASSA-PSS with MGF1 over " + mgfHash;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String weakHash(AlgorithmIdentifier hash) {
        if (OIWObjectIdentifiers.idSHA1.equals(hash.getAlgorithm())) {
            return "SHA-1";
        }
        return PKCSObjectIdentifiers.md5.equals(hash.getAlgorithm()) ? "MD5" : null;
    }
}

package dev.certsonar.scanner.judge;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Security;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JDK's distrust of certificate authorities for TLS servers, as its TLS trust manager applies it after path
 * validation (the {@code jdk.security.caDistrustPolicies} security property; not part of the PKIX CertPathValidator):
 * a TLS server certificate whose path ends at one of a policy's roots and whose notBefore (its UTC date) is after the
 * policy's date is distrusted. The table is the JDK's, from {@code sun.security.validator.SymantecTLSPolicy},
 * {@code EntrustTLSPolicy}, {@code CamerfirmaTLSPolicy} and {@code ChunghwaTLSPolicy} of JDK 25 (roots by the SHA-256
 * fingerprints the JDK names, dates and the two Apple sub-CAs the Symantec policy exempts until 2019-12-31); which
 * policies hold is read from the security property, as the JDK reads it (unknown names ignored, none when it is
 * empty). Applied to public anchors only: a private anchor sets its own rules.
 */
final class DistrustPolicies {

    /**
     * One policy: its name in the security property, what its roots are in words, the date after which what they
     * issue is distrusted, the roots (SHA-256 fingerprints, upper-case hex) and sub-CAs with later dates of their own.
     */
    record Policy(String name, String what, LocalDate after, Set<String> roots, Map<String, LocalDate> exemptSubCas) {
    }

    /** The JDK's policies. */
    static final List<Policy> JDK = List.of(
            new Policy("SYMANTEC_TLS", "a legacy Symantec root", LocalDate.of(2019, 4, 16),
                    Set.of("FF856A2D251DCD88D36656F450126798CFABAADE40799C722DE4D2B5DB36A73A", // GeoTrust Global CA
                            "37D51006C512EAAB626421F1EC8C92013FC5F82AE98EE533EB4619B8DEB4D06C", // GeoTrust Primary Certification Authority
                            "5EDB7AC43B82A06A8761E8D7BE4979EBF2611F7DD79BF91C1C6B566A219ED766", // GeoTrust Primary Certification Authority - G2
                            "B478B812250DF878635C2AA7EC7D155EAA625EE82916E2CD294361886CD1FBD4", // GeoTrust Primary Certification Authority - G3
                            "A0459B9F63B22559F5FA5D4C6DB3F9F72FF19342033578F073BF1D1B46CBB912", // GeoTrust Universal CA
                            "8D722F81A9C113C0791DF136A2966DB26C950A971DB46B4199F4EA54B78BFB9F", // thawte Primary Root CA
                            "A4310D50AF18A6447190372A86AFAF8B951FFB431D837F1E5688B45971ED1557", // thawte Primary Root CA - G2
                            "4B03F45807AD70F21BFC2CAE71C9FDE4604C064CF5FFB686BAE5DBAAD7FDD34C", // thawte Primary Root CA - G3
                            "3F9F27D583204B9E09C8A3D2066C4B57D3A2479C3693650880505698105DBCE9", // Thawte Premium Server CA
                            "3A43E220FE7F3EA9653D1E21742EAC2B75C20FD8980305BC502CAF8C2D9B41A1", // VeriSign Class 2 Public Primary CA - G2
                            "A4B6B3996FC2F306B3FD8681BD63413D8C5009CC4FA329C2CCF0E2FA1B140305", // VeriSign Class 3 Public Primary CA
                            "83CE3C1229688A593D485F81973C0F9195431EDA37CC5E36430E79C7A888638B", // VeriSign Class 3 Public Primary CA - G2
                            "EB04CF5EB1F39AFA762F2BB120F296CBA520C1B97DB1589565B81CB9A17B7244", // VeriSign Class 3 Public Primary CA - G3
                            "69DDD7EA90BB57C93E135DC85EA6FCD5480B603239BDC454FC758B2A26CF7F79", // VeriSign Class 3 Public Primary CA - G4
                            "9ACFAB7E43C8D880D06B262A94DEEEE4B4659989C3D0CAF19BAF6405E41AB7DF", // VeriSign Class 3 Public Primary CA - G5
                            "2399561127A57125DE8CEFEA610DDF2FA078B5C8067F4E828290BFB860E84B3C"), // VeriSign Universal Root CA
                    Map.of("AC2B922ECFD5E01711772FEA8ED372DE9D1E2245FCE3F57A9CDBEC77296A424B", LocalDate.of(2019, 12, 31), // Apple IST CA 2 - G1
                            "A4FE7C7F15155F3F0AEF7AAA83CF6E06DEB97CA3F909DF920AC1490882D488ED", LocalDate.of(2019, 12, 31))), // Apple IST CA 8 - G1
            new Policy("ENTRUST_TLS", "a legacy Entrust root", LocalDate.of(2024, 11, 11),
                    Set.of("73C176434F1BC6D5ADF45B0E76E727287C8DE57616C1E6E6141A2B2CBC7D8E4C", // Entrust Root Certification Authority
                            "02ED0EB28C14DA45165C566791700D6451D7FB56F0B2AB1D3B8EB070E56EDFF5", // Entrust Root Certification Authority - EC1
                            "43DF5774B03E7FEF5FE40D931A7BEDF1BB2E6B42738C4E6D3841103D3AA7F339", // Entrust Root Certification Authority - G2
                            "DB3517D1F6732A2D5AB97C533EC70779EE3270A62FB4AC4238372460E6F01E88", // Entrust Root Certification Authority - G4
                            "6DC47172E01CBCB0BF62580D895FE2B8AC9AD4F873801E0C10B9C837D21EB177"), // Entrust.net Certification Authority (2048)
                    Map.of()),
            new Policy("CAMERFIRMA_TLS", "a legacy Camerfirma root", LocalDate.of(2025, 4, 15),
                    Set.of("063E4AFAC491DFD332F3089B8542E94617D893D7FE944E10A7937EE29D9693C0"), // Chambers of Commerce Root - 2008
                    Map.of()),
            new Policy("CHUNGHWA_TLS", "a legacy Chunghwa root", LocalDate.of(2026, 3, 17),
                    Set.of("C0A6F4DC63A24BFDCF54EF2A6A082A0A72DE35803E2FF5FF527AE5D87206DFD5"), // ePKI Root Certification Authority
                    Map.of()));

    private final List<Policy> enabled;

    DistrustPolicies(List<Policy> enabled) {
        this.enabled = List.copyOf(enabled);
    }

    /** The JDK's policies that its {@code jdk.security.caDistrustPolicies} security property names. */
    static DistrustPolicies fromSecurityProperty() {
        return new DistrustPolicies(parse(Security.getProperty("jdk.security.caDistrustPolicies")));
    }

    /** The JDK's policies a value of the security property names (unknown names ignored, none for an empty value). */
    static List<Policy> parse(String property) {
        if (property == null || property.isBlank()) {
            return List.of();
        }
        Set<String> names = new java.util.HashSet<>();
        for (String name : property.split(",")) {
            names.add(name.trim());
        }
        return JDK.stream().filter(p -> names.contains(p.name())).toList();
    }

    /** The policy that distrusts certificates under this anchor, or null. */
    Policy policyOf(X509Certificate anchor) {
        if (enabled.isEmpty()) {
            return null;
        }
        String fingerprint = sha256(anchor);
        for (Policy p : enabled) {
            if (p.roots().contains(fingerprint)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Why the policy distrusts the path, in words; null when it does not.
     *
     * @param path the served certificates of the path, the leaf first
     */
    static String distrusts(Policy policy, List<X509Certificate> path, X509Certificate anchor) {
        LocalDate issued = LocalDate.ofInstant(path.get(0).getNotBefore().toInstant(), ZoneOffset.UTC);
        LocalDate after = policy.after();
        if (path.size() > 1) {
            LocalDate exempt = policy.exemptSubCas().get(sha256(path.get(path.size() - 1)));
            if (exempt != null) {
                after = exempt;
            }
        }
        if (!issued.isAfter(after)) {
            return null;
        }
        return "untrusted: the certificate was issued on " + issued + ", after " + after + ", under '" + ChainJudge.name(anchor)
                + "', " + policy.what() + " whose TLS server certificates issued after that date the JDK distrusts ("
                + policy.name() + " of jdk.security.caDistrustPolicies)";
    }

    static String sha256(X509Certificate c) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint " + c.getSubjectX500Principal(), e);
        }
    }
}

package dev.certsonar.scanner.judge;

import dev.certsonar.schemas.net.Addresses;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.jce.provider.PKIXNameConstraintValidator;
import org.bouncycastle.jce.provider.PKIXNameConstraintValidatorException;

import java.net.InetAddress;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for a TLS server's path that RFC 5280's algorithm leaves to the application, run by the path validator on
 * every certificate of the path, the trust anchor's side first:
 * <ul>
 *   <li>an issuing CA whose extended key usage names neither serverAuth nor anyExtendedKeyUsage cannot issue for a TLS
 *       server (as browsers hold, CA/Browser Forum Baseline Requirements 7.1.2.10.6);</li>
 *   <li>the leaf is a version 3 certificate (versions 1 and 2 only as trust anchors); its extended key usage, when it
 *       has one, allows serverAuth or anyExtendedKeyUsage (RFC 5280 §4.2.1.12); its key usage, when it has one, allows
 *       what its key type does in TLS (RSA: digitalSignature or keyEncipherment; EC: digitalSignature or
 *       keyAgreement; others: digitalSignature; RFC 5280 §4.2.1.3);</li>
 *   <li>a leaf without DNS or IP subject alternative names has the DNS names or addresses of its subject common names
 *       inside the name constraints of the path (as the JDK and browsers treat the common name of such a leaf).</li>
 * </ul>
 * It handles the extended key usage extension, so a critical one is not an unknown critical extension. What breaks a
 * rule is said in words, kept in {@link Broken} (shared by the validator's copies of this checker).
 */
final class TlsServerRules extends PKIXCertPathChecker {

    static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final String NAME_CONSTRAINTS = "2.5.29.30";
    private static final Pattern DNS_NAME = Pattern.compile("(?i)[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\\.?");
    private static final Map<String, String> PURPOSES = Map.of(
            SERVER_AUTH, "serverAuth", "1.3.6.1.5.5.7.3.2", "clientAuth", "1.3.6.1.5.5.7.3.3", "codeSigning",
            "1.3.6.1.5.5.7.3.4", "emailProtection", "1.3.6.1.5.5.7.3.8", "timeStamping", "1.3.6.1.5.5.7.3.9", "OCSPSigning",
            ANY_EXTENDED_KEY_USAGE, "anyExtendedKeyUsage");
    private static final String[] KEY_USAGES = {"digitalSignature", "nonRepudiation", "keyEncipherment",
            "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};

    /** What the rules found broken, in words; null while nothing is. */
    static final class Broken {
        String words;
    }

    private final int length;
    private final NameConstraints anchorConstraints;
    private final Broken broken;
    private int seen;
    private PKIXNameConstraintValidator constraints;

    /**
     * @param length            the number of certificates of the path (the anchor not counted)
     * @param anchorConstraints the trust anchor's name constraints, or null
     */
    TlsServerRules(int length, NameConstraints anchorConstraints, Broken broken) {
        this.length = length;
        this.anchorConstraints = anchorConstraints;
        this.broken = broken;
    }

    @Override
    public void init(boolean forward) throws CertPathValidatorException {
        if (forward) {
            throw new CertPathValidatorException("the TLS server rules check the path from its trust anchor down");
        }
        seen = 0;
        constraints = new PKIXNameConstraintValidator();
        add(anchorConstraints);
    }

    @Override
    public boolean isForwardCheckingSupported() {
        return false;
    }

    @Override
    public Set<String> getSupportedExtensions() {
        return Set.of(EXTENDED_KEY_USAGE);
    }

    @Override
    public void check(Certificate certificate, Collection<String> unresolvedCritExts) throws CertPathValidatorException {
        X509Certificate cert = certificate instanceof DelegatingCertificate d ? d.delegate() : (X509Certificate) certificate;
        unresolvedCritExts.remove(EXTENDED_KEY_USAGE);
        seen++;
        List<String> eku = extendedKeyUsage(cert);
        boolean serverAuth = eku == null || eku.contains(SERVER_AUTH) || eku.contains(ANY_EXTENDED_KEY_USAGE);
        if (seen < length) {
            if (!serverAuth) {
                fail("'" + ChainJudge.name(cert) + "' may not issue TLS server certificates: its extended key usage is "
                        + purposes(eku) + " (CA/Browser Forum Baseline Requirements 7.1.2.10.6)");
            }
            add(nameConstraints(cert));
            return;
        }
        if (cert.getVersion() < 3) {
            fail("the certificate is a version " + cert.getVersion() + " certificate, which only a trust anchor may be"
                    + " (RFC 5280 §4.1.2.1)");
        }
        if (!serverAuth) {
            fail("the certificate is not for a TLS server: its extended key usage is " + purposes(eku) + " (RFC 5280 §4.2.1.12)");
        }
        boolean[] ku = cert.getKeyUsage();
        if (ku != null && !keyUsageFits(ku, cert)) {
            fail("the certificate's key usage (" + usages(ku) + ") does not allow a TLS server's "
                    + CertificateParser.keyAlgorithm(cert.getPublicKey()) + " key (RFC 5280 §4.2.1.3)");
        }
        Hostnames.Sans sans = Hostnames.sans(cert);
        if (sans.dnsNames().isEmpty() && sans.ipAddresses().isEmpty()) {
            checkCommonNames(cert);
        }
    }

    private void checkCommonNames(X509Certificate cert) throws CertPathValidatorException {
        X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
            String cn = IETFUtils.valueToString(rdn.getFirst().getValue());
            GeneralName name;
            var ip = Addresses.literal(cn);
            if (ip.isPresent()) {
                name = new GeneralName(GeneralName.iPAddress, new org.bouncycastle.asn1.DEROctetString(ip.map(InetAddress::getAddress).get()));
            } else if (DNS_NAME.matcher(cn).matches()) {
                name = new GeneralName(GeneralName.dNSName, cn);
            } else {
                continue;
            }
            try {
                constraints.checkPermitted(name);
                constraints.checkExcluded(name);
            } catch (PKIXNameConstraintValidatorException e) {
                fail("the certificate's common name " + cn + " (it has no subject alternative names) is outside the"
                        + " name constraints of its path (RFC 5280 §4.2.1.10)");
            }
        }
    }

    private void add(NameConstraints nc) {
        if (nc == null) {
            return;
        }
        GeneralSubtree[] permitted = nc.getPermittedSubtrees();
        if (permitted != null) {
            constraints.intersectPermittedSubtree(permitted);
        }
        GeneralSubtree[] excluded = nc.getExcludedSubtrees();
        if (excluded != null) {
            for (GeneralSubtree s : excluded) {
                constraints.addExcludedSubtree(s);
            }
        }
    }

    private void fail(String words) throws CertPathValidatorException {
        broken.words = words;
        throw new CertPathValidatorException(words);
    }

    /** The name constraints extension of a certificate, or null (also when it cannot be read: the validator says so). */
    static NameConstraints nameConstraints(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(NAME_CONSTRAINTS);
        if (ext == null) {
            return null;
        }
        try {
            return NameConstraints.getInstance(ASN1OctetString.getInstance(ext).getOctets());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean keyUsageFits(boolean[] ku, X509Certificate cert) {
        boolean digitalSignature = ku.length > 0 && ku[0];
        boolean keyEncipherment = ku.length > 2 && ku[2];
        boolean keyAgreement = ku.length > 4 && ku[4];
        return switch (cert.getPublicKey()) {
            case RSAPublicKey rsa -> digitalSignature || keyEncipherment;
            case ECPublicKey ec -> digitalSignature || keyAgreement;
            default -> digitalSignature;
        };
    }

    private static List<String> extendedKeyUsage(X509Certificate cert) throws CertPathValidatorException {
        try {
            return cert.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new CertPathValidatorException("the extended key usage of '" + ChainJudge.name(cert) + "' cannot be read");
        }
    }

    private static String purposes(List<String> eku) {
        return eku.isEmpty() ? "empty" : String.join(", ", eku.stream().map(o -> PURPOSES.getOrDefault(o, o)).toList());
    }

    private static String usages(boolean[] ku) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ku.length && i < KEY_USAGES.length; i++) {
            if (ku[i]) {
                out.append(out.isEmpty() ? "" : ", ").append(KEY_USAGES[i]);
            }
        }
        return out.isEmpty() ? "none" : out.toString();
    }
}

package dev.certsonar.sandbox.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v1CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds and signs one X.509 certificate (v3, or v1 when its profile says so). */
final class X509Signer {

    private static final SecureRandom RANDOM = new SecureRandom();

    private X509Signer() {
    }

    /** What goes into a certificate. {@code pathLength} < 0 = no limit; ignored for end-entity certificates. */
    record Spec(X500Name subject, PublicKey subjectKey, X500Name issuer, PublicKey issuerKey, PrivateKey signingKey,
                String signatureAlgorithm, BigInteger serial, Instant notBefore, Instant notAfter,
                boolean ca, int pathLength, List<String> dnsNames, List<String> ipAddresses,
                List<String> ocspUrls, List<String> caIssuersUrls, List<String> crlUrls, Profile profile) {
    }

    /** A random positive serial number of up to 127 bits. */
    static BigInteger randomSerial() {
        return new BigInteger(127, RANDOM).setBit(0);
    }

    static X509Certificate sign(Spec spec) {
        if (!spec.notAfter().isAfter(spec.notBefore())) {
            throw new IllegalArgumentException("notAfter " + spec.notAfter() + " must be after notBefore " + spec.notBefore());
        }
        if (spec.serial().signum() <= 0) {
            throw new IllegalArgumentException("serial must be positive, was " + spec.serial());
        }
        try {
            var signer = signerBuilder(spec.signatureAlgorithm()).build(spec.signingKey());
            Profile profile = spec.profile();
            if (profile.version1) {
                return new JcaX509CertificateConverter().getCertificate(new JcaX509v1CertificateBuilder(
                        spec.issuer(), spec.serial(), Date.from(spec.notBefore()), Date.from(spec.notAfter()),
                        spec.subject(), spec.subjectKey()).build(signer));
            }
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    spec.issuer(), spec.serial(), Date.from(spec.notBefore()), Date.from(spec.notAfter()),
                    spec.subject(), spec.subjectKey());

            if (profile.basicConstraints) {
                builder.addExtension(Extension.basicConstraints, true, !spec.ca() || profile.notCa ? new BasicConstraints(false)
                        : spec.pathLength() >= 0 ? new BasicConstraints(spec.pathLength()) : new BasicConstraints(true));
            }
            int usage = KeyUsage.digitalSignature;
            if (spec.ca()) {
                usage |= KeyUsage.keyCertSign | KeyUsage.cRLSign;
            } else if ("RSA".equals(spec.subjectKey().getAlgorithm())) {
                usage |= KeyUsage.keyEncipherment;
            }
            if (profile.keyUsage == null || profile.keyUsage != 0) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(profile.keyUsage != null ? profile.keyUsage : usage));
            }
            ExtendedKeyUsage eku = profile.extendedKeyUsageSet ? profile.extendedKeyUsage : spec.ca() ? null
                    : new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
            if (eku != null) {
                builder.addExtension(Extension.extendedKeyUsage, false, eku);
            }
            if (profile.nameConstraints() != null) {
                builder.addExtension(Extension.nameConstraints, true, profile.nameConstraints());
            }
            for (Profile.Added a : profile.added) {
                builder.addExtension(new ASN1ObjectIdentifier(a.oid()), a.critical(), a.value());
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(spec.subjectKey()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(spec.issuerKey()));

            List<GeneralName> names = new ArrayList<>();
            spec.dnsNames().forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
            spec.ipAddresses().forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }

            List<AccessDescription> access = new ArrayList<>();
            spec.ocspUrls().forEach(u -> access.add(new AccessDescription(AccessDescription.id_ad_ocsp,
                    new GeneralName(GeneralName.uniformResourceIdentifier, u))));
            spec.caIssuersUrls().forEach(u -> access.add(new AccessDescription(AccessDescription.id_ad_caIssuers,
                    new GeneralName(GeneralName.uniformResourceIdentifier, u))));
            if (!access.isEmpty()) {
                builder.addExtension(Extension.authorityInfoAccess, false,
                        new AuthorityInformationAccess(access.toArray(AccessDescription[]::new)));
            }
            if (!spec.crlUrls().isEmpty()) {
                DistributionPoint[] points = spec.crlUrls().stream()
                        .map(u -> new DistributionPoint(new DistributionPointName(new GeneralNames(
                                new GeneralName(GeneralName.uniformResourceIdentifier, u))), null, null))
                        .toArray(DistributionPoint[]::new);
                builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(points));
            }

            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new IllegalArgumentException("Cannot sign with " + spec.signatureAlgorithm() + " using a "
                    + spec.signingKey().getAlgorithm() + " key: " + e.getMessage(), e);
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build certificate for " + spec.subject() + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot build certificate for " + spec.subject() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The signer for an algorithm name; {@code SHA256withRSAandMGF1} (and SHA1, SHA384, SHA512) is RSASSA-PSS with that
     * digest for the message and for MGF1 and a salt as long as the digest, which Bouncy Castle's provider signs.
     */
    private static JcaContentSignerBuilder signerBuilder(String algorithm) {
        JcaContentSignerBuilder builder = new JcaContentSignerBuilder(algorithm);
        return algorithm.toUpperCase(java.util.Locale.ROOT).endsWith("WITHRSAANDMGF1") ? builder.setProvider(Pss.PROVIDER) : builder;
    }

    /** Bouncy Castle's provider, made when first needed and never registered in the JVM. */
    private static final class Pss {
        static final java.security.Provider PROVIDER = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    }

    static X500Name subjectOf(X509Certificate certificate) {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    }

    static X500Name name(String cnOrDn) {
        return cnOrDn.contains("=") ? new X500Name(cnOrDn) : new X500Name("CN=" + escape(cnOrDn));
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (",+\"\\<>;=#".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    static void checkSignatureAlgorithm(String signatureAlgorithm, PrivateKey signingKey) {
        String upper = signatureAlgorithm.toUpperCase(java.util.Locale.ROOT);
        String keyAlgorithm = signingKey.getAlgorithm();
        boolean fits = switch (keyAlgorithm) {
            case "RSA" -> upper.endsWith("WITHRSA") || upper.endsWith("WITHRSAANDMGF1");
            case "EC" -> upper.endsWith("WITHECDSA");
            case "DSA" -> upper.endsWith("WITHDSA");
            default -> true;
        };
        if (!fits) {
            throw new IllegalArgumentException("signatureAlgorithm " + signatureAlgorithm
                    + " does not fit the issuer's " + keyAlgorithm + " key");
        }
    }
}

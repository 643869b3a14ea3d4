package dev.certsonar.scanner.judge;

import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.net.Addresses;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.NamedParameterSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.security.auth.x500.X500Principal;

/** Describes a certificate completely, whatever its state: the fields of the Avro {@link Certificate}. */
public final class CertificateParser {

    private static final String SCT_LIST_OID = "1.3.6.1.4.1.11129.2.4.2";
    private static final String[] KEY_USAGE = {"digitalSignature", "nonRepudiation", "keyEncipherment",
            "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};
    private static final Map<String, String> EKU = Map.of(
            "1.3.6.1.5.5.7.3.1", "serverAuth",
            "1.3.6.1.5.5.7.3.2", "clientAuth",
            "1.3.6.1.5.5.7.3.3", "codeSigning",
            "1.3.6.1.5.5.7.3.4", "emailProtection",
            "1.3.6.1.5.5.7.3.8", "timeStamping",
            "1.3.6.1.5.5.7.3.9", "OCSPSigning",
            "2.5.29.37.0", "anyExtendedKeyUsage");

    private CertificateParser() {
    }

    public static Certificate parse(X509Certificate cert) {
        return parse(cert, new Signatures());
    }

    /** As {@link #parse(X509Certificate)}, with signature checks remembered by {@code signatures}. */
    static Certificate parse(X509Certificate cert, Signatures signatures) {
        byte[] der;
        try {
            der = cert.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
        }
        Extensions extensions = null;
        try {
            extensions = new X509CertificateHolder(der).getExtensions();
        } catch (IOException | RuntimeException e) {
            // the JDK parsed it; Bouncy Castle did not: the fields below come from the JDK alone
        }
        return Certificate.newBuilder()
                .setSha256(sha256(der))
                .setSubject(cert.getSubjectX500Principal().getName(X500Principal.RFC2253))
                .setIssuer(cert.getIssuerX500Principal().getName(X500Principal.RFC2253))
                .setSerial(HexFormat.of().formatHex(cert.getSerialNumber().toByteArray()))
                .setNotBefore(cert.getNotBefore().toInstant())
                .setNotAfter(cert.getNotAfter().toInstant())
                .setKeyAlgorithm(keyAlgorithm(cert.getPublicKey()))
                .setKeyBits(keyBits(cert.getPublicKey()))
                .setSignatureAlgorithm(cert.getSigAlgName())
                .setSans(sans(cert))
                .setOcspUrls(aia(extensions, X509ObjectIdentifiers.id_ad_ocsp.getId()))
                .setCaIssuersUrls(aia(extensions, X509ObjectIdentifiers.id_ad_caIssuers.getId()))
                .setCrlUrls(crlUrls(extensions))
                .setKeyUsage(keyUsage(cert))
                .setExtendedKeyUsage(extendedKeyUsage(cert))
                .setCa(cert.getBasicConstraints() >= 0)
                .setSelfSigned(isSelfSigned(cert, signatures))
                .setSctCount(sctCount(cert))
                .setDer(ByteBuffer.wrap(der))
                .build();
    }

    public static String sha256(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Subject equals issuer and the signature verifies with the certificate's own key. */
    public static boolean isSelfSigned(X509Certificate cert) {
        return isSelfSigned(cert, new Signatures());
    }

    static boolean isSelfSigned(X509Certificate cert, Signatures signatures) {
        return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal()) && signatures.verifies(cert, cert.getPublicKey());
    }

    public static String keyAlgorithm(PublicKey key) {
        if (key instanceof EdECPublicKey ed && ed.getParams() instanceof NamedParameterSpec n) {
            return n.getName();
        }
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "EC";
            case "RSA" -> "RSA";
            default -> key.getAlgorithm();
        };
    }

    public static int keyBits(PublicKey key) {
        return switch (key) {
            case RSAPublicKey rsa -> rsa.getModulus().bitLength();
            case ECPublicKey ec -> ec.getParams().getCurve().getField().getFieldSize();
            case DSAPublicKey dsa -> dsa.getParams() == null ? 0 : dsa.getParams().getP().bitLength();
            case EdECPublicKey ed -> "Ed448".equals(keyAlgorithm(ed)) ? 456 : 255;
            default -> 0;
        };
    }

    static List<String> sans(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            var names = cert.getSubjectAlternativeNames();
            if (names == null) {
                return out;
            }
            for (List<?> n : names) {
                int type = (Integer) n.get(0);
                if (type == GeneralName.dNSName) {
                    out.add(String.valueOf(n.get(1)));
                } else if (type == GeneralName.iPAddress) {
                    Addresses.literal(String.valueOf(n.get(1))).map(Addresses::text).ifPresentOrElse(out::add, () -> out.add(String.valueOf(n.get(1))));
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable SAN extension leaves no names to match
        }
        return out;
    }

    private static List<String> aia(Extensions extensions, String method) {
        List<String> out = new ArrayList<>();
        if (extensions == null) {
            return out;
        }
        try {
            AuthorityInformationAccess aia = AuthorityInformationAccess.fromExtensions(extensions);
            if (aia == null) {
                return out;
            }
            for (AccessDescription d : aia.getAccessDescriptions()) {
                if (d.getAccessMethod().getId().equals(method) && d.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
                    out.add(d.getAccessLocation().getName().toString());
                }
            }
        } catch (RuntimeException e) {
            // malformed extension: no URLs
        }
        return out;
    }

    private static List<String> crlUrls(Extensions extensions) {
        List<String> out = new ArrayList<>();
        if (extensions == null) {
            return out;
        }
        try {
            CRLDistPoint points = CRLDistPoint.fromExtensions(extensions);
            if (points == null) {
                return out;
            }
            for (DistributionPoint p : points.getDistributionPoints()) {
                DistributionPointName name = p.getDistributionPoint();
                if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
                    for (GeneralName g : GeneralNames.getInstance(name.getName()).getNames()) {
                        if (g.getTagNo() == GeneralName.uniformResourceIdentifier) {
                            out.add(g.getName().toString());
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            // malformed extension: no URLs
        }
        return out;
    }

    private static List<String> keyUsage(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        boolean[] bits = cert.getKeyUsage();
        if (bits != null) {
            for (int i = 0; i < bits.length && i < KEY_USAGE.length; i++) {
                if (bits[i]) {
                    out.add(KEY_USAGE[i]);
                }
            }
        }
        return out;
    }

    private static List<String> extendedKeyUsage(X509Certificate cert) {
        try {
            List<String> oids = cert.getExtendedKeyUsage();
            return oids == null ? List.of() : oids.stream().map(o -> EKU.getOrDefault(o, o)).toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    /** Number of SCTs in the embedded SignedCertificateTimestampList (RFC 6962 §3.3). */
    static int sctCount(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(SCT_LIST_OID);
        if (ext == null) {
            return 0;
        }
        try {
            ASN1Primitive outer = ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(ext).getOctets());
            byte[] list = ASN1OctetString.getInstance(outer).getOctets();
            if (list.length < 2) {
                return 0;
            }
            int total = ((list[0] & 0xff) << 8) | (list[1] & 0xff);
            int pos = 2;
            int end = Math.min(list.length, 2 + total);
            int count = 0;
            while (pos + 2 <= end) {
                int len = ((list[pos] & 0xff) << 8) | (list[pos + 1] & 0xff);
                pos += 2 + len;
                if (pos > end) {
                    break;
                }
                count++;
            }
            return count;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}

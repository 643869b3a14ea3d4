package dev.certsonar.sandbox.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;

/**
 * What a certificate carries beyond the usual profile of its builder: another key usage or extended key usage, name
 * constraints, extensions of any kind, no basic constraints or ones that deny being a CA, or the version 1 format (no
 * extensions at all). Each value left unset keeps the usual. Given to a builder's {@code profile}:
 *
 * <pre>{@code
 * root.intermediateBuilder("Example CA").profile(p -> p.nameConstraints("DNS:example.test").extendedKeyUsage("serverAuth")).create();
 * ca.leaf().dnsNames("a.test").profile(p -> p.extendedKeyUsage("clientAuth")).issue();
 * }</pre>
 */
public final class Profile {

    private static final Map<String, Integer> KEY_USAGES = Map.of(
            "digitalSignature", KeyUsage.digitalSignature, "nonRepudiation", KeyUsage.nonRepudiation,
            "keyEncipherment", KeyUsage.keyEncipherment, "dataEncipherment", KeyUsage.dataEncipherment,
            "keyAgreement", KeyUsage.keyAgreement, "keyCertSign", KeyUsage.keyCertSign, "cRLSign", KeyUsage.cRLSign,
            "encipherOnly", KeyUsage.encipherOnly, "decipherOnly", KeyUsage.decipherOnly);
    private static final Map<String, KeyPurposeId> PURPOSES = Map.of(
            "serverAuth", KeyPurposeId.id_kp_serverAuth, "clientAuth", KeyPurposeId.id_kp_clientAuth,
            "codeSigning", KeyPurposeId.id_kp_codeSigning, "emailProtection", KeyPurposeId.id_kp_emailProtection,
            "timeStamping", KeyPurposeId.id_kp_timeStamping, "OCSPSigning", KeyPurposeId.id_kp_OCSPSigning,
            "anyExtendedKeyUsage", KeyPurposeId.anyExtendedKeyUsage);

    /** An extension as it is written: its OID, whether it is critical, and the DER of its value. */
    record Added(String oid, boolean critical, byte[] value) {
    }

    /** The key usage bits, or null for the usual. */
    Integer keyUsage;
    /** The extended key usage; null for the usual, empty for none. */
    ExtendedKeyUsage extendedKeyUsage;
    boolean extendedKeyUsageSet;
    final List<GeneralSubtree> permitted = new ArrayList<>();
    final List<GeneralSubtree> excluded = new ArrayList<>();
    final List<Added> added = new ArrayList<>();
    /** Basic constraints: true for the usual, false to leave the extension out. */
    boolean basicConstraints = true;
    /** A CA certificate whose basic constraints say it is not a CA. */
    boolean notCa;
    boolean version1;

    Profile() {
    }

    Profile copy() {
        Profile p = new Profile();
        p.keyUsage = keyUsage;
        p.extendedKeyUsage = extendedKeyUsage;
        p.extendedKeyUsageSet = extendedKeyUsageSet;
        p.permitted.addAll(permitted);
        p.excluded.addAll(excluded);
        p.added.addAll(added);
        p.basicConstraints = basicConstraints;
        p.notCa = notCa;
        p.version1 = version1;
        return p;
    }

    /**
     * The key usage extension with these usages ({@code digitalSignature}, {@code keyEncipherment},
     * {@code keyAgreement}, {@code keyCertSign}, ...); none leaves the extension out.
     */
    public Profile keyUsage(String... usages) {
        int bits = 0;
        for (String u : usages) {
            Integer bit = KEY_USAGES.get(u);
            if (bit == null) {
                throw new IllegalArgumentException("unknown key usage " + u + "; known: " + KEY_USAGES.keySet());
            }
            bits |= bit;
        }
        keyUsage = bits;
        return this;
    }

    /**
     * The extended key usage extension with these purposes ({@code serverAuth}, {@code clientAuth},
     * {@code anyExtendedKeyUsage}, ... or a dotted OID); none leaves the extension out.
     */
    public Profile extendedKeyUsage(String... purposes) {
        List<KeyPurposeId> ids = new ArrayList<>();
        for (String p : purposes) {
            KeyPurposeId id = PURPOSES.get(p);
            ids.add(id != null ? id : KeyPurposeId.getInstance(new ASN1ObjectIdentifier(p)));
        }
        extendedKeyUsage = ids.isEmpty() ? null : new ExtendedKeyUsage(ids.toArray(KeyPurposeId[]::new));
        extendedKeyUsageSet = true;
        return this;
    }

    /**
     * Name constraints: permitted subtrees ({@code DNS:example.com}, {@code IP:10.0.0.0/8}, {@code DN:O=Example}) and,
     * after {@code "EXCLUDED"}, excluded ones: {@code permit("DNS:example.test", "EXCLUDED", "DNS:secret.example.test")}.
     */
    public Profile nameConstraints(String... names) {
        List<GeneralSubtree> into = permitted;
        for (String n : names) {
            if ("EXCLUDED".equals(n)) {
                into = excluded;
            } else {
                into.add(new GeneralSubtree(generalName(n)));
            }
        }
        return this;
    }

    /** An extension of any kind: its OID, whether it is critical, and the DER encoding of its value. */
    public Profile extension(String oid, boolean critical, byte[] value) {
        added.add(new Added(Objects.requireNonNull(oid, "oid"), critical, value.clone()));
        return this;
    }

    /**
     * Basic constraints: {@code true} as usual for the builder, {@code false} saying CA:FALSE also for a CA (one that
     * issues certificates without being a CA), {@code null} leaving the extension out.
     */
    public Profile basicConstraints(Boolean usual) {
        basicConstraints = usual != null;
        notCa = Boolean.FALSE.equals(usual);
        return this;
    }

    /** A version 1 certificate: subject, issuer, key and dates only, no extensions (no names, no constraints). */
    public Profile version1() {
        version1 = true;
        return this;
    }

    /** The name constraints extension, or null when none was asked for. */
    NameConstraints nameConstraints() {
        if (permitted.isEmpty() && excluded.isEmpty()) {
            return null;
        }
        return new NameConstraints(permitted.isEmpty() ? null : permitted.toArray(GeneralSubtree[]::new),
                excluded.isEmpty() ? null : excluded.toArray(GeneralSubtree[]::new));
    }

    /**
     * A name of a subtree: {@code DNS:example.com}, {@code IP:10.0.0.0/8} (or an IPv6 range), {@code DN:O=Example}.
     */
    static GeneralName generalName(String name) {
        int colon = name.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("a subtree is DNS:name, IP:address/bits or DN:name, was " + name);
        }
        String kind = name.substring(0, colon);
        String value = name.substring(colon + 1);
        return switch (kind) {
            case "DNS" -> new GeneralName(GeneralName.dNSName, value);
            case "IP" -> new GeneralName(GeneralName.iPAddress, value);
            case "DN" -> new GeneralName(new X500Name(value));
            default -> throw new IllegalArgumentException("a subtree is DNS:name, IP:address/bits or DN:name, was " + name);
        };
    }
}

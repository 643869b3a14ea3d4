package dev.certsonar.cli.inspect;

import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Certificates from the bytes of a file, whatever its format: PEM (certificates and PKCS#7 blocks; private keys and
 * other blocks are passed over and never shown), DER (a certificate or PKCS#7), DER as bare base64 text, PKCS#12, JKS
 * and JCEKS keystores (each key entry's chain, and the trusted-certificate entries), and Kubernetes TLS secrets
 * ({@link KubernetesSecrets}). The format is told by the content, never by the file's name.
 */
public final class CertificateFiles {

    /** Larger inputs are not certificate files. */
    public static final int MAX_BYTES = 16 * 1024 * 1024;

    private static final byte[] JKS_MAGIC = {(byte) 0xFE, (byte) 0xED, (byte) 0xFE, (byte) 0xED};
    private static final byte[] JCEKS_MAGIC = {(byte) 0xCE, (byte) 0xCE, (byte) 0xCE, (byte) 0xCE};
    private static final Pattern BASE64_TEXT = Pattern.compile("[A-Za-z0-9+/=\\s]{64,}");

    private CertificateFiles() {
    }

    /**
     * The certificates of one input, in groups stored together: the whole file, one keystore key entry, the trusted
     * entries of a keystore, one Kubernetes secret. No group is empty.
     */
    public static List<List<StoredCertificate>> read(byte[] data, KeystorePassword password) throws InputProblem {
        if (data.length == 0) {
            throw InputProblem.notCertificates("the file is empty");
        }
        if (startsWith(data, JKS_MAGIC)) {
            return keystore("JKS", "JKS keystore", data, password);
        }
        if (startsWith(data, JCEKS_MAGIC)) {
            return keystore("JCEKS", "JCEKS keystore", data, password);
        }
        if (data[0] == 0x30) {
            return der(data, password);
        }
        String text = text(data);
        if (text == null) {
            throw InputProblem.notCertificates("binary data that is neither DER, PKCS#12 nor a Java keystore");
        }
        String body = text.strip();
        if (body.startsWith("{")) {
            return KubernetesSecrets.read(body, true);
        }
        if (KubernetesSecrets.looksLikeYaml(body)) {
            return KubernetesSecrets.read(body, false);
        }
        if (body.contains("-----BEGIN ")) {
            return List.of(stored(pem(body), null));
        }
        if (BASE64_TEXT.matcher(body).matches()) {
            Optional<byte[]> der = base64(body);
            if (der.isPresent() && der.get().length > 0 && der.get()[0] == 0x30) {
                return der(der.get(), password);
            }
        }
        throw InputProblem.notCertificates("text without a PEM certificate");
    }

    /**
     * The certificates of PEM text or DER data that must hold some (the {@code tls.crt} of a secret): anything else
     * is broken.
     */
    static List<X509Certificate> certificates(byte[] data) throws InputProblem {
        String text = text(data);
        List<X509Certificate> found;
        if (data.length > 0 && data[0] == 0x30) {
            found = List.copyOf(pkcs7OrCertificate(data, "the DER data"));
        } else if (text != null && text.contains("-----BEGIN ")) {
            try {
                found = pem(text);
            } catch (InputProblem e) {
                throw e.notCertificates() ? InputProblem.broken(e.getMessage()) : e;
            }
        } else {
            throw InputProblem.broken("neither PEM nor DER certificates");
        }
        if (found.isEmpty()) {
            throw InputProblem.broken("no certificate in it");
        }
        return found;
    }

    static List<StoredCertificate> stored(List<X509Certificate> certificates, String entry) {
        return certificates.stream().map(c -> new StoredCertificate(c, entry)).toList();
    }

    /** The certificates of PEM text, in file order; private keys and other blocks passed over. */
    private static List<X509Certificate> pem(String text) throws InputProblem {
        List<X509Certificate> found = new ArrayList<>();
        int keys = 0;
        Set<String> others = new TreeSet<>();
        try (PemReader reader = new PemReader(new StringReader(text))) {
            for (int block = 1; ; block++) {
                PemObject o;
                try {
                    o = reader.readPemObject();
                } catch (IOException e) {
                    throw InputProblem.broken("PEM block " + block + " has no END line: the file is cut short");
                } catch (RuntimeException e) {
                    throw InputProblem.broken("PEM block " + block + " is broken: its BEGIN line or its base64 cannot be read");
                }
                if (o == null) {
                    break;
                }
                String where = "PEM block " + block + " (" + o.getType() + ")";
                switch (o.getType()) {
                    case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE" -> found.add(certificate(o.getContent(), where));
                    case "PKCS7", "CMS" -> {
                        List<X509Certificate> all = pkcs7OrCertificate(o.getContent(), where);
                        if (all.isEmpty()) {
                            throw InputProblem.broken(where + " holds no certificate");
                        }
                        found.addAll(all);
                    }
                    default -> {
                        if (o.getType().endsWith("PRIVATE KEY")) {
                            keys++;
                        } else {
                            others.add(o.getType());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("reading text in memory failed", e);
        }
        if (found.isEmpty()) {
            throw InputProblem.notCertificates(keys > 0 ? "PEM with a private key and no certificate"
                    : others.isEmpty() ? "text without a PEM certificate"
                    : "PEM without a certificate (it holds " + String.join(", ", others) + ")");
        }
        return found;
    }

    private static List<List<StoredCertificate>> der(byte[] data, KeystorePassword password) throws InputProblem {
        ASN1Primitive value;
        try (ASN1InputStream in = new ASN1InputStream(data)) {
            value = in.readObject();
        } catch (IOException | RuntimeException e) {
            throw InputProblem.broken("DER data that is cut short or broken (" + e.getMessage() + ")");
        }
        if (!(value instanceof ASN1Sequence sequence) || sequence.size() < 2) {
            throw InputProblem.notCertificates("DER data of another kind");
        }
        ASN1Encodable first = sequence.getObjectAt(0);
        if (first instanceof ASN1Integer version && version.hasValue(3) && sequence.getObjectAt(1) instanceof ASN1Sequence) {
            return keystore("PKCS12", "PKCS#12 keystore", data, password);
        }
        if (first instanceof ASN1ObjectIdentifier type) {
            if (!type.equals(PKCSObjectIdentifiers.signedData)) {
                throw InputProblem.notCertificates("DER data of another kind (content type " + type.getId() + ")");
            }
            List<X509Certificate> all = pkcs7OrCertificate(data, "the PKCS#7 data");
            if (all.isEmpty()) {
                throw InputProblem.broken("the PKCS#7 data holds no certificate");
            }
            return List.of(stored(all, null));
        }
        if (sequence.size() == 3 && first instanceof ASN1Sequence && sequence.getObjectAt(2) instanceof ASN1BitString
                && isCertificate(sequence)) {
            return List.of(stored(List.of(certificate(data, "the DER certificate")), null));
        }
        throw InputProblem.notCertificates("DER data of another kind (such as a private key, a request or a revocation list)");
    }

    private static boolean isCertificate(ASN1Sequence sequence) {
        try {
            org.bouncycastle.asn1.x509.Certificate.getInstance(sequence);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static X509Certificate certificate(byte[] der, String where) throws InputProblem {
        try {
            return (X509Certificate) factory().generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw InputProblem.broken(where + " is not a readable certificate (" + e.getMessage() + ")");
        }
    }

    private static List<X509Certificate> pkcs7OrCertificate(byte[] der, String where) throws InputProblem {
        try {
            List<X509Certificate> all = new ArrayList<>();
            for (Certificate c : factory().generateCertificates(new ByteArrayInputStream(der))) {
                all.add((X509Certificate) c);
            }
            return all;
        } catch (CertificateException | RuntimeException e) {
            throw InputProblem.broken(where + " cannot be read (" + e.getMessage() + ")");
        }
    }

    private static List<List<StoredCertificate>> keystore(String type, String kind, byte[] data, KeystorePassword password)
            throws InputProblem {
        Optional<char[]> given = password.password();
        KeyStore store;
        if (given.isPresent()) {
            store = load(type, kind, data, given.get(), password);
        } else {
            // without a password a keystore's certificates are read where they are not encrypted (JKS, some PKCS#12);
            // a PKCS#12 file made without a password often has an empty one
            store = load(type, kind, data, null, password);
            if (groups(store).isEmpty() && "PKCS12".equals(type)) {
                try {
                    store = load(type, kind, data, new char[0], password);
                } catch (InputProblem e) {
                    throw InputProblem.broken("a " + kind + " whose certificates are encrypted: name the environment variable "
                            + "that holds its password with --password-env VAR");
                }
            }
        }
        List<List<StoredCertificate>> groups = groups(store);
        if (groups.isEmpty()) {
            throw InputProblem.notCertificates("a " + kind + " without certificates");
        }
        return groups;
    }

    private static KeyStore load(String type, String kind, byte[] data, char[] secret, KeystorePassword password)
            throws InputProblem {
        try {
            KeyStore store = KeyStore.getInstance(type);
            store.load(new ByteArrayInputStream(data), secret);
            return store;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw InputProblem.broken("a " + kind + " that " + password.source() + " does not open: wrong password");
            }
            throw InputProblem.broken("a " + kind + " that cannot be read, cut short or broken (" + e.getMessage() + ")");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw InputProblem.broken("a " + kind + " that cannot be read (" + e.getMessage() + ")");
        }
    }

    /** Each key entry's chain (aliases in order), then the trusted-certificate entries together. */
    private static List<List<StoredCertificate>> groups(KeyStore store) throws InputProblem {
        try {
            List<String> aliases = new ArrayList<>(Collections.list(store.aliases()));
            Collections.sort(aliases);
            List<List<StoredCertificate>> groups = new ArrayList<>();
            List<StoredCertificate> trusted = new ArrayList<>();
            for (String alias : aliases) {
                if (store.isKeyEntry(alias)) {
                    Certificate[] chain = store.getCertificateChain(alias);
                    List<StoredCertificate> group = new ArrayList<>();
                    for (Certificate c : chain == null ? new Certificate[0] : chain) {
                        if (c instanceof X509Certificate x) {
                            group.add(new StoredCertificate(x, alias));
                        }
                    }
                    if (!group.isEmpty()) {
                        groups.add(group);
                    }
                } else if (store.isCertificateEntry(alias) && store.getCertificate(alias) instanceof X509Certificate x) {
                    trusted.add(new StoredCertificate(x, alias));
                }
            }
            if (!trusted.isEmpty()) {
                groups.add(trusted);
            }
            return groups;
        } catch (GeneralSecurityException e) {
            throw InputProblem.broken("a keystore whose entries cannot be read (" + e.getMessage() + ")");
        }
    }

    private static CertificateFactory factory() throws CertificateException {
        return CertificateFactory.getInstance("X.509");
    }

    /** The bytes as UTF-8 text (a byte order mark dropped); null when they are not text. */
    static String text(byte[] data) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString();
            if (text.indexOf('\0') >= 0) {
                return null;
            }
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static Optional<byte[]> base64(String text) {
        try {
            return Optional.of(Base64.getMimeDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}

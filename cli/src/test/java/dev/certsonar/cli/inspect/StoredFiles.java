package dev.certsonar.cli.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.cli.InspectCommand;
import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pem;
import dev.certsonar.sandbox.tls.Pki;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Certificates stored in every format {@code inspect} reads, made with the sandbox PKI at a fixed instant, and a way to
 * run the command on them. The leaf {@code ok.test} is issued by an intermediate under a private root; keystores use
 * the password {@value #PASSWORD}, given through the environment variable {@value #PASSWORD_VARIABLE}.
 */
final class StoredFiles {

    static final Instant NOW = Instant.parse("2031-03-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String PASSWORD = "s3cret-pw";
    static final String PASSWORD_VARIABLE = "STORE_PASSWORD";
    static final Map<String, String> ENVIRONMENT = Map.of(PASSWORD_VARIABLE, PASSWORD);

    final Path dir;
    final CertificateAuthority root;
    final CertificateAuthority issuing;
    /** ok.test: issued by the intermediate at NOW minus an hour, for 90 days. */
    final IssuedCertificate ok;
    final Path rootPem;
    final Path chainPem;

    /** One run of {@code inspect}, its output captured. */
    record Run(int exit, String out, String err) {

        List<JsonNode> json() {
            List<JsonNode> lines = new ArrayList<>();
            for (String l : out.split("\n")) {
                if (!l.isBlank()) {
                    try {
                        lines.add(new ObjectMapper().readTree(l));
                    } catch (IOException e) {
                        throw new AssertionError("not a JSON line: " + l, e);
                    }
                }
            }
            return lines;
        }

        JsonNode only() {
            List<JsonNode> lines = json();
            if (lines.size() != 1) {
                throw new AssertionError("expected one line, got " + lines.size() + ":\n" + out + err);
            }
            return lines.get(0);
        }
    }

    StoredFiles(Path dir) {
        this.dir = dir;
        root = Pki.root("Inspect Test Root", CLOCK);
        issuing = root.intermediate("Inspect Test CA");
        ok = issuing.leaf().dnsNames("ok.test").key(KeySpec.EC_256).issue();
        rootPem = Pem.write(dir.resolve("root.pem"), root.certificate());
        chainPem = Pem.write(dir.resolve("chain.pem"), ok.chain());
    }

    static Run inspect(String... args) {
        return inspect(ENVIRONMENT, new ByteArrayInputStream(new byte[0]), args);
    }

    static Run inspect(Map<String, String> environment, InputStream stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new InspectCommand(CLOCK, environment, stdin));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    Path write(String name, String text) {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    Path write(String name, byte[] data) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.write(file, data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] der(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A degenerate PKCS#7 SignedData (certificates only), as .p7b files hold them, in the given order. */
    static byte[] pkcs7(List<X509Certificate> certificates) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertPath(certificates).getEncoded("PKCS7");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String pkcs7Pem(List<X509Certificate> certificates) {
        return "-----BEGIN PKCS7-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pkcs7(certificates)) + "\n-----END PKCS7-----\n";
    }

    /** OpenSSL's TRUSTED CERTIFICATE block: the certificate followed by what it is trusted for (X509_CERT_AUX). */
    static String trustedPem(X509Certificate certificate) {
        try {
            byte[] aux = new DERSequence(new DERSequence(KeyPurposeId.id_kp_serverAuth.toOID())).getEncoded();
            byte[] der = ByteBuffer.allocate(certificate.getEncoded().length + aux.length).put(certificate.getEncoded()).put(aux).array();
            return "-----BEGIN TRUSTED CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(der) + "\n-----END TRUSTED CERTIFICATE-----\n";
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String keyPem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    /** A keystore of the type with a key entry "web" (ok.test's key and chain) and trusted entries (alias, certificate). */
    static byte[] keystore(String type, IssuedCertificate key, Map<String, X509Certificate> trusted) {
        try {
            KeyStore store = KeyStore.getInstance(type);
            store.load(null, null);
            if (key != null) {
                store.setKeyEntry("web", key.privateKey(), PASSWORD.toCharArray(),
                        key.chain().toArray(new X509Certificate[0]));
            }
            for (Map.Entry<String, X509Certificate> e : trusted.entrySet()) {
                store.setCertificateEntry(e.getKey(), e.getValue());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, PASSWORD.toCharArray());
            return out.toByteArray();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A Kubernetes TLS secret as {@code kubectl get secret -o yaml} writes it: base64 in {@code data}. */
    static String secretYaml(List<X509Certificate> chain, PrivateKey key) {
        Base64.Encoder b64 = Base64.getEncoder();
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: web-tls
                  namespace: shop
                type: kubernetes.io/tls
                data:
                  tls.crt: %s
                  tls.key: %s
                """.formatted(b64.encodeToString(Pem.toPem(chain).getBytes(StandardCharsets.US_ASCII)),
                b64.encodeToString(keyPem(key).getBytes(StandardCharsets.US_ASCII)));
    }

    /** A Kubernetes TLS secret in JSON with PEM text in {@code stringData}. */
    static String secretJson(List<X509Certificate> chain, PrivateKey key) {
        try {
            ObjectMapper json = new ObjectMapper();
            var secret = json.createObjectNode();
            secret.put("apiVersion", "v1").put("kind", "Secret").put("type", "kubernetes.io/tls");
            secret.putObject("metadata").put("name", "api-tls");
            secret.putObject("stringData").put("tls.crt", Pem.toPem(chain)).put("tls.key", keyPem(key));
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(secret);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A leaf of the intermediate for the name, valid from {@code notBefore} to {@code notAfter}. */
    IssuedCertificate leaf(String name, Instant notBefore, Instant notAfter) {
        return issuing.leaf().dnsNames(name).key(KeySpec.EC_256).notBefore(notBefore).notAfter(notAfter).issue();
    }

    static Duration days(long n) {
        return Duration.ofDays(n);
    }
}

package dev.certsonar.sandbox.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM text for certificates and private keys. */
public final class Pem {

    private static final Base64.Encoder ENCODER = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private Pem() {
    }

    /** Writes the certificates, in order, as PEM blocks; creates parent folders. */
    public static Path write(Path file, X509Certificate... certificates) {
        return write(file, List.of(certificates));
    }

    public static Path write(Path file, List<X509Certificate> certificates) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toPem(certificates), StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write PEM file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a private key as an unencrypted PKCS#8 {@code PRIVATE KEY} block. */
    public static Path writePrivateKey(Path file, PrivateKey key) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, block("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write PEM file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads every certificate of a PEM (or DER) file, in file order. */
    public static List<X509Certificate> read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read PEM file " + file + ": " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("PEM file " + file + " holds no readable certificate: " + e.getMessage(), e);
        }
    }

    /** Parses every certificate of PEM text, in order. */
    public static List<X509Certificate> parse(String pem) {
        try {
            return parse(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("PEM text holds no readable certificate: " + e.getMessage(), e);
        }
    }

    public static String toPem(X509Certificate... certificates) {
        return toPem(List.of(certificates));
    }

    public static String toPem(List<X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                out.append(block("CERTIFICATE", certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("Cannot encode certificate " + certificate.getSubjectX500Principal(), e);
            }
        }
        return out.toString();
    }

    private static List<X509Certificate> parse(InputStream in) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate c : factory.generateCertificates(in)) {
            certificates.add((X509Certificate) c);
        }
        if (certificates.isEmpty()) {
            throw new CertificateException("no certificate found");
        }
        return List.copyOf(certificates);
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + ENCODER.encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}

package dev.certsonar.scanner.judge;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The certificates a path may end at: the JDK's trust store (public anchors) and those of the given PEM files
 * (private anchors, which set their own rules: a certificate pinned so, even a self-signed leaf, is trusted). The
 * JDK's distrust policies ({@link DistrustPolicies}) apply to the public anchors.
 */
public final class TrustAnchors {

    /** One anchor; {@code publicAnchor} when it comes from the JDK's trust store. */
    public record Anchor(X509Certificate certificate, boolean publicAnchor) {
    }

    private final Map<X500Principal, List<Anchor>> bySubject = new HashMap<>();
    private final Map<Anchor, DistrustPolicies.Policy> distrusted = new HashMap<>();

    private TrustAnchors(Collection<X509Certificate> jdk, Collection<X509Certificate> extra, DistrustPolicies distrust) {
        for (X509Certificate c : extra) {
            add(new Anchor(c, false));
        }
        for (X509Certificate c : jdk) {
            Anchor a = new Anchor(c, true);
            add(a);
            DistrustPolicies.Policy p = distrust.policyOf(c);
            if (p != null) {
                distrusted.put(a, p);
            }
        }
    }

    private void add(Anchor a) {
        bySubject.computeIfAbsent(a.certificate().getSubjectX500Principal(), k -> new ArrayList<>()).add(a);
    }

    /** The JDK's trust store plus the certificates of the given PEM files; a bad file is an error naming it. */
    public static TrustAnchors load(List<Path> caFiles) {
        return new TrustAnchors(jdkAnchors(), readAll(caFiles), DistrustPolicies.fromSecurityProperty());
    }

    /** Only the given certificates, as private anchors. */
    public static TrustAnchors of(List<X509Certificate> anchors) {
        return new TrustAnchors(List.of(), anchors, DistrustPolicies.fromSecurityProperty());
    }

    /** Public anchors (as if from the JDK's trust store) and private ones (as if from CA files). */
    public static TrustAnchors of(List<X509Certificate> publicAnchors, List<X509Certificate> privateAnchors) {
        return of(publicAnchors, privateAnchors, DistrustPolicies.fromSecurityProperty());
    }

    /** As {@link #of(List, List)}, with these distrust policies for the public anchors. */
    static TrustAnchors of(List<X509Certificate> publicAnchors, List<X509Certificate> privateAnchors, DistrustPolicies distrust) {
        return new TrustAnchors(publicAnchors, privateAnchors, distrust);
    }

    /** The distrust policy of a public anchor, or null. */
    DistrustPolicies.Policy distrustPolicy(Anchor anchor) {
        return distrusted.isEmpty() ? null : distrusted.get(anchor);
    }

    /** Anchors whose subject is the given issuer name. */
    List<Anchor> withSubject(X500Principal issuer) {
        return bySubject.getOrDefault(issuer, List.of());
    }

    /** The anchor that is this very certificate (same subject and key), if any. */
    Anchor anchorFor(X509Certificate cert) {
        for (Anchor a : withSubject(cert.getSubjectX500Principal())) {
            if (a.certificate().getPublicKey().equals(cert.getPublicKey())) {
                return a;
            }
        }
        return null;
    }

    private static List<X509Certificate> jdkAnchors() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            for (var tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return List.of(x.getAcceptedIssuers());
                }
            }
            return List.of();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the JDK's trust store: " + e.getMessage(), e);
        }
    }

    static List<X509Certificate> readAll(List<Path> files) {
        List<X509Certificate> out = new ArrayList<>();
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                if (certs.isEmpty()) {
                    throw new IllegalArgumentException("CA file " + f + " holds no certificate");
                }
                for (Certificate c : certs) {
                    out.add((X509Certificate) c);
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("CA file " + f + " cannot be read: " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("CA file " + f + " is not a PEM certificate file: " + e.getMessage(), e);
            }
        }
        return out;
    }
}

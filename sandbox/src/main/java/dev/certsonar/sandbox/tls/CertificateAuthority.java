package dev.certsonar.sandbox.tls;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A certificate authority (root or intermediate) that issues certificates.
 *
 * <pre>{@code
 * CertificateAuthority root = Pki.root("Test Root");
 * CertificateAuthority intermediate = root.intermediate("Test Issuing CA");
 * IssuedCertificate server = intermediate.leaf().dnsNames("localhost").ipAddresses("127.0.0.1").issue();
 * }</pre>
 */
public final class CertificateAuthority {

    private final X509Certificate certificate;
    private final KeyPair keyPair;
    private final CertificateAuthority parent;
    private final Clock clock;

    CertificateAuthority(X509Certificate certificate, KeyPair keyPair, CertificateAuthority parent, Clock clock) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
        this.parent = parent;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    /** The common name or X.500 name this CA was created with, as an RFC 2253 string. */
    public String name() {
        return certificate.getSubjectX500Principal().getName();
    }

    public boolean isRoot() {
        return parent == null;
    }

    /** The issuing CA, or {@code null} for a root. */
    public CertificateAuthority parent() {
        return parent;
    }

    /** The self-signed root above this CA (this CA's own certificate when it is the root). */
    public X509Certificate root() {
        return parent == null ? certificate : parent.root();
    }

    /** This CA's certificate followed by its issuers, without the root; empty for a root. */
    public List<X509Certificate> chain() {
        if (parent == null) {
            return List.of();
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(parent.chain());
        return List.copyOf(chain);
    }

    public Clock clock() {
        return clock;
    }

    /** An intermediate CA issued by this one, with default settings. */
    public CertificateAuthority intermediate(String cn) {
        return intermediateBuilder(cn).create();
    }

    /** A builder for an intermediate CA issued by this one. */
    public CaBuilder intermediateBuilder(String cn) {
        return new CaBuilder(cn, this, clock);
    }

    /** A builder for an end-entity certificate issued by this CA. */
    public CertificateBuilder leaf() {
        return new CertificateBuilder(this, clock);
    }

    /**
     * A cross-certificate: {@code other}'s subject and public key, issued and signed by this CA, valid from an hour
     * ago until {@code notAfter}. A chain can then run through it to this CA's root instead of {@code other}'s.
     */
    public X509Certificate crossSign(CertificateAuthority other, Instant notAfter) {
        return crossSign(other, clock.instant().minus(Duration.ofHours(1)), notAfter);
    }

    public X509Certificate crossSign(CertificateAuthority other, Instant notBefore, Instant notAfter) {
        String algorithm = KeySpec.of(keyPair).defaultSignatureAlgorithm();
        return X509Signer.sign(new X509Signer.Spec(
                X509Signer.subjectOf(other.certificate), other.publicKey(), X509Signer.subjectOf(certificate), publicKey(), privateKey(),
                algorithm, X509Signer.randomSerial(), notBefore, notAfter, true, -1,
                List.of(), List.of(), List.of(), List.of(), List.of(), new Profile()));
    }

    /** The same CA issuing with another clock (for default dates of what it issues next). */
    public CertificateAuthority withClock(Clock clock) {
        return new CertificateAuthority(certificate, keyPair, parent, clock);
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + name() + "]";
    }

    /** Builds a root (no issuer) or an intermediate CA. Defaults: RSA-2048, 10 years from an hour ago. */
    public static final class CaBuilder {
        private final String subject;
        private final CertificateAuthority issuer;
        private Clock clock;
        private Instant notBefore;
        private Instant notAfter;
        private Duration validFor = Duration.ofDays(3650);
        private KeySpec keySpec = KeySpec.RSA_2048;
        private KeyPair keyPair;
        private String signatureAlgorithm;
        private BigInteger serial;
        private int pathLength = -1;
        private final List<String> ocspUrls = new ArrayList<>();
        private final List<String> caIssuersUrls = new ArrayList<>();
        private final List<String> crlUrls = new ArrayList<>();
        private final Profile profile = new Profile();

        CaBuilder(String subject, CertificateAuthority issuer, Clock clock) {
            this.subject = Objects.requireNonNull(subject, "subject");
            this.issuer = issuer;
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /** The clock for this CA's dates and for the default dates of what it issues. */
        public CaBuilder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public CaBuilder notBefore(Instant notBefore) {
            this.notBefore = Objects.requireNonNull(notBefore, "notBefore");
            return this;
        }

        public CaBuilder notAfter(Instant notAfter) {
            this.notAfter = Objects.requireNonNull(notAfter, "notAfter");
            this.validFor = null;
            return this;
        }

        public CaBuilder validFor(Duration validity) {
            this.validFor = Objects.requireNonNull(validity, "validity");
            this.notAfter = null;
            return this;
        }

        public CaBuilder expiresIn(Duration duration) {
            return notAfter(clock.instant().plus(duration));
        }

        public CaBuilder key(KeySpec keySpec) {
            this.keySpec = Objects.requireNonNull(keySpec, "keySpec");
            this.keyPair = null;
            return this;
        }

        public CaBuilder keyPair(KeyPair keyPair) {
            this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
            return this;
        }

        /** Signature algorithm of this CA's own certificate (made by its issuer, or by itself for a root). */
        public CaBuilder signatureAlgorithm(String signatureAlgorithm) {
            this.signatureAlgorithm = Objects.requireNonNull(signatureAlgorithm, "signatureAlgorithm");
            return this;
        }

        public CaBuilder serial(BigInteger serial) {
            this.serial = Objects.requireNonNull(serial, "serial");
            return this;
        }

        /** Basic constraints path length; negative (default) = no limit. */
        public CaBuilder pathLength(int pathLength) {
            this.pathLength = pathLength;
            return this;
        }

        public CaBuilder ocspUrl(String url) {
            ocspUrls.add(Objects.requireNonNull(url, "url"));
            return this;
        }

        public CaBuilder caIssuersUrl(String url) {
            caIssuersUrls.add(Objects.requireNonNull(url, "url"));
            return this;
        }

        public CaBuilder crlUrl(String url) {
            crlUrls.add(Objects.requireNonNull(url, "url"));
            return this;
        }

        /**
         * Extensions beyond the usual ones (name constraints, an extended key usage), another key usage or basic
         * constraints, the version 1 format: see {@link Profile}.
         */
        public CaBuilder profile(java.util.function.Consumer<Profile> change) {
            change.accept(profile);
            return this;
        }

        public CertificateAuthority create() {
            KeyPair keys = keyPair != null ? keyPair : keySpec.generate();
            Instant[] validity = CertificateBuilder.validity(clock, notBefore, notAfter, validFor);
            var subjectName = X509Signer.name(subject);
            var issuerName = issuer != null ? X509Signer.subjectOf(issuer.certificate) : subjectName;
            PublicKey issuerPublic = issuer != null ? issuer.publicKey() : keys.getPublic();
            PrivateKey signingKey = issuer != null ? issuer.privateKey() : keys.getPrivate();
            String algorithm = signatureAlgorithm != null ? signatureAlgorithm
                    : KeySpec.of(new KeyPair(issuerPublic, signingKey)).defaultSignatureAlgorithm();
            X509Signer.checkSignatureAlgorithm(algorithm, signingKey);
            X509Certificate certificate = X509Signer.sign(new X509Signer.Spec(
                    subjectName, keys.getPublic(), issuerName, issuerPublic, signingKey, algorithm,
                    serial != null ? serial : X509Signer.randomSerial(), validity[0], validity[1],
                    true, pathLength, List.of(), List.of(),
                    List.copyOf(ocspUrls), List.copyOf(caIssuersUrls), List.copyOf(crlUrls), profile.copy()));
            return new CertificateAuthority(certificate, keys, issuer, clock);
        }
    }
}

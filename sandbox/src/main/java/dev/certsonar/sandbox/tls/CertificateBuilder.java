package dev.certsonar.sandbox.tls;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds an end-entity (server) certificate, issued by a {@link CertificateAuthority} or self-signed.
 *
 * <p>Dates are whole seconds (X.509 has no finer unit). Unless set: notBefore is one hour before now
 * (or 90 days before notAfter when notAfter is earlier than that), notAfter is 90 days after notBefore,
 * the key is RSA-2048, the signature algorithm follows the issuer's key, the subject CN is the first DNS
 * name (or IP address, or {@code "localhost"}).
 */
public final class CertificateBuilder {

    private static final Duration DEFAULT_VALIDITY = Duration.ofDays(90);
    private static final Duration BACKDATE = Duration.ofHours(1);

    private final CertificateAuthority issuer;
    private final Clock clock;
    private String subject;
    private final List<String> dnsNames = new ArrayList<>();
    private final List<String> ipAddresses = new ArrayList<>();
    private Instant notBefore;
    private Instant notAfter;
    private Duration validFor;
    private KeySpec keySpec = KeySpec.RSA_2048;
    private KeyPair keyPair;
    private String signatureAlgorithm;
    private BigInteger serial;
    private boolean ca;
    private final List<String> ocspUrls = new ArrayList<>();
    private final List<String> caIssuersUrls = new ArrayList<>();
    private final List<String> crlUrls = new ArrayList<>();
    private final Profile profile = new Profile();

    CertificateBuilder(CertificateAuthority issuer, Clock clock) {
        this.issuer = issuer;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The subject: a common name ({@code "localhost"}) or a whole X.500 name ({@code "CN=a,O=b"}). */
    public CertificateBuilder subject(String cnOrDn) {
        this.subject = Objects.requireNonNull(cnOrDn, "subject");
        return this;
    }

    /** DNS names for the subject alternative name extension (added to those already given). */
    public CertificateBuilder dnsNames(String... names) {
        dnsNames.addAll(List.of(names));
        return this;
    }

    /** IP addresses (v4 or v6 literals) for the subject alternative name extension. */
    public CertificateBuilder ipAddresses(String... addresses) {
        ipAddresses.addAll(List.of(addresses));
        return this;
    }

    public CertificateBuilder notBefore(Instant notBefore) {
        this.notBefore = Objects.requireNonNull(notBefore, "notBefore");
        return this;
    }

    public CertificateBuilder notAfter(Instant notAfter) {
        this.notAfter = Objects.requireNonNull(notAfter, "notAfter");
        this.validFor = null;
        return this;
    }

    /** notAfter = notBefore + validity. */
    public CertificateBuilder validFor(Duration validity) {
        this.validFor = Objects.requireNonNull(validity, "validity");
        this.notAfter = null;
        return this;
    }

    /** notAfter = now + duration (negative: already expired). */
    public CertificateBuilder expiresIn(Duration duration) {
        return notAfter(clock.instant().plus(duration));
    }

    public CertificateBuilder key(KeySpec keySpec) {
        this.keySpec = Objects.requireNonNull(keySpec, "keySpec");
        this.keyPair = null;
        return this;
    }

    /** Uses this key pair instead of generating one. */
    public CertificateBuilder keyPair(KeyPair keyPair) {
        this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
        return this;
    }

    /** For instance {@code "SHA1withRSA"}, {@code "SHA256withRSA"}, {@code "SHA256withECDSA"}; must fit the issuer's key. */
    public CertificateBuilder signatureAlgorithm(String signatureAlgorithm) {
        this.signatureAlgorithm = Objects.requireNonNull(signatureAlgorithm, "signatureAlgorithm");
        return this;
    }

    /** A positive serial number; random by default. */
    public CertificateBuilder serial(BigInteger serial) {
        this.serial = Objects.requireNonNull(serial, "serial");
        return this;
    }

    /** Marks the certificate as a CA (basic constraints CA:true) although it is issued like a server certificate. */
    public CertificateBuilder ca(boolean ca) {
        this.ca = ca;
        return this;
    }

    /** Authority information access: an OCSP responder URL. */
    public CertificateBuilder ocspUrl(String url) {
        ocspUrls.add(Objects.requireNonNull(url, "url"));
        return this;
    }

    /** Authority information access: where the issuer's certificate can be downloaded. */
    public CertificateBuilder caIssuersUrl(String url) {
        caIssuersUrls.add(Objects.requireNonNull(url, "url"));
        return this;
    }

    /** CRL distribution point URL. */
    public CertificateBuilder crlUrl(String url) {
        crlUrls.add(Objects.requireNonNull(url, "url"));
        return this;
    }

    /** Extensions beyond the usual ones, another key usage, the version 1 format: see {@link Profile}. */
    public CertificateBuilder profile(java.util.function.Consumer<Profile> change) {
        change.accept(profile);
        return this;
    }

    /** Generates the key (unless given) and signs the certificate. */
    public IssuedCertificate issue() {
        KeyPair subjectKeys = keyPair != null ? keyPair : keySpec.generate();
        Instant[] validity = validity(clock, notBefore, notAfter, validFor);
        String cn = subject != null ? subject
                : !dnsNames.isEmpty() ? dnsNames.get(0)
                : !ipAddresses.isEmpty() ? ipAddresses.get(0)
                : "localhost";
        var subjectName = X509Signer.name(cn);

        var issuerName = issuer != null ? X509Signer.subjectOf(issuer.certificate()) : subjectName;
        var issuerPublic = issuer != null ? issuer.publicKey() : subjectKeys.getPublic();
        var signingKey = issuer != null ? issuer.privateKey() : subjectKeys.getPrivate();
        String algorithm = signatureAlgorithm != null ? signatureAlgorithm
                : KeySpec.of(new KeyPair(issuerPublic, signingKey)).defaultSignatureAlgorithm();
        X509Signer.checkSignatureAlgorithm(algorithm, signingKey);

        X509Certificate certificate = X509Signer.sign(new X509Signer.Spec(
                subjectName, subjectKeys.getPublic(), issuerName, issuerPublic, signingKey, algorithm,
                serial != null ? serial : X509Signer.randomSerial(), validity[0], validity[1],
                ca, -1, List.copyOf(dnsNames), List.copyOf(ipAddresses),
                List.copyOf(ocspUrls), List.copyOf(caIssuersUrls), List.copyOf(crlUrls), profile.copy()));

        if (issuer == null) {
            return new IssuedCertificate(certificate, subjectKeys.getPrivate(), List.of(certificate), certificate);
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(issuer.chain());
        return new IssuedCertificate(certificate, subjectKeys.getPrivate(), chain, issuer.root());
    }

    static Instant[] validity(Clock clock, Instant notBefore, Instant notAfter, Duration validFor) {
        Instant now = clock.instant();
        Instant from = notBefore;
        Instant to = notAfter;
        if (from == null) {
            from = now.minus(BACKDATE);
            if (to != null && !to.isAfter(from)) {
                from = to.minus(DEFAULT_VALIDITY);
            }
        }
        if (to == null) {
            to = from.plus(validFor != null ? validFor : DEFAULT_VALIDITY);
        }
        return new Instant[] {from.truncatedTo(ChronoUnit.SECONDS), to.truncatedTo(ChronoUnit.SECONDS)};
    }
}

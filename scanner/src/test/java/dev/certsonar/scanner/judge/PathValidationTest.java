package dev.certsonar.scanner.judge;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.CertificateBuilder;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.Profile;
import dev.certsonar.schemas.net.Addresses;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * RFC 5280 path validation for a TLS server, rule by rule, on chains made with the sandbox PKI under a pinned root: each
 * case names the rule, and a path that breaks it is untrusted (with the words naming the certificate and the rule) and
 * nothing else, while its twin that keeps the rule is trusted.
 */
class PathValidationTest {

    static final Instant NOW = Instant.now();
    static final String UNKNOWN_OID = "1.3.6.1.4.1.55555.7";
    static CertificateAuthority root;

    @BeforeAll
    static void pki() {
        root = Pki.root("Rules Root");
    }

    static ChainJudge.Judgement judge(Chain c) {
        return new ChainJudge(TrustAnchors.of(List.of(c.anchor()))).judge(c.served(), c.reference(), "TLSv1.3", NOW);
    }

    static byte[] der(org.bouncycastle.asn1.ASN1Object o) {
        try {
            return o.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A chain as served (the leaf and its issuers), the name it is checked for, and the anchor pinned. */
    record Chain(String reference, List<X509Certificate> served, X509Certificate anchor) {
    }

    static Chain under(CertificateAuthority issuer, Function<CertificateBuilder, CertificateBuilder> leaf, String reference) {
        return new Chain(reference, leaf.apply(issuer.leaf().validFor(Duration.ofDays(90))).issue().chain(),
                issuer.root());
    }

    /** A leaf made so under a plain intermediate, for www.example.test. */
    static Supplier<Chain> plain(Function<CertificateBuilder, CertificateBuilder> leaf) {
        return () -> under(root.intermediate("Issuing CA"), leaf, "www.example.test");
    }

    /** A leaf for the reference (a DNS name or an IP address) under an intermediate of that name and profile. */
    static Supplier<Chain> issuing(String name, Consumer<Profile> profile, String reference) {
        return () -> under(root.intermediateBuilder(name).profile(profile).create(),
                l -> Addresses.literal(reference).isPresent() ? l.ipAddresses(reference) : l.dnsNames(reference), reference);
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                argumentSet("RFC 5280 4.2.1.9: an issuer whose basic constraints say CA:FALSE",
                        issuing("Not A CA", p -> p.basicConstraints(false), "www.example.test"),
                        "'CN=Not A CA' issues certificates but is not a CA"),
                argumentSet("RFC 5280 4.2.1.9: an issuer without basic constraints",
                        issuing("No Basic Constraints", p -> p.basicConstraints(null), "www.example.test"),
                        "'CN=No Basic Constraints' issues certificates but is not a CA"),
                argumentSet("RFC 5280 6.1.4 (k): a version 1 intermediate",
                        issuing("V1 Intermediate", Profile::version1, "www.example.test"),
                        "'CN=V1 Intermediate' is a version 1 certificate, which only a trust anchor may be"),
                argumentSet("RFC 5280 4.2.1.9: a pathLenConstraint of 0 with a CA below",
                        (Supplier<Chain>) () -> under(root.intermediateBuilder("Policy CA").pathLength(0).create().intermediate("Too Deep CA"),
                                l -> l.dnsNames("www.example.test"), "www.example.test"),
                        "'CN=Too Deep CA' is below more CAs than the pathLenConstraint of a CA above it allows"),
                argumentSet("RFC 5280 4.2.1.3: an issuer whose key usage lacks keyCertSign",
                        issuing("No Cert Sign", p -> p.keyUsage("digitalSignature", "cRLSign"), "www.example.test"),
                        "its key usage does not allow keyCertSign"),
                argumentSet("RFC 5280 4.2.1.10: a dNSName outside the permitted subtree",
                        issuing("Example Only", p -> p.nameConstraints("DNS:example.test"), "www.other.test"),
                        "a name of the certificate is outside the name constraints"),
                argumentSet("RFC 5280 4.2.1.10: an iPAddress outside the permitted range",
                        issuing("Ten Only", p -> p.nameConstraints("IP:10.0.0.0/8"), "192.0.2.1"),
                        "a name of the certificate is outside the name constraints"),
                argumentSet("RFC 5280 4.2.1.10: a dNSName in an excluded subtree",
                        issuing("Not Secret", p -> p.nameConstraints("EXCLUDED", "DNS:secret.example.test"), "db.secret.example.test"),
                        "a name of the certificate is outside the name constraints"),
                argumentSet("RFC 5280 4.2.1.10: a subject outside the permitted directoryName",
                        (Supplier<Chain>) () -> under(root.intermediateBuilder("Example Org Only").profile(p -> p.nameConstraints("DN:O=Example"))
                                .create(), l -> l.subject("O=Other,CN=www.example.test").dnsNames("www.example.test"), "www.example.test"),
                        "a name of the certificate is outside the name constraints"),
                argumentSet("RFC 5280 4.2.1.10: the common name of a leaf without SANs outside the permitted subtree",
                        (Supplier<Chain>) () -> under(root.intermediateBuilder("Example Names").profile(p -> p.nameConstraints("DNS:example.test")).create(),
                                l -> l.subject("www.other.test"), null),
                        "the certificate's common name www.other.test (it has no subject alternative names) is outside the name constraints"),
                argumentSet("RFC 5280 4.2.1.10: the trust anchor's own name constraints",
                        (Supplier<Chain>) () -> {
                            CertificateAuthority constrainedRoot = Pki.rootBuilder("Constrained Root").profile(p -> p.nameConstraints("DNS:example.test")).create();
                            return under(constrainedRoot.intermediate("Under Constrained Root"), l -> l.dnsNames("www.other.test"), "www.other.test");
                        },
                        "a name of the certificate is outside the name constraints"),
                argumentSet("RFC 5280 4.2: an unknown critical extension on the leaf",
                        plain(l -> l.dnsNames("www.example.test").profile(p -> p.extension(UNKNOWN_OID, true, der(DERNull.INSTANCE)))),
                        "the certificate has a critical extension that is not known (" + UNKNOWN_OID + ")"),
                argumentSet("RFC 5280 4.2: an unknown critical extension on an intermediate",
                        issuing("Odd CA", p -> p.extension(UNKNOWN_OID, true, der(DERNull.INSTANCE)), "www.example.test"),
                        "'CN=Odd CA' has a critical extension that is not known (" + UNKNOWN_OID + ")"),
                argumentSet("RFC 5280 4.2.1.12: a leaf for client authentication only",
                        plain(l -> l.dnsNames("www.example.test").profile(p -> p.extendedKeyUsage("clientAuth"))),
                        "the certificate is not for a TLS server: its extended key usage is clientAuth"),
                argumentSet("Baseline Requirements 7.1.2.10.6: an intermediate whose extended key usage excludes serverAuth",
                        issuing("Mail CA", p -> p.extendedKeyUsage("emailProtection", "clientAuth"), "www.example.test"),
                        "'CN=Mail CA' may not issue TLS server certificates: its extended key usage is emailProtection, clientAuth"),
                argumentSet("RFC 5280 4.1.2.1: a version 1 leaf",
                        plain(l -> l.subject("www.example.test").profile(Profile::version1)),
                        "the certificate is a version 1 certificate, which only a trust anchor may be"),
                argumentSet("RFC 5280 4.2.1.3: an EC leaf whose key usage is keyEncipherment only",
                        plain(l -> l.dnsNames("www.example.test").key(KeySpec.EC_256).profile(p -> p.keyUsage("keyEncipherment"))),
                        "the certificate's key usage (keyEncipherment) does not allow a TLS server's EC key"),
                argumentSet("RFC 5280 4.2.1.9, dates set aside: an expired intermediate that breaks a pathLenConstraint",
                        (Supplier<Chain>) () -> under(root.intermediateBuilder("Old Policy CA").pathLength(0)
                                        .notBefore(NOW.minus(Duration.ofDays(400))).notAfter(NOW.minus(Duration.ofDays(30))).create()
                                        .intermediate("Deep And New CA"),
                                l -> l.dnsNames("www.example.test"), "www.example.test"),
                        "'CN=Deep And New CA' is below more CAs than the pathLenConstraint of a CA above it allows"));
    }

    @ParameterizedTest
    @MethodSource("broken")
    void aPathThatBreaksARuleIsUntrustedAndNamed(Supplier<Chain> chain, String words) {
        ChainJudge.Judgement j = judge(chain.get());
        assertThat(j.checks().getTrusted()).isFalse();
        assertThat(j.checks().getChainComplete()).as("the path reaches the anchor").isTrue();
        assertThat(j.checks().getProblems()).anySatisfy(p -> assertThat(p).startsWith("untrusted: ").contains(words));
        assertThat(j.checks().getWeakKey() || j.checks().getWeakSignature()).isFalse();
    }

    static Stream<Arguments> kept() {
        return Stream.of(
                argumentSet("RFC 5280 4.2.1.9: a pathLenConstraint of 0 with the leaf right below",
                        (Supplier<Chain>) () -> under(root.intermediateBuilder("Last CA").pathLength(0).create(),
                                l -> l.dnsNames("www.example.test"), "www.example.test")),
                argumentSet("RFC 5280 4.2.1.9: a pathLenConstraint of 1 with one CA below",
                        (Supplier<Chain>) () -> under(root.intermediateBuilder("Policy CA").pathLength(1).create().intermediate("Issuing CA"),
                                l -> l.dnsNames("www.example.test"), "www.example.test")),
                argumentSet("RFC 5280 4.2.1.10: a dNSName inside the permitted subtree",
                        issuing("Example Only", p -> p.nameConstraints("DNS:example.test"), "www.example.test")),
                argumentSet("RFC 5280 4.2.1.10: an iPAddress inside the permitted range",
                        issuing("Ten Only", p -> p.nameConstraints("IP:10.0.0.0/8"), "10.1.2.3")),
                argumentSet("RFC 5280 4.2.1.10: a subject inside the permitted directoryName",
                        (Supplier<Chain>) () -> under(root.intermediateBuilder("Example Org Only").profile(p -> p.nameConstraints("DN:O=Example"))
                                .create(), l -> l.subject("O=Example,CN=www.example.test").dnsNames("www.example.test"), "www.example.test")),
                argumentSet("RFC 5280 4.2.1.10: the common name is not checked when there are SANs",
                        (Supplier<Chain>) () -> under(root.intermediateBuilder("Example Names").profile(p -> p.nameConstraints("DNS:example.test")).create(),
                                l -> l.subject("Web Server").dnsNames("www.example.test"), "www.example.test")),
                argumentSet("RFC 5280 4.2: an unknown extension that is not critical",
                        plain(l -> l.dnsNames("www.example.test").profile(p -> p.extension(UNKNOWN_OID, false, der(DERNull.INSTANCE))))),
                argumentSet("RFC 5280 4.2.1.12: a leaf for anyExtendedKeyUsage",
                        plain(l -> l.dnsNames("www.example.test").profile(p -> p.extendedKeyUsage("anyExtendedKeyUsage")))),
                argumentSet("RFC 5280 4.2.1.12: a leaf without extended key usage",
                        plain(l -> l.dnsNames("www.example.test").profile(p -> p.extendedKeyUsage()))),
                argumentSet("RFC 5280 4.2.1.12: a critical extended key usage with serverAuth",
                        plain(l -> l.dnsNames("www.example.test").profile(p -> p.extendedKeyUsage().extension("2.5.29.37", true,
                                der(new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth)))))),
                argumentSet("Baseline Requirements 7.1.2.10.6: an intermediate restricted to serverAuth",
                        issuing("TLS CA", p -> p.extendedKeyUsage("serverAuth", "clientAuth"), "www.example.test")),
                argumentSet("RFC 5280 4.2.1.3: an RSA leaf for key encipherment only",
                        plain(l -> l.dnsNames("www.example.test").profile(p -> p.keyUsage("keyEncipherment")))),
                argumentSet("RFC 5280 4.2.1.3: an EC leaf for key agreement only",
                        plain(l -> l.dnsNames("www.example.test").key(KeySpec.EC_256).profile(p -> p.keyUsage("keyAgreement")))),
                argumentSet("RFC 5280 4.2.1.3: a leaf without key usage",
                        plain(l -> l.dnsNames("www.example.test").profile(p -> p.keyUsage()))),
                argumentSet("RFC 5280 6.1: a self-issued intermediate (a key rollover) between two CAs",
                        (Supplier<Chain>) () -> {
                            CertificateAuthority ca = root.intermediate("Rolled CA");
                            CertificateAuthority rolled = ca.intermediateBuilder("Rolled CA").create();
                            return new Chain("www.example.test", rolled.leaf().dnsNames("www.example.test").issue().chain(), root.certificate());
                        }));
    }

    @ParameterizedTest
    @MethodSource("kept")
    void aPathThatKeepsTheRulesIsTrusted(Supplier<Chain> chain) {
        ChainJudge.Judgement j = judge(chain.get());
        assertThat(j.checks().getProblems()).isEmpty();
        assertThat(j.checks().getTrusted()).isTrue();
    }

    @Test
    void aVersion1RootIsAFineAnchor() {
        CertificateAuthority v1 = Pki.rootBuilder("V1 Root").profile(Profile::version1).create();
        List<X509Certificate> served = v1.intermediate("Under V1").leaf().dnsNames("www.example.test").issue().chain();
        ChainJudge.Judgement j = new ChainJudge(TrustAnchors.of(List.of(v1.certificate()))).judge(served, "www.example.test", "TLSv1.3", NOW);
        assertThat(j.checks().getTrusted()).isTrue();
        assertThat(j.checks().getProblems()).isEmpty();
    }

    @Test
    void aPinnedCertificateIsTrustedWhateverItsProfile() {
        X509Certificate clientOnly = Pki.selfSigned().dnsNames("www.example.test").profile(p -> p.extendedKeyUsage("clientAuth")).issue().certificate();
        ChainJudge.Judgement j = new ChainJudge(TrustAnchors.of(List.of(clientOnly))).judge(List.of(clientOnly), "www.example.test", "TLSv1.3", NOW);
        assertThat(j.checks().getTrusted()).isTrue();
        assertThat(j.checks().getSelfSigned()).isTrue();
        assertThat(j.checks().getProblems()).isEmpty();
    }

    @Test
    void aPinnedIntermediateIsAnAnchor() {
        CertificateAuthority issuing = Pki.root("Unpinned Root").intermediate("Pinned Issuing CA");
        List<X509Certificate> served = issuing.leaf().dnsNames("www.example.test").issue().chain();
        ChainJudge.Judgement j = new ChainJudge(TrustAnchors.of(List.of(issuing.certificate()))).judge(served, "www.example.test", "TLSv1.3", NOW);
        assertThat(j.checks().getTrusted()).isTrue();
        assertThat(j.checks().getProblems()).isEmpty();
    }
}

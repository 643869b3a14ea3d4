package dev.certsonar.scanner.judge;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.CertificateBuilder;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** Weak keys and signatures: each case names what is weak, and the words say it; the path stays trusted. */
class WeakCryptoTest {

    static final Instant NOW = Instant.now();
    static CertificateAuthority root;
    static CertificateAuthority issuing;

    @BeforeAll
    static void pki() {
        root = Pki.root("Crypto Root");
        issuing = root.intermediate("Crypto Issuing CA");
    }

    static ChainJudge.Judgement judge(List<X509Certificate> served) {
        return new ChainJudge(TrustAnchors.of(List.of(root.certificate()))).judge(served, "www.crypto.test", "TLSv1.3", NOW);
    }

    static Stream<Arguments> leaves() {
        return Stream.of(
                argumentSet("Baseline Requirements 6.1.5: an RSA key under 2048 bits", (Function<CertificateBuilder, CertificateBuilder>) l -> l.key(KeySpec.rsa(1024)),
                        true, false, "weak key: the certificate has a 1024-bit RSA key (at least 2048 expected)"),
                argumentSet("Baseline Requirements 6.1.5: a DSA key", (Function<CertificateBuilder, CertificateBuilder>) l -> l.key(KeySpec.dsa(2048)),
                        true, false, "weak key: the certificate has a DSA key of 2048 bits"),
                argumentSet("Baseline Requirements 7.1.3.2: SHA-1 with RSA", (Function<CertificateBuilder, CertificateBuilder>) l -> l.signatureAlgorithm("SHA1withRSA"),
                        false, true, "weak signature: the certificate is signed with SHA1withRSA"),
                argumentSet("Baseline Requirements 7.1.3.2: RSASSA-PSS whose parameters name SHA-1", (Function<CertificateBuilder, CertificateBuilder>) l -> l.signatureAlgorithm("SHA1withRSAandMGF1"),
                        false, true, "weak signature: the certificate is signed with RSASSA-PSS with SHA-1"),
                argumentSet("Baseline Requirements 7.1.3.2: RSASSA-PSS with SHA-256 is not weak", (Function<CertificateBuilder, CertificateBuilder>) l -> l.signatureAlgorithm("SHA256withRSAandMGF1"),
                        false, false, null),
                argumentSet("an EC P-256 key and SHA-256 are not weak", (Function<CertificateBuilder, CertificateBuilder>) l -> l.key(KeySpec.EC_256),
                        false, false, null));
    }

    @ParameterizedTest
    @MethodSource("leaves")
    void theLeafsKeyAndSignature(Function<CertificateBuilder, CertificateBuilder> leaf, boolean weakKey, boolean weakSignature, String words) {
        ChainJudge.Judgement j = judge(leaf.apply(issuing.leaf().dnsNames("www.crypto.test").validFor(Duration.ofDays(90))).issue().chain());
        assertThat(j.checks().getTrusted()).isTrue();
        assertThat(j.checks().getWeakKey()).isEqualTo(weakKey);
        assertThat(j.checks().getWeakSignature()).isEqualTo(weakSignature);
        if (words == null) {
            assertThat(j.checks().getProblems()).isEmpty();
        } else {
            assertThat(j.checks().getProblems()).singleElement().asString().startsWith(words);
        }
    }

    @Test
    void aDsaIntermediateIsAWeakKeyOfTheChain() {
        CertificateAuthority dsa = root.intermediateBuilder("DSA Issuing CA").key(KeySpec.dsa(2048)).create();
        ChainJudge.Judgement j = judge(dsa.leaf().dnsNames("www.crypto.test").key(KeySpec.EC_256).issue().chain());
        assertThat(j.checks().getWeakKey()).isTrue();
        assertThat(j.checks().getProblems()).singleElement().asString().startsWith("weak key: 'CN=DSA Issuing CA' has a DSA key");
    }

    @Test
    void theSignatureOfAnAnchorDoesNotCount() {
        CertificateAuthority sha1Root = Pki.rootBuilder("SHA-1 Root").signatureAlgorithm("SHA1withRSA").create();
        List<X509Certificate> served = sha1Root.intermediate("Issuing Under SHA-1 Root").leaf().dnsNames("www.crypto.test").issue()
                .chainWithRoot();
        ChainJudge.Judgement j = new ChainJudge(TrustAnchors.of(List.of(sha1Root.certificate()))).judge(served, "www.crypto.test", "TLSv1.3", NOW);
        assertThat(j.checks().getWeakSignature()).isFalse();
        assertThat(j.checks().getProblems()).isEmpty();
    }
}

package dev.certsonar.scanner.judge;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Chain judgement on generated chains, without a network. */
class ChainJudgeTest {

    static final Instant NOW = Instant.now();
    static CertificateAuthority root;

    @BeforeAll
    static void pki() {
        root = Pki.root("Judge Root");
    }

    static ChainJudge.Judgement judge(TrustAnchors anchors, List<X509Certificate> served, String name) {
        return new ChainJudge(anchors).judge(served, name, "TLSv1.3", NOW);
    }

    @Test
    void anExpiredIntermediateDefinesNotAfter() {
        CertificateAuthority old = root.intermediateBuilder("Old Issuing CA").notBefore(NOW.minus(Duration.ofDays(400)))
                .notAfter(NOW.minus(Duration.ofDays(2))).create();
        IssuedCertificate leaf = old.leaf().dnsNames("a.test").notBefore(NOW.minus(Duration.ofDays(10)))
                .notAfter(NOW.plus(Duration.ofDays(80))).issue();
        ChainJudge.Judgement j = judge(TrustAnchors.of(List.of(root.certificate())), leaf.chain(), "a.test");
        assertThat(j.checks().getTrusted()).isTrue();
        assertThat(j.notAfter()).isEqualTo(old.certificate().getNotAfter().toInstant());
        assertThat(j.expiryCertificate()).isEqualTo(old.certificate());
        assertThat(j.checks().getExpired()).isTrue();
        assertThat(j.checks().getProblems()).singleElement().asString().contains("Old Issuing CA", "expired");
    }

    @Test
    void extraServedCertificatesAreIgnored() {
        CertificateAuthority issuing = root.intermediate("Issuing CA");
        CertificateAuthority stranger = Pki.root("Stranger Root").intermediate("Stranger CA");
        IssuedCertificate leaf = issuing.leaf().dnsNames("a.test").validFor(Duration.ofDays(90)).issue();
        X509Certificate expiredExtra = Pki.selfSigned().dnsNames("x.test").notBefore(NOW.minus(Duration.ofDays(30)))
                .notAfter(NOW.minus(Duration.ofDays(1))).issue().certificate();
        ChainJudge.Judgement j = judge(TrustAnchors.of(List.of(root.certificate())),
                List.of(leaf.certificate(), stranger.certificate(), expiredExtra, issuing.certificate()), "a.test");
        assertThat(j.checks().getTrusted()).isTrue();
        assertThat(j.checks().getProblems()).isEmpty();
        assertThat(j.notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
        assertThat(j.servedChainNotAfter()).isEqualTo(expiredExtra.getNotAfter().toInstant());
    }

    @Test
    void aSelfSignedCertificateGivenAsAnchorIsTrusted() {
        IssuedCertificate self = Pki.selfSigned().dnsNames("a.test").validFor(Duration.ofDays(90)).issue();
        ChainJudge.Judgement j = judge(TrustAnchors.of(List.of(self.certificate())), List.of(self.certificate()), "a.test");
        assertThat(j.checks().getTrusted()).isTrue();
        assertThat(j.checks().getSelfSigned()).isTrue();
        assertThat(j.checks().getProblems()).isEmpty();
    }

    @Test
    void anUntrustedRootIsNamed() {
        CertificateAuthority other = Pki.root("Other Root");
        IssuedCertificate leaf = other.intermediate("Other CA").leaf().dnsNames("a.test").validFor(Duration.ofDays(90)).issue();
        ChainJudge.Judgement j = judge(TrustAnchors.of(List.of(root.certificate())), leaf.chainWithRoot(), "a.test");
        assertThat(j.checks().getTrusted()).isFalse();
        assertThat(j.checks().getChainComplete()).isTrue();
        assertThat(j.checks().getProblems()).singleElement().asString().contains("Other Root", "not a trusted root");
    }

    @Test
    void theLifetimeRuleAppliesToPublicAnchorsOnly() {
        CertificateAuthority issuing = root.intermediate("Issuing CA");
        Instant notBefore = Instant.parse("2026-04-01T00:00:00Z");
        IssuedCertificate tooLong = issuing.leaf().dnsNames("a.test").notBefore(notBefore)
                .notAfter(notBefore.plus(Duration.ofDays(200))).issue();
        IssuedCertificate justRight = issuing.leaf().dnsNames("a.test").notBefore(notBefore)
                .notAfter(notBefore.plus(Duration.ofDays(200)).minusSeconds(1)).issue();
        TrustAnchors asPublic = TrustAnchors.of(List.of(root.certificate()), List.of());
        ChainJudge.Judgement over = judge(asPublic, tooLong.chain(), "a.test");
        assertThat(over.checks().getPublicAnchor()).isTrue();
        assertThat(over.checks().getLifetimeExceedsMaximum()).isTrue();
        assertThat(over.checks().getProblems()).anySatisfy(p -> assertThat(p).contains("exceeds", "200 days"));
        assertThat(judge(asPublic, justRight.chain(), "a.test").checks().getLifetimeExceedsMaximum()).isFalse();
        ChainJudge.Judgement asPrivate = judge(TrustAnchors.of(List.of(), List.of(root.certificate())), tooLong.chain(), "a.test");
        assertThat(asPrivate.checks().getPublicAnchor()).isFalse();
        assertThat(asPrivate.checks().getLifetimeExceedsMaximum()).isFalse();
    }

    @Test
    void legacyProtocolIsAProblemThatLeavesTrust() {
        IssuedCertificate leaf = root.intermediate("Issuing CA").leaf().dnsNames("a.test").validFor(Duration.ofDays(90)).issue();
        ChainJudge.Judgement j = new ChainJudge(TrustAnchors.of(List.of(root.certificate()))).judge(leaf.chain(), "a.test", "TLSv1.1", NOW);
        assertThat(j.checks().getLegacyProtocol()).isTrue();
        assertThat(j.checks().getTrusted()).isTrue();
        assertThat(j.checks().getProblems()).singleElement().asString().contains("TLSv1.1");
    }
}

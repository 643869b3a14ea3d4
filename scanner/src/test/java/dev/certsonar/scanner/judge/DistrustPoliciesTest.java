package dev.certsonar.scanner.judge;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pki;
import org.junit.jupiter.api.Test;

import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The JDK's distrust of CAs for TLS servers, applied as its TLS trust manager applies it, to public anchors only. */
class DistrustPoliciesTest {

    static final Instant NOW = Instant.now();
    static final LocalDate CUT_OFF = LocalDate.of(2024, 11, 11);

    @Test
    void thePoliciesAreThoseTheSecurityPropertyNames() {
        assertThat(DistrustPolicies.parse(" SYMANTEC_TLS,ENTRUST_TLS , NOT_A_POLICY")).extracting(DistrustPolicies.Policy::name)
                .containsExactly("SYMANTEC_TLS", "ENTRUST_TLS");
        assertThat(DistrustPolicies.parse("")).isEmpty();
        assertThat(DistrustPolicies.parse(null)).isEmpty();
        assertThat(DistrustPolicies.parse(Security.getProperty("jdk.security.caDistrustPolicies")))
                .as("the JDK's own setting").extracting(DistrustPolicies.Policy::name)
                .contains("SYMANTEC_TLS", "ENTRUST_TLS", "CAMERFIRMA_TLS", "CHUNGHWA_TLS");
        assertThat(DistrustPolicies.JDK).allSatisfy(p -> assertThat(p.roots()).isNotEmpty()
                .allSatisfy(f -> assertThat(f).matches("[0-9A-F]{64}")));
    }

    static DistrustPolicies distrusting(X509Certificate root, Map<String, LocalDate> exempt) {
        return new DistrustPolicies(List.of(new DistrustPolicies.Policy("TEST_TLS", "a test root", CUT_OFF,
                Set.of(DistrustPolicies.sha256(root)), exempt)));
    }

    static IssuedCertificate issuedOn(CertificateAuthority ca, LocalDate day) {
        Instant notBefore = day.atStartOfDay().toInstant(java.time.ZoneOffset.UTC).plus(Duration.ofHours(12));
        return ca.leaf().dnsNames("www.distrust.test").notBefore(notBefore).notAfter(NOW.plus(Duration.ofDays(60))).issue();
    }

    @Test
    void aCertificateIssuedAfterTheCutOffUnderADistrustedPublicRootIsUntrusted() {
        CertificateAuthority root = Pki.root("Distrusted Root");
        CertificateAuthority issuing = root.intermediate("Distrusted Issuing CA");
        TrustAnchors anchors = TrustAnchors.of(List.of(root.certificate()), List.of(), distrusting(root.certificate(), Map.of()));

        ChainJudge.Judgement after = new ChainJudge(anchors).judge(issuedOn(issuing, CUT_OFF.plusDays(1)).chain(),
                "www.distrust.test", "TLSv1.3", NOW);
        assertThat(after.checks().getTrusted()).isFalse();
        assertThat(after.checks().getProblems()).anySatisfy(p -> assertThat(p).isEqualTo(
                "untrusted: the certificate was issued on " + CUT_OFF.plusDays(1) + ", after " + CUT_OFF
                        + ", under 'CN=Distrusted Root', a test root whose TLS server certificates issued after that date the JDK"
                        + " distrusts (TEST_TLS of jdk.security.caDistrustPolicies)"));

        ChainJudge.Judgement onTheDay = new ChainJudge(anchors).judge(issuedOn(issuing, CUT_OFF).chain(),
                "www.distrust.test", "TLSv1.3", NOW);
        assertThat(onTheDay.checks().getTrusted()).isTrue();
    }

    @Test
    void aPrivateAnchorSetsItsOwnRules() {
        CertificateAuthority root = Pki.root("Pinned Distrusted Root");
        TrustAnchors anchors = TrustAnchors.of(List.of(), List.of(root.certificate()), distrusting(root.certificate(), Map.of()));
        ChainJudge.Judgement j = new ChainJudge(anchors).judge(issuedOn(root.intermediate("CA"), CUT_OFF.plusDays(30)).chain(),
                "www.distrust.test", "TLSv1.3", NOW);
        assertThat(j.checks().getTrusted()).isTrue();
    }

    @Test
    void anExemptSubCaHasADateOfItsOwn() {
        CertificateAuthority root = Pki.root("Exempting Root");
        CertificateAuthority exempt = root.intermediate("Exempt CA");
        TrustAnchors anchors = TrustAnchors.of(List.of(root.certificate()), List.of(),
                distrusting(root.certificate(), Map.of(DistrustPolicies.sha256(exempt.certificate()), CUT_OFF.plusDays(50))));
        assertThat(new ChainJudge(anchors).judge(issuedOn(exempt, CUT_OFF.plusDays(20)).chain(), "www.distrust.test", "TLSv1.3", NOW)
                .checks().getTrusted()).isTrue();
        assertThat(new ChainJudge(anchors).judge(issuedOn(exempt, CUT_OFF.plusDays(51)).chain(), "www.distrust.test", "TLSv1.3", NOW)
                .checks().getTrusted()).isFalse();
    }
}

package dev.certsonar.scanner.judge;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.schemas.avro.Checks;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which path counts: among the paths that reach an anchor and keep the rules, one valid at the instant and without
 * problems first, then the one that lasts longest; and the verdict is the same whatever the order the certificates
 * after the leaf were served in.
 */
class PathChoiceTest {

    static final Instant NOW = Instant.now();

    @Test
    void aReissuedIntermediateNotYetValidBesideTheCurrentOneIsNoAlarm() {
        CertificateAuthority root = Pki.root("Choice Root");
        CertificateAuthority current = root.intermediateBuilder("Issuing CA").notBefore(NOW.minus(Duration.ofDays(100)))
                .notAfter(NOW.plus(Duration.ofDays(60))).create();
        CertificateAuthority reissued = root.intermediateBuilder("Issuing CA").keyPair(current.keyPair())
                .notBefore(NOW.plus(Duration.ofDays(10))).notAfter(NOW.plus(Duration.ofDays(2000))).create();
        IssuedCertificate leaf = current.leaf().dnsNames("www.choice.test").validFor(Duration.ofDays(90)).issue();
        List<X509Certificate> served = List.of(leaf.certificate(), reissued.certificate(), current.certificate());

        // the path through the reissued intermediate lasts longer, but it is not valid yet: the current one counts
        ChainJudge judge = new ChainJudge(TrustAnchors.of(List.of(root.certificate())));
        ChainJudge.Judgement now = judge.judge(served, "www.choice.test", "TLSv1.3", NOW);
        assertThat(now.checks().getNotYetValid()).isFalse();
        assertThat(now.checks().getProblems()).isEmpty();
        assertThat(now.expiryCertificate()).isEqualTo(current.certificate());

        // once the current one has expired and the reissued one is valid, the reissued path counts
        ChainJudge.Judgement then = judge.judge(served, "www.choice.test", "TLSv1.3", NOW.plus(Duration.ofDays(70)));
        assertThat(then.checks().getExpired()).isFalse();
        assertThat(then.checks().getProblems()).isEmpty();
        assertThat(then.notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
    }

    @Test
    void anExpiringCrossSignBesideALongerPathIsNoAlarm() {
        CertificateAuthority oldRoot = Pki.root("Old Root");
        CertificateAuthority newRoot = Pki.root("New Root");
        CertificateAuthority issuing = newRoot.intermediate("Cross Issuing CA");
        X509Certificate crossSign = oldRoot.crossSign(newRoot, NOW.plus(Duration.ofDays(5)));
        IssuedCertificate leaf = issuing.leaf().dnsNames("www.cross.test").validFor(Duration.ofDays(90)).issue();
        List<X509Certificate> served = List.of(leaf.certificate(), issuing.certificate(), crossSign);

        ChainJudge.Judgement j = new ChainJudge(TrustAnchors.of(List.of(oldRoot.certificate(), newRoot.certificate())))
                .judge(served, "www.cross.test", "TLSv1.3", NOW);
        assertThat(j.checks().getProblems()).isEmpty();
        assertThat(j.notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
        assertThat(j.servedChainNotAfter()).isEqualTo(crossSign.getNotAfter().toInstant());
    }

    @Test
    void aPathWithoutProblemsWinsOverALongerOneWithAWeakSignature() {
        CertificateAuthority weakRoot = Pki.rootBuilder("SHA-1 Root").validFor(Duration.ofDays(5000)).create();
        CertificateAuthority goodRoot = Pki.rootBuilder("Good Root").validFor(Duration.ofDays(400)).create();
        CertificateAuthority issuing = goodRoot.intermediateBuilder("Two-Way CA").validFor(Duration.ofDays(300)).create();
        X509Certificate sha1Cross = weakRoot.intermediateBuilder("Two-Way CA").keyPair(issuing.keyPair())
                .signatureAlgorithm("SHA1withRSA").validFor(Duration.ofDays(4000)).create().certificate();
        IssuedCertificate leaf = issuing.leaf().dnsNames("www.two.test").validFor(Duration.ofDays(90)).issue();

        ChainJudge.Judgement j = new ChainJudge(TrustAnchors.of(List.of(weakRoot.certificate(), goodRoot.certificate())))
                .judge(List.of(leaf.certificate(), sha1Cross, issuing.certificate()), "www.two.test", "TLSv1.3", NOW);
        assertThat(j.checks().getWeakSignature()).isFalse();
        assertThat(j.checks().getProblems()).isEmpty();
    }

    @Test
    void theVerdictDoesNotDependOnTheOrderOfTheServedCertificates() {
        CertificateAuthority oldRoot = Pki.root("Order Old Root");
        CertificateAuthority newRoot = Pki.root("Order New Root");
        CertificateAuthority issuing = newRoot.intermediate("Order Issuing CA");
        CertificateAuthority reissued = newRoot.intermediateBuilder("Order Issuing CA").keyPair(issuing.keyPair())
                .notBefore(NOW.plus(Duration.ofDays(3))).validFor(Duration.ofDays(3000)).create();
        X509Certificate crossSign = oldRoot.crossSign(newRoot, NOW.plus(Duration.ofDays(20)));
        X509Certificate stranger = Pki.root("Stranger").intermediate("Stranger CA").certificate();
        IssuedCertificate leaf = issuing.leaf().dnsNames("www.order.test").validFor(Duration.ofDays(90)).issue();
        List<X509Certificate> others = List.of(issuing.certificate(), reissued.certificate(), crossSign, stranger);
        ChainJudge judge = new ChainJudge(TrustAnchors.of(List.of(oldRoot.certificate())));

        List<List<X509Certificate>> orders = permutations(others);
        assertThat(orders).hasSize(24);
        ChainJudge.Judgement first = null;
        for (List<X509Certificate> order : orders) {
            List<X509Certificate> served = new ArrayList<>();
            served.add(leaf.certificate());
            served.addAll(order);
            ChainJudge.Judgement j = judge.judge(served, "www.order.test", "TLSv1.3", NOW);
            if (first == null) {
                first = j;
                assertThat(j.checks().getTrusted()).isTrue();
                assertThat(j.expiryCertificate()).as("the cross-sign to the only anchor expires first").isEqualTo(crossSign);
            }
            assertThat(j.notAfter()).isEqualTo(first.notAfter());
            assertThat(j.expiryCertificate()).isEqualTo(first.expiryCertificate());
            assertThat(withoutProblems(j.checks())).isEqualTo(withoutProblems(first.checks()));
            assertThat(j.checks().getProblems()).isEqualTo(first.checks().getProblems());
        }
    }

    static Checks withoutProblems(Checks c) {
        return Checks.newBuilder(c).setProblems(List.of()).build();
    }

    static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T head = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> p = new ArrayList<>();
                p.add(head);
                p.addAll(tail);
                out.add(p);
            }
        }
        return out;
    }
}

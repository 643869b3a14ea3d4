package dev.certsonar.scanner.judge;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pki;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chains made to blow up path building: layers of CA certificates sharing names and keys (every choice in one layer
 * leads to every choice in the next), self-issued certificates and loops. Each ends in a verdict within the limits of
 * path building, which a problem names.
 */
class BoundedPathBuildingTest {

    static final Instant NOW = Instant.now();

    @Test
    void aMazeToATrustedRootIsTrustedAndTheLimitIsNamed() {
        CertificateAuthority root = Pki.rootBuilder("Maze Root").key(KeySpec.EC_256).create();
        List<X509Certificate> served = Mazes.maze(root, 6, 5).served();

        ChainJudge.Analysis a = new ChainJudge(TrustAnchors.of(List.of(root.certificate()))).analyse(served, "maze.test");
        ChainJudge.Judgement j = new ChainJudge(TrustAnchors.of(List.of(root.certificate()))).judge(served, "maze.test", "TLSv1.3", NOW);

        assertThat(a.paths()).hasSizeLessThanOrEqualTo(ChainJudge.MAX_PATHS).isNotEmpty();
        assertThat(j.checks().getTrusted()).isTrue();
        assertThat(j.checks().getProblems()).singleElement().asString().startsWith("path building stopped after");
    }

    @Test
    void aMazeToNoAnchorIsUntrustedWithinTheLimits() {
        CertificateAuthority unknown = Pki.rootBuilder("Unknown Maze Root").key(KeySpec.EC_256).create();
        CertificateAuthority pinned = Pki.root("Some Pinned Root");
        List<X509Certificate> served = Mazes.maze(unknown, 6, 5).served();

        ChainJudge.Judgement j = new ChainJudge(TrustAnchors.of(List.of(pinned.certificate()))).judge(served, "maze.test", "TLSv1.3", NOW);

        assertThat(j.checks().getTrusted()).isFalse();
        assertThat(j.checks().getProblems()).anySatisfy(p -> assertThat(p).startsWith("path building stopped after"));
        String limit = j.checks().getProblems().stream().filter(p -> p.startsWith("path building")).findFirst().orElseThrow();
        int checks = Integer.parseInt(limit.replaceAll("^path building stopped after (\\d+) signature checks.*$", "$1"));
        int steps = Integer.parseInt(limit.replaceAll("^.* and (\\d+) issuers tried.*$", "$1"));
        assertThat(checks).isLessThanOrEqualTo(ChainJudge.MAX_SIGNATURE_CHECKS);
        assertThat(steps).isLessThanOrEqualTo(ChainJudge.MAX_STEPS);
    }

    @Test
    void manySelfIssuedCertificatesWithOneNameAndKeyEndQuickly() {
        KeyPair key = KeySpec.EC_256.generate();
        CertificateAuthority pinned = Pki.root("Pinned Root");
        List<X509Certificate> served = new ArrayList<>();
        CertificateAuthority first = Pki.rootBuilder("Same Name").keyPair(key).create();
        for (int i = 0; i < 60; i++) {
            served.add(Pki.rootBuilder("Same Name").keyPair(key).serial(BigInteger.valueOf(i + 1)).create().certificate());
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(first.leaf().dnsNames("same.test").issue().certificate());
        chain.addAll(served);

        ChainJudge.Judgement j = new ChainJudge(TrustAnchors.of(List.of(pinned.certificate()))).judge(chain, "same.test", "TLSv1.3", NOW);

        assertThat(j.checks().getTrusted()).isFalse();
        assertThat(j.checks().getChainComplete()).as("it ends at a self-signed certificate").isTrue();
        assertThat(j.checks().getProblems()).first().asString().contains("'CN=Same Name', which is not a trusted root");
    }

    @Test
    void twoCasIssuingEachOtherAreALoopThatEnds() {
        CertificateAuthority a = Pki.root("Loop A");
        CertificateAuthority b = Pki.root("Loop B");
        X509Certificate aByB = b.intermediateBuilder("Loop A").keyPair(a.keyPair()).create().certificate();
        X509Certificate bByA = a.intermediateBuilder("Loop B").keyPair(b.keyPair()).create().certificate();
        IssuedCertificate leaf = a.leaf().dnsNames("loop.test").issue();
        ChainJudge.Judgement j = new ChainJudge(TrustAnchors.of(List.of(Pki.root("Elsewhere").certificate())))
                .judge(List.of(leaf.certificate(), aByB, bByA), "loop.test", "TLSv1.3", NOW);
        assertThat(j.checks().getTrusted()).isFalse();
        assertThat(j.checks().getProblems()).noneSatisfy(p -> assertThat(p).startsWith("path building stopped"));
    }
}

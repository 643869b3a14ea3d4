package dev.certsonar.cli.conformance;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.CertificateBuilder;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pki;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The PKI the conformance cases are made with, once per run: a private root (RSA-2048), an issuing intermediate (EC
 * P-256) and an RSA intermediate under it, every date counted from one instant ({@link #now}, the start of the run
 * in whole seconds), so that the same chains can be judged offline at that instant and served by local TLS servers.
 */
final class ConformancePki {

    /** The name most cases are checked for. */
    static final String HOST = "www.example.test";

    final Instant now;
    final Clock clock;
    final CertificateAuthority root;
    /** An EC P-256 intermediate under {@link #root}: the issuer of the usual leaf. */
    final CertificateAuthority issuing;
    /** An RSA-2048 intermediate under {@link #root}, for RSA signatures (PKCS#1 v1.5 and PSS) on leaves. */
    final CertificateAuthority rsaIssuing;
    /**
     * An RSA-2048 key pair for every other RSA certificate (other roots, RSA leaves): RSA keys are slow to make, and a
     * key shared by certificates of other names and cases changes no verdict (a path holds a subject and key once).
     */
    final KeyPair rsaKey;

    ConformancePki(Instant now) {
        this.now = now.truncatedTo(ChronoUnit.SECONDS);
        this.clock = Clock.fixed(this.now, ZoneOffset.UTC);
        root = Pki.root("Conformance Root", clock);
        issuing = root.intermediateBuilder("Conformance Issuing CA").key(KeySpec.EC_256).create();
        rsaKey = KeySpec.RSA_2048.generate();
        rsaIssuing = root.intermediateBuilder("Conformance RSA CA").keyPair(rsaKey).create();
    }

    Instant days(long days) {
        return now.plus(Duration.ofDays(days));
    }

    /** A leaf builder under the issuer: an EC P-256 key, valid from an hour ago for 90 days. */
    static CertificateBuilder leaf(CertificateAuthority issuer) {
        return issuer.leaf().key(KeySpec.EC_256).validFor(Duration.ofDays(90));
    }

    /** The usual leaf builder: under {@link #issuing}. */
    CertificateBuilder leaf() {
        return leaf(issuing);
    }

    /** Another root, with {@link #rsaKey}. */
    CertificateAuthority.CaBuilder otherRoot(String name) {
        return Pki.rootBuilder(name, clock).keyPair(rsaKey);
    }

    /** An intermediate under the root with an EC P-256 key. */
    CertificateAuthority.CaBuilder intermediate(String name) {
        return root.intermediateBuilder(name).key(KeySpec.EC_256);
    }

    /**
     * A case's chain: what is served (leaf first unless a case says otherwise), the leaf's key (for a TLS server), the
     * trust anchors given, and whether they stand for public anchors (the JDK's trust store) rather than pinned ones.
     */
    record Chain(List<X509Certificate> served, PrivateKey key, List<X509Certificate> anchors, boolean publicAnchor) {

        /** The chain a leaf was issued with (its issuers up to the root, without the root) under its root. */
        static Chain of(IssuedCertificate leaf) {
            return new Chain(leaf.chain(), leaf.privateKey(), List.of(leaf.root()), false);
        }

        /** The leaf, then these certificates, as served. */
        static Chain served(IssuedCertificate leaf, List<X509Certificate> others, X509Certificate... anchors) {
            List<X509Certificate> served = new ArrayList<>();
            served.add(leaf.certificate());
            served.addAll(others);
            return new Chain(served, leaf.privateKey(), List.of(anchors), false);
        }

        Chain anchors(X509Certificate... anchors) {
            return new Chain(served, key, List.of(anchors), publicAnchor);
        }

        /** The same certificates served in another order. */
        Chain order(int... indexes) {
            List<X509Certificate> reordered = new ArrayList<>();
            for (int i : indexes) {
                reordered.add(served.get(i));
            }
            return new Chain(reordered, key, anchors, publicAnchor);
        }

        /** The anchors as public ones, as if from the JDK's trust store. */
        Chain asPublic() {
            return new Chain(served, key, anchors, true);
        }

        X509Certificate leaf() {
            return served.getFirst();
        }
    }
}

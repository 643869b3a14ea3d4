package dev.certsonar.scanner.judge;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Served chains made to blow up path building, for tests. */
public final class Mazes {

    /** The served chain, leaf first, and the leaf's private key. */
    public record Maze(PrivateKey key, List<X509Certificate> served) {
    }

    private Mazes() {
    }

    /**
     * A leaf under {@code layers} layers of {@code width} CA certificates each: the certificates of one layer share a
     * name and a key and are all issued by the next layer's key, so there are width^layers paths; the top layer is
     * issued by {@code top}. Each layer also holds a self-issued copy and a certificate issued back by the layer
     * below (a loop).
     */
    public static Maze maze(CertificateAuthority top, int layers, int width) {
        return maze(top, layers, width, true);
    }

    /** As {@link #maze(CertificateAuthority, int, int)}; without the self-issued copies and loops unless {@code twisted}. */
    public static Maze maze(CertificateAuthority top, int layers, int width, boolean twisted) {
        List<X509Certificate> served = new ArrayList<>();
        CertificateAuthority above = top;
        List<CertificateAuthority> built = new ArrayList<>();
        for (int layer = layers; layer >= 1; layer--) {
            KeyPair key = KeySpec.EC_256.generate();
            CertificateAuthority first = null;
            for (int i = 0; i < width; i++) {
                CertificateAuthority ca = above.intermediateBuilder("Maze Layer " + layer).keyPair(key)
                        .serial(BigInteger.valueOf(layer * 1000L + i + 1)).create();
                served.add(ca.certificate());
                if (first == null) {
                    first = ca;
                }
            }
            if (twisted) {
                served.add(first.intermediateBuilder("Maze Layer " + layer).keyPair(key).serial(BigInteger.valueOf(layer * 1000L + 999))
                        .create().certificate());
            }
            built.add(first);
            above = first;
        }
        // loops: each layer's name issued again by the layer below it
        for (int i = 0; twisted && i + 1 < built.size(); i++) {
            served.add(built.get(i + 1).intermediateBuilder("Maze Layer " + (layers - i)).keyPair(built.get(i).keyPair()).create()
                    .certificate());
        }
        IssuedCertificate leaf = above.leaf().dnsNames("maze.test").key(KeySpec.EC_256).validFor(Duration.ofDays(90)).issue();
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf.certificate());
        chain.addAll(served.reversed());
        return new Maze(leaf.privateKey(), List.copyOf(chain));
    }

}

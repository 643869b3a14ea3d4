package dev.certsonar.cli.inspect;

import javax.security.auth.x500.X500Principal;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chains in certificates stored together, as a server would send them: each leaf first, whatever the order in the
 * file, followed by the stored certificates that may have issued it (by issuer name, up to a self-issued one). Every
 * leaf gives a chain of its own, so a bundle of unrelated certificates gives one chain per leaf. Certificates of CAs
 * only (a CA bundle, a truststore) give one chain from each lowest CA certificate (one that issued none of the others)
 * up; the hostname check does not apply to them.
 */
public final class Chains {

    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    /**
     * One chain.
     *
     * @param entry        the named part of the file of its first certificate (keystore alias, secret); may be null
     * @param certificates the first certificate, then its stored issuers
     * @param leaf         whether the first certificate is a leaf (not a CA certificate)
     */
    public record StoredChain(String entry, List<X509Certificate> certificates, boolean leaf) {
    }

    /**
     * The chains of a group.
     *
     * @param chains the chains, leaves in stored order
     * @param unused CA certificates that issued none of the leaves of a group with leaves (not judged)
     */
    public record Split(List<StoredChain> chains, List<X509Certificate> unused) {
    }

    private Chains() {
    }

    public static Split split(List<StoredCertificate> group) {
        Map<X509Certificate, String> entries = unique(group);
        List<X509Certificate> all = new ArrayList<>(entries.keySet());
        Set<X509Certificate> leaves = new HashSet<>();
        for (X509Certificate c : all) {
            if (isLeaf(c, all)) {
                leaves.add(c);
            }
        }
        List<StoredChain> chains = new ArrayList<>();
        Set<X509Certificate> covered = new HashSet<>();
        if (!leaves.isEmpty()) {
            for (X509Certificate c : all) {
                if (leaves.contains(c)) {
                    List<X509Certificate> chain = issuers(c, all);
                    covered.addAll(chain);
                    chains.add(new StoredChain(entries.get(c), chain, true));
                }
            }
            List<X509Certificate> unused = all.stream().filter(c -> !covered.contains(c)).toList();
            return new Split(List.copyOf(chains), unused);
        }
        // CA certificates only: from each lowest one up, then from any not yet covered (certificates issuing each other)
        List<X509Certificate> starts = new ArrayList<>();
        for (X509Certificate c : all) {
            if (all.stream().noneMatch(other -> issued(c, other))) {
                starts.add(c);
            }
        }
        starts.addAll(all);
        for (X509Certificate c : starts) {
            if (!covered.contains(c)) {
                List<X509Certificate> chain = issuers(c, all);
                covered.addAll(chain);
                chains.add(new StoredChain(entries.get(c), chain, false));
            }
        }
        return new Split(List.copyOf(chains), List.of());
    }

    /**
     * A leaf: a certificate that issued none of the others (by name) and is not a CA certificate, or is one with DNS
     * names or IP addresses among its subject alternative names (a self-signed server certificate made with CA:TRUE,
     * as {@code openssl req -x509} makes them; root CAs with an e-mail address there stay CAs). An issuer that wrongly
     * says it is no CA is still an issuer here, so that the judge, not the file's reading, says what is wrong with it.
     */
    private static boolean isLeaf(X509Certificate c, List<X509Certificate> all) {
        return all.stream().noneMatch(other -> issued(c, other)) && (c.getBasicConstraints() < 0 || namesAServer(c));
    }

    private static boolean namesAServer(X509Certificate c) {
        try {
            Collection<List<?>> names = c.getSubjectAlternativeNames();
            return names != null && names.stream().anyMatch(n -> n.get(0) instanceof Integer type
                    && (type == DNS_NAME || type == IP_ADDRESS));
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    /** Whether {@code issuer}'s name is the issuer name of {@code other}, another certificate not self-issued. */
    private static boolean issued(X509Certificate issuer, X509Certificate other) {
        X500Principal name = issuer.getSubjectX500Principal();
        return other != issuer && other.getIssuerX500Principal().equals(name)
                && !other.getSubjectX500Principal().equals(name);
    }

    /** The certificate, then every stored certificate whose name issued one of the chain, nearest first. */
    private static List<X509Certificate> issuers(X509Certificate first, List<X509Certificate> all) {
        List<X509Certificate> chain = new ArrayList<>(List.of(first));
        Deque<X509Certificate> next = new ArrayDeque<>(chain);
        while (!next.isEmpty()) {
            X509Certificate c = next.poll();
            if (c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                continue;
            }
            for (X509Certificate candidate : all) {
                if (!chain.contains(candidate)
                        && candidate.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                    chain.add(candidate);
                    next.add(candidate);
                }
            }
        }
        return List.copyOf(chain);
    }

    /** The certificates once each (certificates are equal when their encodings are), each with its first entry. */
    private static Map<X509Certificate, String> unique(List<StoredCertificate> group) {
        Map<X509Certificate, String> entries = new LinkedHashMap<>();
        for (StoredCertificate s : group) {
            entries.putIfAbsent(s.certificate(), s.entry());
        }
        return entries;
    }
}

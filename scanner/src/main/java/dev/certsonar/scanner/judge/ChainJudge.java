package dev.certsonar.scanner.judge;

import dev.certsonar.schemas.avro.Checks;

import javax.security.auth.x500.X500Principal;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Judges a served chain (leaf first; the other certificates in any order, extras ignored): builds the paths from the
 * leaf to a trust anchor over the served certificates, with bounded work; checks each by RFC 5280 for a TLS server
 * ({@link PathRules}, dates set aside, so an expired certificate is expired and nothing else) and by the JDK's distrust
 * policies; chooses among the paths that hold one valid at the instant and without problems first, then the one that
 * lasts longest (so an expiring cross-sign, or a reissued intermediate not yet valid, beside a good path is no
 * alarm); and checks the reference identity (RFC 9525), the keys and signatures, the validity dates, the protocol
 * and the CA/Browser Forum lifetime. The verdict does not depend on the order the server sent its certificates in.
 *
 * <p>Path building remembers the (subject, key) pairs of the path it extends, so no loop is followed, and stops at
 * {@value #MAX_SIGNATURE_CHECKS} signature checks, {@value #MAX_STEPS} issuers tried or {@value #MAX_PATHS} paths
 * found, whichever comes first; a chain made to blow the search up gets its verdict within these and a problem says
 * the search was cut short.
 */
public final class ChainJudge {

    static final int MAX_DEPTH = 12;
    static final int MAX_PATHS = 32;
    static final int MAX_SIGNATURE_CHECKS = 256;
    static final int MAX_STEPS = 2048;

    /**
     * The verdict: the expiry that matters, the certificate defining it, and the checks; {@code validatedPath} is the
     * path that holds at the instant, leaf first and its trust anchor last (empty when none holds).
     */
    public record Judgement(Instant notAfter, Instant servedChainNotAfter, X509Certificate expiryCertificate, Checks checks,
                            List<X509Certificate> validatedPath) {
    }

    /** A certificate of a judged path and its start of validity, for the checks that depend on the instant. */
    public record NotBefore(Instant instant, boolean leaf, String name) {
    }

    /** What the keys, signatures and lifetime of a path's certificates give, in words. */
    public record Findings(boolean weakKey, boolean weakSignature, boolean lifetimeExceeds, List<String> words,
                           String lifetimeProblem) {

        /** No weak key or signature and no lifetime over the maximum. */
        boolean clean() {
            return !weakKey && !weakSignature && !lifetimeExceeds;
        }
    }

    /**
     * A path from the leaf to an anchor, with what holds of it at any instant.
     *
     * @param certificates the served certificates of the path, the leaf first (the leaf alone when it is itself an anchor)
     * @param broken       why the path breaks RFC 5280 or a distrust policy, in words; null when it holds
     * @param notBefore    the latest notBefore of the path and its anchor
     * @param notAfter     the earliest notAfter of the path and its anchor, that of {@code expiryCertificate}
     * @param order        a key that orders paths the same way whatever the order they were served in
     */
    public record Path(List<X509Certificate> certificates, TrustAnchors.Anchor anchor, String broken, Instant notBefore,
                       Instant notAfter, X509Certificate expiryCertificate, List<NotBefore> notBefores, Findings findings,
                       String order) {

        boolean validAt(Instant now) {
            return !now.isBefore(notBefore) && !now.isAfter(notAfter);
        }
    }

    /**
     * Everything of a judgement that depends only on the served chain, the anchors and the reference name: the paths
     * built and checked, the name, keys, signatures and lifetime. It holds for any instant, so identical chains need it
     * once; which path counts is chosen at the instant of each judgement.
     *
     * @param paths          every path found to an anchor, valid or not
     * @param partial        when no path reaches an anchor: the longest chain of served issuers from the leaf
     * @param partialProblem when no path reaches an anchor: why, in words
     * @param limitProblem   when path building was cut short: what was done, in words; else null
     */
    public record Analysis(X509Certificate leaf, boolean selfSigned, Instant servedNotAfter, List<Path> paths,
                           List<X509Certificate> partial, boolean partialComplete, String partialProblem,
                           Findings partialFindings, boolean hostnameMatch, String hostnameProblem, String reference,
                           String limitProblem) {
    }

    private final TrustAnchors anchors;
    private final Signatures signatures;
    private final PathRules rules;

    public ChainJudge(TrustAnchors anchors) {
        this.anchors = anchors;
        this.signatures = new Signatures();
        this.rules = new PathRules(signatures);
        WarmUp.start();
    }

    /** Loads, once per JVM and beside the first handshakes, what the first judgement would otherwise wait for. */
    private static final class WarmUp {
        private static final java.util.concurrent.atomic.AtomicBoolean STARTED = new java.util.concurrent.atomic.AtomicBoolean();

        static void start() {
            if (STARTED.compareAndSet(false, true)) {
                Thread.ofVirtual().name("certsonar-judge-warm-up").start(() -> {
                    PathRules.warmUp();
                    Hostnames.warmUp();
                });
            }
        }
    }

    /** The judge's signature checks, whose remembered results the parsing of served certificates shares. */
    Signatures signatures() {
        return signatures;
    }

    /**
     * @param served     the chain as served, leaf first (not empty)
     * @param reference  the name or address the leaf must match; null when none applies
     * @param tlsVersion the negotiated protocol version, may be null
     * @param now        the instant of the observation
     */
    public Judgement judge(List<X509Certificate> served, String reference, String tlsVersion, Instant now) {
        return judge(analyse(served, reference), tlsVersion, now);
    }

    /** The instant-independent part of {@link #judge}: see {@link Analysis}. */
    public Analysis analyse(List<X509Certificate> served, String reference) {
        X509Certificate leaf = served.get(0);
        Search search = new Search(served);
        boolean selfSigned = search.selfSigned(leaf);
        List<X509Certificate> path = new ArrayList<>(List.of(leaf));
        Set<SubjectKey> onPath = new HashSet<>(Set.of(SubjectKey.of(leaf)));
        search.build(leaf, path, onPath);
        Instant servedNotAfter = served.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();

        List<X509Certificate> partial = List.of();
        boolean partialComplete = false;
        String partialProblem = null;
        Findings partialFindings = null;
        if (search.found.isEmpty()) {
            partial = search.partialChain(leaf);
            X509Certificate top = partial.getLast();
            boolean topSelfSigned = search.selfSigned(top);
            X509Certificate loop = search.loopsBackTo(top, partial);
            partialComplete = topSelfSigned || loop != null;
            if (search.limited) {
                partialProblem = "untrusted: no path to a trusted anchor was found within the limits of path building";
            } else if (selfSigned) {
                partialProblem = "the certificate is self-signed and not a trusted root";
            } else if (topSelfSigned) {
                partialProblem = "untrusted: the chain ends at '" + name(top) + "', which is not a trusted root";
            } else if (loop != null) {
                partialProblem = "untrusted: the chain loops: '" + name(top) + "' is issued by '" + name(loop)
                        + "', already on the chain, and no trusted root is reached";
            } else {
                partialProblem = "incomplete chain: the issuer '" + top.getIssuerX500Principal().getName() + "' of '"
                        + name(top) + "' was not served and is not a trusted root";
            }
            List<X509Certificate> judged = new ArrayList<>(partial);
            partialFindings = findings(judged, topSelfSigned && partial.size() > 1 ? top : null, false);
        }

        boolean hostnameMatch = true;
        String hostnameProblem = null;
        if (reference != null) {
            hostnameMatch = Hostnames.matches(reference, leaf);
            if (!hostnameMatch) {
                List<String> sans = CertificateParser.sans(leaf);
                hostnameProblem = "hostname mismatch: the certificate is not valid for " + reference
                        + (sans.isEmpty() ? " (it has no subject alternative names)"
                        : " (it is valid for " + sans.stream().limit(5).collect(Collectors.joining(", "))
                        + (sans.size() > 5 ? ", and " + (sans.size() - 5) + " more" : "") + ")");
            }
        }
        String limitProblem = search.limited
                ? "path building stopped after " + search.signatureChecks + " signature checks and " + search.steps
                + " issuers tried (" + served.size() + " certificates served, " + search.found.size()
                + " paths found): the verdict rests on the paths found within these limits"
                : null;
        return new Analysis(leaf, selfSigned, servedNotAfter, List.copyOf(search.found), List.copyOf(partial),
                partialComplete, partialProblem, partialFindings, hostnameMatch, hostnameProblem, reference, limitProblem);
    }

    /** Completes an analysis with what depends on the instant of the observation and on the negotiated protocol. */
    public Judgement judge(Analysis a, String tlsVersion, Instant now) {
        List<String> problems = new ArrayList<>();
        Path chosen = choose(a.paths(), now, true);
        Path broken = chosen == null ? choose(a.paths(), now, false) : null;
        boolean trusted = chosen != null;
        boolean chainComplete;
        boolean publicAnchor = false;
        Findings findings;
        List<NotBefore> notBefores;
        Instant notAfter;
        X509Certificate expiryCertificate;
        if (chosen != null) {
            chainComplete = true;
            publicAnchor = chosen.anchor().publicAnchor();
            findings = chosen.findings();
            notBefores = chosen.notBefores();
            notAfter = chosen.notAfter();
            expiryCertificate = chosen.expiryCertificate();
        } else {
            chainComplete = broken != null || a.partialComplete();
            problems.add(broken != null ? "untrusted: " + broken.broken() : a.partialProblem());
            findings = broken != null ? broken.findings() : a.partialFindings();
            notBefores = broken != null ? broken.notBefores() : notBefores(a.partial(), a.leaf());
            notAfter = a.leaf().getNotAfter().toInstant();
            expiryCertificate = a.leaf();
        }

        boolean expired = now.isAfter(notAfter);
        if (expired) {
            long days = Duration.between(notAfter, now).toDays();
            problems.addFirst((expiryCertificate == a.leaf() ? "the certificate expired on "
                    : "'" + name(expiryCertificate) + "' of the chain expired on ")
                    + notAfter.truncatedTo(ChronoUnit.SECONDS) + " (" + (days == 0 ? "today" : days + (days == 1 ? " day ago" : " days ago")) + ")");
        }
        boolean notYetValid = false;
        for (NotBefore nb : notBefores) {
            if (now.isBefore(nb.instant())) {
                notYetValid = true;
                problems.add((nb.leaf() ? "the certificate is" : "'" + nb.name() + "' of the chain is") + " not valid before "
                        + nb.instant().truncatedTo(ChronoUnit.SECONDS));
            }
        }
        if (a.hostnameProblem() != null) {
            problems.add(a.hostnameProblem());
        }
        problems.addAll(findings.words());
        boolean legacy = tlsVersion != null && Set.of("TLSv1", "TLSv1.1", "SSLv3").contains(tlsVersion);
        if (legacy) {
            problems.add("legacy protocol: the server negotiated " + tlsVersion + " (TLS 1.2 or newer expected)");
        }
        boolean lifetimeExceeds = publicAnchor && findings.lifetimeExceeds();
        if (lifetimeExceeds) {
            problems.add(findings.lifetimeProblem());
        }
        if (a.limitProblem() != null) {
            problems.add(a.limitProblem());
        }

        Checks checks = Checks.newBuilder()
                .setTrusted(trusted)
                .setHostnameMatch(a.hostnameMatch())
                .setChainComplete(chainComplete)
                .setWeakKey(findings.weakKey())
                .setWeakSignature(findings.weakSignature())
                .setNotYetValid(notYetValid)
                .setExpired(expired)
                .setSelfSigned(a.selfSigned())
                .setLegacyProtocol(legacy)
                .setLifetimeExceedsMaximum(lifetimeExceeds)
                .setPublicAnchor(publicAnchor)
                .setHostnameChecked(a.reference())
                .setProblems(problems)
                .build();
        return new Judgement(notAfter, a.servedNotAfter(), expiryCertificate, checks, withAnchor(chosen));
    }

    /** The path's certificates and its anchor, leaf first; empty for none. */
    private static List<X509Certificate> withAnchor(Path path) {
        if (path == null) {
            return List.of();
        }
        List<X509Certificate> out = new ArrayList<>(path.certificates());
        X509Certificate anchor = path.anchor().certificate();
        if (!out.getLast().equals(anchor)) {
            out.add(anchor);
        }
        return List.copyOf(out);
    }

    /**
     * The path that counts at {@code now} among those that hold ({@code valid}) or, when none does, among those that
     * break a rule: valid at the instant and without problems first, then the one that lasts longest, then one under a
     * public anchor, then the shortest; null when there is none.
     */
    static Path choose(List<Path> paths, Instant now, boolean valid) {
        Comparator<Path> better = Comparator.comparing((Path p) -> p.validAt(now) && p.findings().clean())
                .thenComparing(Path::notAfter)
                .thenComparing(p -> p.findings().clean())
                .thenComparing(p -> p.anchor().publicAnchor())
                .thenComparing(p -> -p.certificates().size())
                .thenComparing(Path::order);
        return paths.stream().filter(p -> (p.broken() == null) == valid).max(better).orElse(null);
    }

    private static List<NotBefore> notBefores(List<X509Certificate> judged, X509Certificate leaf) {
        List<NotBefore> out = new ArrayList<>();
        for (X509Certificate c : judged) {
            out.add(new NotBefore(c.getNotBefore().toInstant(), c == leaf, name(c)));
        }
        return List.copyOf(out);
    }

    /**
     * The weak keys and signatures of the judged certificates (an anchor's own signature set aside), and the leaf's
     * lifetime against the CA/Browser Forum maximum when the path ends at a public anchor and the leaf is an end-entity
     * certificate (the maximum is not for CA certificates, which a chain of CAs only, read from a file, starts with).
     */
    private static Findings findings(List<X509Certificate> judged, X509Certificate anchor, boolean publicAnchor) {
        X509Certificate leaf = judged.getFirst();
        List<String> words = new ArrayList<>();
        boolean weakKey = false;
        Set<X509Certificate> once = new HashSet<>();
        for (X509Certificate c : judged) {
            String weak = once.add(c) ? weakKey(c.getPublicKey()) : null;
            if (weak != null) {
                weakKey = true;
                words.add("weak key: " + (c == leaf ? "the certificate" : "'" + name(c) + "'") + " has " + weak);
            }
        }
        boolean weakSignature = false;
        once.clear();
        for (X509Certificate c : judged) {
            String weak = !c.equals(anchor) && once.add(c) ? Signatures.weakness(c) : null;
            if (weak != null) {
                weakSignature = true;
                words.add("weak signature: " + (c == leaf ? "the certificate" : "'" + name(c) + "'") + " is signed with " + weak);
            }
        }
        boolean lifetimeExceeds = publicAnchor && leaf.getBasicConstraints() < 0 && LifetimeRule.exceeds(leaf);
        String lifetimeProblem = null;
        if (lifetimeExceeds) {
            Instant nb = leaf.getNotBefore().toInstant();
            long days = LifetimeRule.validity(nb, leaf.getNotAfter().toInstant()).toSeconds() / 86400;
            lifetimeProblem = "lifetime of " + days + " days exceeds the CA/Browser Forum maximum of "
                    + LifetimeRule.maximumDays(nb) + " days for certificates issued on " + nb.truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10);
        }
        return new Findings(weakKey, weakSignature, lifetimeExceeds, List.copyOf(words), lifetimeProblem);
    }

    /** A certificate's subject and key: a path holds each pair once. */
    private record SubjectKey(X500Principal subject, PublicKey key) {
        static SubjectKey of(X509Certificate c) {
            return new SubjectKey(c.getSubjectX500Principal(), c.getPublicKey());
        }
    }

    /** One path building, with its own signature checks remembered and its work counted. */
    private final class Search {

        private final Map<X500Principal, List<X509Certificate>> bySubject = new HashMap<>();
        private final Map<X509Certificate, Map<PublicKey, Boolean>> verified = new IdentityHashMap<>();
        private final Map<X509Certificate, String> order = new IdentityHashMap<>();
        private final Map<List<X509Certificate>, Boolean> candidates = new HashMap<>();
        final List<Path> found = new ArrayList<>();
        int signatureChecks;
        int steps;
        boolean limited;

        Search(List<X509Certificate> served) {
            // issuers by subject, each name's certificates in one order whatever the order they were served in (by hash,
            // then byte by byte), so that the server's order changes nothing
            List<X509Certificate> distinct = new ArrayList<>(new LinkedHashSet<>(served));
            distinct.sort(Comparator.comparingInt(X509Certificate::hashCode).thenComparing(ChainJudge::encoding));
            for (int i = 0; i < distinct.size(); i++) {
                X509Certificate c = distinct.get(i);
                bySubject.computeIfAbsent(c.getSubjectX500Principal(), k -> new ArrayList<>()).add(c);
                order.put(c, String.format(java.util.Locale.ROOT, "%03d", i));
            }
        }

        boolean verifies(X509Certificate cert, PublicKey key) {
            Map<PublicKey, Boolean> byKey = verified.computeIfAbsent(cert, k -> new HashMap<>());
            Boolean known = byKey.get(key);
            if (known != null) {
                return known;
            }
            if (signatureChecks >= MAX_SIGNATURE_CHECKS) {
                limited = true;
                return false;
            }
            signatureChecks++;
            boolean result = signatures.verifies(cert, key);
            byKey.put(key, result);
            return result;
        }

        boolean selfSigned(X509Certificate cert) {
            return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal()) && verifies(cert, cert.getPublicKey());
        }

        void build(X509Certificate current, List<X509Certificate> path, Set<SubjectKey> onPath) {
            if (found.size() >= MAX_PATHS || steps >= MAX_STEPS) {
                limited = true;
                return;
            }
            steps++;
            TrustAnchors.Anchor self = anchors.anchorFor(current);
            if (self != null) {
                // the served certificate is an anchor (or a copy of one, cross-signed): the path may end here
                add(path.size() == 1 ? List.copyOf(path) : List.copyOf(path.subList(0, path.size() - 1)), self);
            }
            for (TrustAnchors.Anchor a : anchors.withSubject(current.getIssuerX500Principal())) {
                if (a != self && verifies(current, a.certificate().getPublicKey())) {
                    add(List.copyOf(path), a);
                }
            }
            if (path.size() >= MAX_DEPTH) {
                return;
            }
            for (X509Certificate candidate : bySubject.getOrDefault(current.getIssuerX500Principal(), List.of())) {
                if (found.size() >= MAX_PATHS) {
                    limited = true;
                }
                if (limited) {
                    return;
                }
                SubjectKey sk = SubjectKey.of(candidate);
                if (onPath.contains(sk) || !verifies(current, candidate.getPublicKey())) {
                    continue;
                }
                path.add(candidate);
                onPath.add(sk);
                build(candidate, path, onPath);
                onPath.remove(sk);
                path.removeLast();
            }
        }

        /** Checks a path found and keeps it (once). */
        private void add(List<X509Certificate> served, TrustAnchors.Anchor anchor) {
            List<X509Certificate> key = new ArrayList<>(served);
            key.add(anchor.certificate());
            if (candidates.putIfAbsent(key, Boolean.TRUE) != null) {
                return;
            }
            X509Certificate leaf = served.getFirst();
            boolean pinnedLeaf = served.size() == 1 && leaf.equals(anchor.certificate());
            String broken = pinnedLeaf ? null : rules.broken(served, anchor.certificate());
            DistrustPolicies.Policy policy = anchor.publicAnchor() ? anchors.distrustPolicy(anchor) : null;
            if (broken == null && policy != null) {
                String distrust = DistrustPolicies.distrusts(policy, served, anchor.certificate());
                if (distrust != null) {
                    broken = distrust.substring("untrusted: ".length());
                }
            }
            List<X509Certificate> judged = new ArrayList<>(served);
            if (!pinnedLeaf) {
                judged.add(anchor.certificate());
            }
            X509Certificate expiry = judged.getFirst();
            Instant notBefore = Instant.MIN;
            for (X509Certificate c : judged) {
                if (c.getNotAfter().before(expiry.getNotAfter())) {
                    expiry = c;
                }
                Instant nb = c.getNotBefore().toInstant();
                if (nb.isAfter(notBefore)) {
                    notBefore = nb;
                }
            }
            StringBuilder ordering = new StringBuilder();
            for (X509Certificate c : judged) {
                String known = order.get(c);
                ordering.append(known != null ? known : ChainJudge.name(c)).append('/');
            }
            found.add(new Path(List.copyOf(served), anchor, broken, notBefore, expiry.getNotAfter().toInstant(), expiry,
                    notBefores(judged, leaf), findings(judged, anchor.certificate(), anchor.publicAnchor()),
                    ordering.toString()));
        }

        /**
         * The certificate of the chain that issued its last one, when the served issuers of the last one are all on the
         * chain already (a loop); null otherwise.
         */
        X509Certificate loopsBackTo(X509Certificate top, List<X509Certificate> chain) {
            for (X509Certificate candidate : bySubject.getOrDefault(top.getIssuerX500Principal(), List.of())) {
                SubjectKey sk = SubjectKey.of(candidate);
                for (X509Certificate c : chain) {
                    if (c != top && SubjectKey.of(c).equals(sk) && verifies(top, candidate.getPublicKey())) {
                        return c;
                    }
                }
            }
            return null;
        }

        /** The longest chain of served issuers from the leaf, for naming what is missing when no path reaches an anchor. */
        List<X509Certificate> partialChain(X509Certificate leaf) {
            List<X509Certificate> chain = new ArrayList<>(List.of(leaf));
            Set<SubjectKey> onPath = new HashSet<>(Set.of(SubjectKey.of(leaf)));
            X509Certificate current = leaf;
            while (chain.size() < MAX_DEPTH && !selfSigned(current)) {
                X509Certificate next = null;
                for (X509Certificate candidate : bySubject.getOrDefault(current.getIssuerX500Principal(), List.of())) {
                    if (!onPath.contains(SubjectKey.of(candidate)) && verifies(current, candidate.getPublicKey())) {
                        next = candidate;
                        break;
                    }
                }
                if (next == null) {
                    break;
                }
                chain.add(next);
                onPath.add(SubjectKey.of(next));
                current = next;
            }
            return chain;
        }
    }

    private static Bytes encoding(X509Certificate c) {
        try {
            return new Bytes(c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("a served certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** Why the key is weak ("a 1024-bit RSA key (at least 2048 expected)"); null when it is not. */
    static String weakKey(PublicKey key) {
        return switch (key) {
            case RSAPublicKey rsa when rsa.getModulus().bitLength() < 2048 ->
                    "a " + rsa.getModulus().bitLength() + "-bit RSA key (at least 2048 expected)";
            case DSAPublicKey dsa -> "a DSA key" + (dsa.getParams() != null ? " of " + dsa.getParams().getP().bitLength() + " bits" : "")
                    + " (DSA is not allowed for TLS certificates: RSA, EC or EdDSA expected)";
            case ECPublicKey ec when ec.getParams().getCurve().getField().getFieldSize() < 256 ->
                    "a " + ec.getParams().getCurve().getField().getFieldSize() + "-bit EC key (at least 256 expected)";
            default -> null;
        };
    }

    static String name(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }
}

package dev.certsonar.scanner.judge;

import dev.certsonar.schemas.avro.Checks;

import java.security.PublicKey;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Judges a served chain: builds every path from the leaf to a trust anchor over the served certificates (any order,
 * extras ignored), with validity dates set aside so that an expired certificate is expired and nothing else; picks
 * the path that lasts longest (an expiring cross-sign with a valid alternative is no alarm); and checks the hostname,
 * the keys and signatures, the validity dates, the protocol and the CA/Browser Forum lifetime.
 */
public final class ChainJudge {

    private static final int MAX_DEPTH = 12;
    private static final int MAX_PATHS = 64;
    /**
     * Candidate issuers examined while building the paths of one chain: a served chain of interlinked CA certificates
     * sharing names (every key signing every other) has more paths than can be walked, and ends the search here.
     */
    static final int MAX_STEPS = 10_000;

    /** The verdict: the expiry that matters, the certificate defining it, and the checks. */
    public record Judgement(Instant notAfter, Instant servedChainNotAfter, X509Certificate expiryCertificate, Checks checks) {
    }

    private record ValidatedPath(List<X509Certificate> certificates, TrustAnchors.Anchor anchor) {

        /** Served certificates of the path and the anchor's own. */
        List<X509Certificate> all() {
            List<X509Certificate> all = new ArrayList<>(certificates);
            all.add(anchor.certificate());
            return all;
        }

        Instant notAfter() {
            return all().stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
        }
    }

    private final TrustAnchors anchors;
    private final Signatures signatures;

    public ChainJudge(TrustAnchors anchors) {
        this.anchors = anchors;
        this.signatures = new Signatures();
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

    /** A certificate of the judged path and its start of validity, for the checks that depend on the instant. */
    public record NotBefore(Instant instant, boolean leaf, String name) {
    }

    /**
     * Everything of a judgement that depends only on the served chain, the anchors and the reference name: the paths
     * built, their signatures verified, the name, keys, signatures and lifetime checked. It holds for any instant,
     * so identical chains need it once.
     */
    public record Analysis(boolean trusted, boolean chainComplete, boolean publicAnchor, boolean selfSigned,
                           Instant notAfter, Instant servedNotAfter, X509Certificate expiryCertificate,
                           boolean expiryIsLeaf, List<NotBefore> notBefores, List<String> trustProblems,
                           boolean hostnameMatch, boolean weakKey, boolean weakSignature, boolean lifetimeExceeds,
                           List<String> laterProblems, String lifetimeProblem, String reference) {
    }

    /** The instant-independent part of {@link #judge}: see {@link Analysis}. */
    public Analysis analyse(List<X509Certificate> served, String reference) {
        X509Certificate leaf = served.get(0);
        Map<X509Certificate, Map<PublicKey, Boolean>> verified = new IdentityHashMap<>();
        List<ValidatedPath> paths = new ArrayList<>();
        build(leaf, new ArrayList<>(List.of(leaf)), served, paths, verified, new int[1]);

        List<String> problems = new ArrayList<>();
        Instant servedNotAfter = served.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
        boolean selfSigned = selfSigned(leaf, verified);
        boolean trusted;
        boolean chainComplete;
        boolean publicAnchor = false;
        List<X509Certificate> judged;
        Set<X509Certificate> anchorCerts = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Instant notAfter;
        X509Certificate expiryCert;

        if (!paths.isEmpty()) {
            ValidatedPath best = paths.stream()
                    .max(Comparator.comparing(ValidatedPath::notAfter)
                            .thenComparing(p -> p.anchor().publicAnchor())
                            .thenComparing(p -> -p.certificates().size()))
                    .orElseThrow();
            trusted = true;
            chainComplete = true;
            publicAnchor = best.anchor().publicAnchor();
            judged = best.all();
            anchorCerts.add(best.anchor().certificate());
            expiryCert = earliest(judged);
            notAfter = expiryCert.getNotAfter().toInstant();
        } else {
            trusted = false;
            List<X509Certificate> partial = partialChain(leaf, served, verified);
            X509Certificate top = partial.get(partial.size() - 1);
            boolean topSelfSigned = selfSigned(top, verified);
            chainComplete = topSelfSigned;
            judged = partial;
            if (topSelfSigned && partial.size() > 1) {
                anchorCerts.add(top);
            }
            if (selfSigned) {
                problems.add("the certificate is self-signed and not a trusted root");
            } else if (topSelfSigned) {
                problems.add("untrusted: the chain ends at '" + name(top) + "', which is not a trusted root");
            } else {
                problems.add("incomplete chain: the issuer '" + top.getIssuerX500Principal().getName() + "' of '" + name(top)
                        + "' was not served and is not a trusted root");
            }
            expiryCert = leaf;
            notAfter = leaf.getNotAfter().toInstant();
        }

        List<NotBefore> notBefores = new ArrayList<>();
        for (X509Certificate c : judged) {
            notBefores.add(new NotBefore(c.getNotBefore().toInstant(), c == leaf, name(c)));
        }

        List<String> later = new ArrayList<>();
        boolean hostnameMatch = true;
        if (reference != null) {
            List<String> sans = CertificateParser.sans(leaf);
            hostnameMatch = Hostnames.matches(reference, sans);
            if (!hostnameMatch) {
                later.add("hostname mismatch: the certificate is not valid for " + reference
                        + (sans.isEmpty() ? " (it has no subject alternative names)"
                        : " (it is valid for " + sans.stream().limit(5).collect(Collectors.joining(", "))
                        + (sans.size() > 5 ? ", and " + (sans.size() - 5) + " more" : "") + ")"));
            }
        }

        boolean weakKey = false;
        for (X509Certificate c : judged) {
            String weak = weakKey(c.getPublicKey());
            if (weak != null) {
                weakKey = true;
                later.add("weak key: " + (c == leaf ? "the certificate" : "'" + name(c) + "'") + " has " + weak);
            }
        }

        boolean weakSignature = false;
        for (X509Certificate c : judged) {
            if (!anchorCerts.contains(c) && Signatures.isWeak(c.getSigAlgName())) {
                weakSignature = true;
                later.add("weak signature: " + (c == leaf ? "the certificate" : "'" + name(c) + "'") + " is signed with "
                        + c.getSigAlgName());
            }
        }

        boolean lifetimeExceeds = publicAnchor && LifetimeRule.exceeds(leaf);
        String lifetimeProblem = null;
        if (lifetimeExceeds) {
            Instant nb = leaf.getNotBefore().toInstant();
            long days = LifetimeRule.validity(nb, leaf.getNotAfter().toInstant()).toSeconds() / 86400;
            lifetimeProblem = "lifetime of " + days + " days exceeds the CA/Browser Forum maximum of "
                    + LifetimeRule.maximumDays(nb) + " days for certificates issued on " + nb.truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10);
        }
        return new Analysis(trusted, chainComplete, publicAnchor, selfSigned, notAfter, servedNotAfter, expiryCert,
                expiryCert == leaf, List.copyOf(notBefores), List.copyOf(problems), hostnameMatch, weakKey, weakSignature,
                lifetimeExceeds, List.copyOf(later), lifetimeProblem, reference);
    }

    /** Completes an analysis with what depends on the instant of the observation and on the negotiated protocol. */
    public Judgement judge(Analysis a, String tlsVersion, Instant now) {
        List<String> problems = new ArrayList<>(a.trustProblems());
        Instant notAfter = a.notAfter();
        boolean expired = now.isAfter(notAfter);
        if (expired) {
            long days = Duration.between(notAfter, now).toDays();
            problems.add(0, (a.expiryIsLeaf() ? "the certificate expired on " : "'" + name(a.expiryCertificate()) + "' of the chain expired on ")
                    + notAfter.truncatedTo(ChronoUnit.SECONDS) + " (" + (days == 0 ? "today" : days + (days == 1 ? " day ago" : " days ago")) + ")");
        }

        boolean notYetValid = false;
        for (NotBefore nb : a.notBefores()) {
            if (now.isBefore(nb.instant())) {
                notYetValid = true;
                problems.add((nb.leaf() ? "the certificate is" : "'" + nb.name() + "' of the chain is") + " not valid before "
                        + nb.instant().truncatedTo(ChronoUnit.SECONDS));
            }
        }

        problems.addAll(a.laterProblems());

        boolean legacy = tlsVersion != null && Set.of("TLSv1", "TLSv1.1", "SSLv3").contains(tlsVersion);
        if (legacy) {
            problems.add("legacy protocol: the server negotiated " + tlsVersion + " (TLS 1.2 or newer expected)");
        }
        if (a.lifetimeProblem() != null) {
            problems.add(a.lifetimeProblem());
        }

        Checks checks = Checks.newBuilder()
                .setTrusted(a.trusted())
                .setHostnameMatch(a.hostnameMatch())
                .setChainComplete(a.chainComplete())
                .setWeakKey(a.weakKey())
                .setWeakSignature(a.weakSignature())
                .setNotYetValid(notYetValid)
                .setExpired(expired)
                .setSelfSigned(a.selfSigned())
                .setLegacyProtocol(legacy)
                .setLifetimeExceedsMaximum(a.lifetimeExceeds())
                .setPublicAnchor(a.publicAnchor())
                .setHostnameChecked(a.reference())
                .setProblems(problems)
                .build();
        return new Judgement(notAfter, a.servedNotAfter(), a.expiryCertificate(), checks);
    }

    private void build(X509Certificate current, List<X509Certificate> path, List<X509Certificate> served,
                       List<ValidatedPath> out, Map<X509Certificate, Map<PublicKey, Boolean>> verified, int[] steps) {
        if (out.size() >= MAX_PATHS) {
            return;
        }
        TrustAnchors.Anchor self = anchors.anchorFor(current);
        if (self != null) {
            // the served certificate is an anchor (or a cross-signed copy of one): the path may end here
            List<X509Certificate> below = new ArrayList<>(path.subList(0, path.size() - 1));
            if (below.isEmpty()) {
                below.add(current);
            }
            out.add(new ValidatedPath(below, self));
        }
        for (TrustAnchors.Anchor a : anchors.withSubject(current.getIssuerX500Principal())) {
            if (a != self && verifies(current, a.certificate().getPublicKey(), verified)) {
                out.add(new ValidatedPath(List.copyOf(path), a));
            }
        }
        if (path.size() >= MAX_DEPTH) {
            return;
        }
        for (X509Certificate candidate : served) {
            if (++steps[0] > MAX_STEPS) {
                return;
            }
            if (containsIdentity(path, candidate) || !canIssue(candidate)
                    || !candidate.getSubjectX500Principal().equals(current.getIssuerX500Principal())
                    || candidate.getPublicKey().equals(current.getPublicKey())
                    || !verifies(current, candidate.getPublicKey(), verified)) {
                continue;
            }
            path.add(candidate);
            build(candidate, path, served, out, verified, steps);
            path.remove(path.size() - 1);
        }
    }

    /** The longest chain of served issuers from the leaf, for naming what is missing when no path validates. */
    private List<X509Certificate> partialChain(X509Certificate leaf, List<X509Certificate> served,
                                               Map<X509Certificate, Map<PublicKey, Boolean>> verified) {
        List<X509Certificate> chain = new ArrayList<>(List.of(leaf));
        X509Certificate current = leaf;
        while (chain.size() < MAX_DEPTH && !selfSigned(current, verified)) {
            X509Certificate next = null;
            for (X509Certificate candidate : served) {
                if (!containsIdentity(chain, candidate)
                        && candidate.getSubjectX500Principal().equals(current.getIssuerX500Principal())
                        && verifies(current, candidate.getPublicKey(), verified)) {
                    next = candidate;
                    break;
                }
            }
            if (next == null) {
                break;
            }
            chain.add(next);
            current = next;
        }
        return chain;
    }

    private static boolean canIssue(X509Certificate c) {
        boolean[] ku = c.getKeyUsage();
        boolean keyCertSign = ku == null || (ku.length > 5 && ku[5]);
        return keyCertSign && (c.getBasicConstraints() >= 0 || c.getVersion() < 3);
    }

    private static boolean containsIdentity(List<X509Certificate> list, X509Certificate c) {
        for (X509Certificate x : list) {
            if (x == c || x.equals(c)) {
                return true;
            }
        }
        return false;
    }

    /** As {@link CertificateParser#isSelfSigned}, the signature checked once per judgement. */
    private boolean selfSigned(X509Certificate cert, Map<X509Certificate, Map<PublicKey, Boolean>> cache) {
        return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())
                && verifies(cert, cert.getPublicKey(), cache);
    }

    private boolean verifies(X509Certificate cert, PublicKey key, Map<X509Certificate, Map<PublicKey, Boolean>> cache) {
        return cache.computeIfAbsent(cert, k -> new HashMap<>()).computeIfAbsent(key, k -> signatures.verifies(cert, k));
    }

    private static X509Certificate earliest(List<X509Certificate> certs) {
        X509Certificate best = certs.get(0);
        for (X509Certificate c : certs) {
            if (c.getNotAfter().before(best.getNotAfter())) {
                best = c;
            }
        }
        return best;
    }

    /** Why the key is weak ("a 1024-bit RSA key (at least 2048 expected)"); null when it is not. */
    static String weakKey(PublicKey key) {
        return switch (key) {
            case RSAPublicKey rsa when rsa.getModulus().bitLength() < 2048 ->
                    "a " + rsa.getModulus().bitLength() + "-bit RSA key (at least 2048 expected)";
            case DSAPublicKey dsa when dsa.getParams() != null && dsa.getParams().getP().bitLength() < 2048 ->
                    "a " + dsa.getParams().getP().bitLength() + "-bit DSA key (at least 2048 expected)";
            case ECPublicKey ec when ec.getParams().getCurve().getField().getFieldSize() < 256 ->
                    "a " + ec.getParams().getCurve().getField().getFieldSize() + "-bit EC key (at least 256 expected)";
            default -> null;
        };
    }

    private static String name(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }
}

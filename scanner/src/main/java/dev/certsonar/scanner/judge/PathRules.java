package dev.certsonar.scanner.judge;

import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.jce.provider.PKIXCertPathValidatorSpi;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 5280 path validation of one candidate path for a TLS server, with validity dates set aside, by Bouncy Castle's
 * PKIX certificate path validator ({@link PKIXCertPathValidatorSpi}, revocation off): basic constraints (a CA for every issuer, pathLenConstraint; version
 * 1 and 2 certificates only as trust anchors), key usage (keyCertSign for every issuer), name constraints (permitted and
 * excluded subtrees of every kind, those of the trust anchor too, on subject names and subject alternative names),
 * certificate policies and their constraints, and unknown critical extensions refused; with {@link TlsServerRules} for
 * what the algorithm leaves to the application (extended key usage of the leaf and of its issuers, the leaf's key usage
 * and version, the leaf's common name under name constraints when it has no subject alternative names). The
 * validator checks every certificate at one date; it sees each one through {@link UndatedCertificate}, valid at any
 * date, so the rules hold or break whatever the dates, and the judge names the dates itself.
 */
final class PathRules {

    private static final Pattern OID = Pattern.compile("\\d+(\\.\\d+)+");

    /** Issuing certificates kept, parsed, at most (all are forgotten when there would be more). */
    static final int REMEMBERED = 1_000;

    private final Signatures signatures;
    private final Map<X509Certificate, Anchored> anchors = new ConcurrentHashMap<>();
    private final Map<X509Certificate, UndatedCertificate> issuers = new ConcurrentHashMap<>();

    /** A trust anchor as the validator takes it, with its own name constraints. */
    private record Anchored(TrustAnchor anchor, NameConstraints constraints) {
    }

    /** @param signatures the judge's signature checks, which the validator's own come from */
    PathRules(Signatures signatures) {
        this.signatures = signatures;
    }

    /**
     * Makes what the first validation needs (the validator's classes, and the Bouncy Castle provider it makes for
     * itself once, unregistered), so that no probe waits for it.
     */
    static void warmUp() {
        new PKIXCertPathValidatorSpi();
    }

    /**
     * Why the path breaks a rule, in words naming the certificate; null when it keeps them all.
     *
     * @param path   the served certificates of the path, the leaf first (not empty)
     * @param anchor the trust anchor the last of them was issued by
     */
    String broken(List<X509Certificate> path, X509Certificate anchor) {
        Anchored anchored = anchors.computeIfAbsent(anchor, this::anchored);
        List<X509Certificate> undated = new ArrayList<>(path.size());
        undated.add(new UndatedCertificate(path.getFirst(), signatures::verifies));
        for (X509Certificate c : path.subList(1, path.size())) {
            undated.add(issuer(c));
        }
        TlsServerRules.Broken broken = new TlsServerRules.Broken();
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(undated);
            PKIXParameters parameters = new PKIXParameters(Set.of(anchored.anchor()));
            parameters.setRevocationEnabled(false);
            parameters.addCertPathChecker(new TlsServerRules(path.size(), anchored.constraints(), broken));
            new PKIXCertPathValidatorSpi().engineValidate(certPath, parameters);
            return null;
        } catch (CertPathValidatorException e) {
            if (broken.words != null) {
                return broken.words;
            }
            int index = e.getIndex();
            return words(e.getMessage(), index >= 0 && index < path.size() ? path.get(index) : null, index == 0);
        } catch (GeneralSecurityException | RuntimeException e) {
            // a certificate the validator cannot read (a malformed extension) keeps the path from validating
            return "the path cannot be validated: " + e.getMessage();
        }
    }

    private UndatedCertificate issuer(X509Certificate c) {
        UndatedCertificate known = issuers.get(c);
        if (known == null) {
            if (issuers.size() >= REMEMBERED) {
                issuers.clear();
            }
            known = new UndatedCertificate(c, signatures::verifies);
            issuers.put(c, known);
        }
        return known;
    }

    private Anchored anchored(X509Certificate anchor) {
        NameConstraints nc = TlsServerRules.nameConstraints(anchor);
        byte[] encoded = null;
        if (nc != null) {
            try {
                encoded = nc.getEncoded();
            } catch (IOException e) {
                nc = null;
            }
        }
        return new Anchored(new TrustAnchor(new UndatedCertificate(anchor, signatures::verifies), encoded), nc);
    }

    /** The validator's finding in words a person reads, naming the certificate and the rule. */
    static String words(String message, X509Certificate cert, boolean leaf) {
        String who = cert == null ? "a certificate of the path" : leaf ? "the certificate" : "'" + ChainJudge.name(cert) + "'";
        String m = message == null ? "" : message;
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("version 1 certificates")) {
            return who + " is a version 1 certificate, which only a trust anchor may be (RFC 5280 §6.1.4 (k))";
        }
        if (lower.contains("not a ca certificate") || lower.contains("lacks basicconstraints")) {
            return who + " issues certificates but is not a CA: its basic constraints do not say CA (RFC 5280 §4.2.1.9)";
        }
        if (lower.contains("max path length")) {
            return who + " is below more CAs than the pathLenConstraint of a CA above it allows (RFC 5280 §4.2.1.9)";
        }
        if (lower.contains("keyusage") || lower.contains("key usage")) {
            return who + " issues certificates but its key usage does not allow keyCertSign (RFC 5280 §4.2.1.3)";
        }
        if (lower.contains("subtree check") || lower.contains("name constraint")) {
            return (leaf ? "a name of the certificate" : "a name of " + who) + " is outside the name constraints of a CA"
                    + " above it (RFC 5280 §4.2.1.10)";
        }
        if (lower.contains("critical extension")) {
            Matcher oids = OID.matcher(m);
            List<String> found = new ArrayList<>();
            while (oids.find()) {
                found.add(oids.group());
            }
            return who + " has a critical extension that is not known"
                    + (found.isEmpty() ? "" : " (" + String.join(", ", found) + ")") + ", so it must be refused (RFC 5280 §4.2)";
        }
        if (lower.contains("policy") || lower.contains("policies")) {
            return "the certificate policies of the path do not validate at " + who + " (RFC 5280 §6.1.3 (d)-(f))";
        }
        return who + " breaks RFC 5280 path validation: " + m;
    }
}

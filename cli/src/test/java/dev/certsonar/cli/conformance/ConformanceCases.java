package dev.certsonar.cli.conformance;

import dev.certsonar.cli.conformance.ConformancePki.Chain;
import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.Profile;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Status;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static dev.certsonar.cli.conformance.ConformancePki.HOST;
import static dev.certsonar.cli.conformance.ConformancePki.leaf;

/**
 * The conformance cases: each a chain made with the sandbox PKI, the name it is checked for, the rule it checks (RFC
 * 5280, RFC 9525 or the CA/Browser Forum Baseline Requirements, by section) and the verdict certsonar must give: the
 * status, the conditions, the checks that fail and words of the problem that says why.
 */
final class ConformanceCases {

    /** A check of {@code checks} that a case expects to fail (all others hold). */
    enum Fails {
        TRUSTED, HOSTNAME_MATCH, CHAIN_COMPLETE, WEAK_KEY, WEAK_SIGNATURE, NOT_YET_VALID
    }

    /** The verdict a case expects. */
    record Expect(Status status, Set<ConditionType> conditions, Set<Fails> fails, String words) {
    }

    /**
     * One case.
     *
     * @param id    a short name, also the folder of its files when exported
     * @param rule  the rule it checks, with its source and section
     * @param title what the chain is, in words
     * @param host  the name or address the leaf is checked for; null for none
     * @param chain the chain, made from the conformance PKI
     */
    record Case(String id, String rule, String title, String host, Function<ConformancePki, Chain> chain, Expect expect) {
        @Override
        public String toString() {
            return id + " (" + rule + "): " + title;
        }
    }

    static final String UNKNOWN_OID = "1.3.6.1.4.1.55555.7";
    static final String UNTRUSTED_WORDS = "untrusted: ";

    private ConformanceCases() {
    }

    static Expect ok() {
        return new Expect(Status.OK, Set.of(), Set.of(), null);
    }

    static Expect expect(Status status, ConditionType condition, String words, Fails... fails) {
        return new Expect(status, Set.of(condition), fails.length == 0 ? Set.of() : EnumSet.of(fails[0], fails), words);
    }

    /** INVALID, UNTRUSTED: a path reaches the anchor but breaks a rule, said in these words. */
    static Expect broken(String words) {
        return expect(Status.INVALID, ConditionType.UNTRUSTED, words, Fails.TRUSTED);
    }

    static Expect mismatch() {
        return expect(Status.INVALID, ConditionType.HOSTNAME_MISMATCH, "hostname mismatch", Fails.HOSTNAME_MATCH);
    }

    static Expect weakKey(String words) {
        return expect(Status.INVALID, ConditionType.WEAK_CRYPTO, words, Fails.WEAK_KEY);
    }

    static Expect weakSignature(String words) {
        return expect(Status.INVALID, ConditionType.WEAK_CRYPTO, words, Fails.WEAK_SIGNATURE);
    }

    static Case c(String id, String rule, String title, String host, Function<ConformancePki, Chain> chain, Expect expect) {
        return new Case(id, rule, title, host, chain, expect);
    }

    static byte[] der(org.bouncycastle.asn1.ASN1Object o) {
        try {
            return o.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A leaf for {@link ConformancePki#HOST} under an intermediate of the root made so. */
    static Function<ConformancePki, Chain> under(String name, java.util.function.Consumer<Profile> profile) {
        return w -> Chain.of(leaf(w.intermediate(name).profile(profile).create()).dnsNames(HOST).issue());
    }

    /** A leaf for {@link ConformancePki#HOST} under the usual intermediate, with this profile. */
    static Function<ConformancePki, Chain> leafWith(java.util.function.Consumer<Profile> profile) {
        return w -> Chain.of(w.leaf().dnsNames(HOST).profile(profile).issue());
    }

    /** A leaf with these DNS names under the usual intermediate. */
    static Function<ConformancePki, Chain> named(String... dnsNames) {
        return w -> Chain.of(w.leaf().dnsNames(dnsNames).issue());
    }

    /** A leaf for the name or address under an intermediate whose name constraints are these. */
    static Function<ConformancePki, Chain> constrained(String[] constraints, java.util.function.Consumer<dev.certsonar.sandbox.tls.CertificateBuilder> leaf) {
        return w -> {
            var builder = leaf(w.intermediate("Constrained CA").profile(p -> p.nameConstraints(constraints)).create());
            leaf.accept(builder);
            return Chain.of(builder.issue());
        };
    }

    static String[] nc(String... constraints) {
        return constraints;
    }

    static final List<Case> ALL = List.of(
            // the usual chains, dates
            c("ok", "RFC 5280 §6.1", "leaf and intermediate under the pinned root", HOST,
                    named(HOST), ok()),
            c("ok-root-served", "RFC 8446 §4.4.2", "the root served too, after the intermediate", HOST,
                    w -> {
                        IssuedCertificate l = w.leaf().dnsNames(HOST).issue();
                        return Chain.served(l, List.of(w.issuing.certificate(), w.root.certificate()), w.root.certificate());
                    }, ok()),
            c("ok-direct", "RFC 5280 §6.1", "a leaf issued by the root itself, served alone", HOST,
                    w -> Chain.of(leaf(w.root).dnsNames(HOST).issue()), ok()),
            c("ok-two-intermediates", "RFC 5280 §6.1", "two intermediates between the leaf and the root", HOST,
                    w -> Chain.of(leaf(w.intermediate("Policy CA").create().intermediateBuilder("Issuing CA 2").key(KeySpec.EC_256).create())
                            .dnsNames(HOST).issue()), ok()),
            c("expired-leaf", "RFC 5280 §4.1.2.5", "the leaf expired a day ago", HOST,
                    w -> Chain.of(w.leaf().dnsNames(HOST).notBefore(w.days(-90)).notAfter(w.days(-1)).issue()),
                    expect(Status.EXPIRED, ConditionType.EXPIRED, "the certificate expired on")),
            c("expired-intermediate", "RFC 5280 §4.1.2.5", "the intermediate expired a day ago, the leaf is current", HOST,
                    w -> Chain.of(leaf(w.intermediate("Expired CA").notBefore(w.days(-800)).notAfter(w.days(-1)).create())
                            .dnsNames(HOST).issue()),
                    expect(Status.EXPIRED, ConditionType.EXPIRED, "'CN=Expired CA' of the chain expired on")),
            c("expired-root", "RFC 5280 §4.1.2.5", "the pinned root expired a day ago", HOST,
                    w -> {
                        CertificateAuthority old = w.otherRoot("Expired Root").notBefore(w.days(-3000)).notAfter(w.days(-1)).create();
                        return Chain.of(leaf(old).dnsNames(HOST).issue());
                    },
                    expect(Status.EXPIRED, ConditionType.EXPIRED, "'CN=Expired Root' of the chain expired on")),
            c("not-yet-valid-leaf", "RFC 5280 §4.1.2.5", "the leaf is valid from tomorrow", HOST,
                    w -> Chain.of(w.leaf().dnsNames(HOST).notBefore(w.days(1)).notAfter(w.days(91)).issue()),
                    expect(Status.INVALID, ConditionType.NOT_YET_VALID, "the certificate is not valid before", Fails.NOT_YET_VALID)),
            c("not-yet-valid-intermediate", "RFC 5280 §4.1.2.5", "the only intermediate is valid from tomorrow", HOST,
                    w -> Chain.of(leaf(w.intermediate("Future CA").notBefore(w.days(1)).validFor(Duration.ofDays(3650)).create())
                            .dnsNames(HOST).notBefore(w.days(-1)).issue()),
                    expect(Status.INVALID, ConditionType.NOT_YET_VALID, "'CN=Future CA' of the chain is not valid before", Fails.NOT_YET_VALID)),
            c("expiring-warning", "INTERFACES.md expiry thresholds", "the leaf expires in 20 days (warning threshold 30 days)", HOST,
                    w -> Chain.of(w.leaf().dnsNames(HOST).notBefore(w.days(-80)).notAfter(w.days(20)).issue()),
                    new Expect(Status.WARNING, Set.of(ConditionType.EXPIRING), Set.of(), null)),
            c("expiring-critical", "INTERFACES.md expiry thresholds", "the leaf expires in 3 days (critical threshold 7 days)", HOST,
                    w -> Chain.of(w.leaf().dnsNames(HOST).notBefore(w.days(-87)).notAfter(w.days(3)).issue()),
                    new Expect(Status.CRITICAL, Set.of(ConditionType.EXPIRING), Set.of(), null)),
            c("expiring-intermediate", "INTERFACES.md expiry thresholds", "the leaf is current, the intermediate expires in 5 days", HOST,
                    w -> Chain.of(leaf(w.intermediate("Ending CA").notBefore(w.days(-1000)).notAfter(w.days(5)).create())
                            .dnsNames(HOST).issue()),
                    new Expect(Status.CRITICAL, Set.of(ConditionType.EXPIRING), Set.of(), null)),

            // reference identity
            c("host-case", "RFC 9525 §6.3", "the reference in another case than the SAN", "WWW.Example.TEST",
                    named(HOST), ok()),
            c("host-mismatch", "RFC 9525 §6.3", "the SAN names another host", HOST,
                    named("other.example.test"), mismatch()),
            c("host-trailing-dot", "RFC 9525 §6.3", "the reference as an absolute name with a trailing dot", HOST + ".",
                    named(HOST), ok()),
            c("host-second-san", "RFC 9525 §6.3", "the reference is the second of three SANs", HOST,
                    named("api.example.test", HOST, "mail.example.test"), ok()),
            c("wildcard", "RFC 9525 §6.3", "*.example.test for www.example.test", HOST,
                    named("*.example.test"), ok()),
            c("wildcard-two-labels", "RFC 9525 §6.3", "*.example.test for a.www.example.test (one label only)", "a." + HOST,
                    named("*.example.test"), mismatch()),
            c("wildcard-bare-domain", "RFC 9525 §6.3", "*.example.test for example.test itself", "example.test",
                    named("*.example.test"), mismatch()),
            c("wildcard-partial", "RFC 9525 §6.3", "a partial wildcard w*.example.test", HOST,
                    named("w*.example.test"), mismatch()),
            c("wildcard-not-leftmost", "RFC 9525 §6.3", "a wildcard not in the left-most label, www.*.test", HOST,
                    named("www.*.test"), mismatch()),
            c("wildcard-public-suffix", "RFC 9525 §6.3, Public Suffix List", "*.co.uk for shop.co.uk (a public suffix)", "shop.co.uk",
                    named("*.co.uk"), mismatch()),
            c("wildcard-tld", "RFC 9525 §6.3", "*.com for example.com", "example.com",
                    named("*.com"), mismatch()),
            c("wildcard-registrable", "RFC 9525 §6.3, Public Suffix List", "*.example.co.uk for shop.example.co.uk", "shop.example.co.uk",
                    named("*.example.co.uk"), ok()),
            c("wildcard-private-suffix", "RFC 9525 §6.3, Public Suffix List (ICANN section)",
                    "*.github.io for shop.github.io (a suffix of the list's private section)", "shop.github.io",
                    named("*.github.io"), ok()),
            c("cn-only", "RFC 9525 §6.2.1", "the name in the subject CN only, no SAN", HOST,
                    w -> Chain.of(w.leaf().subject(HOST).issue()), mismatch()),
            c("cn-not-san", "RFC 9525 §6.2.1", "the CN names the host, the SAN another", HOST,
                    w -> Chain.of(w.leaf().subject(HOST).dnsNames("other.example.test").issue()), mismatch()),
            c("ip-san", "RFC 9525 §6.2.1", "an IPv4 reference and an iPAddress SAN", "192.0.2.10",
                    w -> Chain.of(w.leaf().ipAddresses("192.0.2.10").issue()), ok()),
            c("ip-as-dns-name", "RFC 9525 §6.2.1", "an IPv4 reference written as a dNSName SAN", "192.0.2.10",
                    named("192.0.2.10"), mismatch()),
            c("ip-other-address", "RFC 9525 §6.2.1", "an IPv4 reference, the iPAddress SAN another address", "192.0.2.10",
                    w -> Chain.of(w.leaf().ipAddresses("192.0.2.11").issue()), mismatch()),
            c("ipv6-san", "RFC 9525 §6.2.1", "an IPv6 reference and an iPAddress SAN", "2001:db8::10",
                    w -> Chain.of(w.leaf().ipAddresses("2001:db8::10").issue()), ok()),
            c("dns-ref-ip-san", "RFC 9525 §6.2.1", "a DNS reference and only an iPAddress SAN", HOST,
                    w -> Chain.of(w.leaf().subject(HOST).ipAddresses("192.0.2.10").issue()), mismatch()),
            c("idn", "RFC 9525 §6.3, IDNA 2008 (UTS #46)", "bücher.example.test against the A-label SAN", "bücher.example.test",
                    named("xn--bcher-kva.example.test"), ok()),
            c("idn-eszett", "RFC 9525 §6.3, IDNA 2008 (UTS #46 non-transitional)", "faß.example.test is xn--fa-hia, not fass",
                    "faß.example.test", named("xn--fa-hia.example.test"), ok()),
            c("idn-eszett-2003", "RFC 9525 §6.3, IDNA 2008 (UTS #46 non-transitional)", "faß.example.test against fass.example.test (IDNA 2003)",
                    "faß.example.test", named("fass.example.test"), mismatch()),
            c("idn-wildcard", "RFC 9525 §6.3, IDNA 2008", "bücher.example.test against *.example.test", "bücher.example.test",
                    named("*.example.test"), ok()),

            // basic constraints, path length
            c("bc-ca-false", "RFC 5280 §4.2.1.9", "the intermediate says CA:FALSE", HOST,
                    under("Not A CA", p -> p.basicConstraints(false)), broken("'CN=Not A CA' issues certificates but is not a CA")),
            c("bc-absent", "RFC 5280 §4.2.1.9", "the intermediate has no basic constraints", HOST,
                    under("No Basic Constraints", p -> p.basicConstraints(null)),
                    broken("'CN=No Basic Constraints' issues certificates but is not a CA")),
            c("pathlen-0-exceeded", "RFC 5280 §4.2.1.9, §6.1.4 (l)", "pathLenConstraint 0 with a CA below", HOST,
                    w -> Chain.of(leaf(w.intermediate("Last CA").pathLength(0).create().intermediateBuilder("Too Deep CA").key(KeySpec.EC_256).create())
                            .dnsNames(HOST).issue()),
                    broken("'CN=Too Deep CA' is below more CAs than the pathLenConstraint of a CA above it allows")),
            c("pathlen-0-kept", "RFC 5280 §4.2.1.9", "pathLenConstraint 0, the leaf right below", HOST,
                    w -> Chain.of(leaf(w.intermediate("Last CA").pathLength(0).create()).dnsNames(HOST).issue()), ok()),
            c("pathlen-1-kept", "RFC 5280 §4.2.1.9", "pathLenConstraint 1 with one CA below", HOST,
                    w -> Chain.of(leaf(w.intermediate("Policy CA").pathLength(1).create().intermediateBuilder("Issuing CA").key(KeySpec.EC_256).create())
                            .dnsNames(HOST).issue()), ok()),
            c("pathlen-1-exceeded", "RFC 5280 §4.2.1.9, §6.1.4 (l)", "pathLenConstraint 1 with two CAs below", HOST,
                    w -> Chain.of(leaf(w.intermediate("Policy CA").pathLength(1).create()
                            .intermediateBuilder("Middle CA").key(KeySpec.EC_256).create()
                            .intermediateBuilder("Bottom CA").key(KeySpec.EC_256).create()).dnsNames(HOST).issue()),
                    broken("'CN=Bottom CA' is below more CAs than the pathLenConstraint of a CA above it allows")),
            c("pathlen-self-issued", "RFC 5280 §6.1.4 (l)", "pathLenConstraint 0 above a self-issued key rollover of the same CA", HOST,
                    w -> {
                        CertificateAuthority ca = w.intermediate("Rolled CA").pathLength(0).create();
                        CertificateAuthority rolled = ca.intermediateBuilder("Rolled CA").key(KeySpec.EC_256).pathLength(0).create();
                        return Chain.of(leaf(rolled).dnsNames(HOST).issue());
                    }, ok()),
            c("pathlen-root", "RFC 5280 §6.1 (the anchor's own constraints are not inputs)", "the pinned root says pathLenConstraint 0, an intermediate below",
                    HOST, w -> {
                        CertificateAuthority r = w.otherRoot("Path Length Root").pathLength(0).create();
                        return Chain.of(leaf(r.intermediateBuilder("Under Path Length Root").key(KeySpec.EC_256).create()).dnsNames(HOST).issue());
                    }, ok()),
            c("leaf-ca-true", "RFC 5280 §4.2.1.9", "a leaf whose basic constraints say CA:TRUE", HOST,
                    w -> Chain.of(w.leaf().dnsNames(HOST).ca(true).issue()), ok()),

            // key usage
            c("ku-no-certsign", "RFC 5280 §4.2.1.3, §6.1.4 (n)", "the intermediate's key usage lacks keyCertSign", HOST,
                    under("No Cert Sign", p -> p.keyUsage("digitalSignature", "cRLSign")),
                    broken("'CN=No Cert Sign' issues certificates but its key usage does not allow keyCertSign")),
            c("ku-ca-absent", "RFC 5280 §4.2.1.3", "the intermediate has no key usage", HOST,
                    under("No Key Usage CA", p -> p.keyUsage()), ok()),
            c("ku-ec-keyencipherment", "RFC 5280 §4.2.1.3, RFC 8446 §4.4.2.2", "an EC leaf for keyEncipherment only", HOST,
                    leafWith(p -> p.keyUsage("keyEncipherment")),
                    broken("the certificate's key usage (keyEncipherment) does not allow a TLS server's EC key")),
            c("ku-ec-keyagreement", "RFC 5280 §4.2.1.3", "an EC leaf for keyAgreement only", HOST,
                    leafWith(p -> p.keyUsage("keyAgreement")), ok()),
            c("ku-rsa-keyencipherment", "RFC 5280 §4.2.1.3", "an RSA leaf for keyEncipherment only", HOST,
                    w -> Chain.of(w.leaf().keyPair(w.rsaKey).dnsNames(HOST).profile(p -> p.keyUsage("keyEncipherment")).issue()), ok()),
            c("ku-rsa-certsign-only", "RFC 5280 §4.2.1.3", "an RSA leaf for keyCertSign only", HOST,
                    w -> Chain.of(w.leaf().keyPair(w.rsaKey).dnsNames(HOST).profile(p -> p.keyUsage("keyCertSign")).issue()),
                    broken("the certificate's key usage (keyCertSign) does not allow a TLS server's RSA key")),
            c("ku-leaf-absent", "RFC 5280 §4.2.1.3", "a leaf without key usage", HOST,
                    leafWith(p -> p.keyUsage()), ok()),

            // extended key usage
            c("eku-client-only", "RFC 5280 §4.2.1.12", "a leaf for clientAuth only", HOST,
                    leafWith(p -> p.extendedKeyUsage("clientAuth")),
                    broken("the certificate is not for a TLS server: its extended key usage is clientAuth")),
            c("eku-any", "RFC 5280 §4.2.1.12", "a leaf for anyExtendedKeyUsage", HOST,
                    leafWith(p -> p.extendedKeyUsage("anyExtendedKeyUsage")), ok()),
            c("eku-absent", "RFC 5280 §4.2.1.12", "a leaf without extended key usage", HOST,
                    leafWith(p -> p.extendedKeyUsage()), ok()),
            c("eku-server-only", "RFC 5280 §4.2.1.12", "a leaf for serverAuth only", HOST,
                    leafWith(p -> p.extendedKeyUsage("serverAuth")), ok()),
            c("eku-critical", "RFC 5280 §4.2.1.12, §4.2", "a critical extended key usage with serverAuth", HOST,
                    leafWith(p -> p.extendedKeyUsage().extension("2.5.29.37", true, der(new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth)))), ok()),
            c("eku-ca-mail", "Baseline Requirements 7.1.2.10.6", "an intermediate for emailProtection and clientAuth", HOST,
                    under("Mail CA", p -> p.extendedKeyUsage("emailProtection", "clientAuth")),
                    broken("'CN=Mail CA' may not issue TLS server certificates: its extended key usage is emailProtection, clientAuth")),
            c("eku-ca-server", "Baseline Requirements 7.1.2.10.6", "an intermediate for serverAuth and clientAuth", HOST,
                    under("TLS CA", p -> p.extendedKeyUsage("serverAuth", "clientAuth")), ok()),
            c("eku-ca-any", "Baseline Requirements 7.1.2.10.6", "an intermediate for anyExtendedKeyUsage", HOST,
                    under("Any Purpose CA", p -> p.extendedKeyUsage("anyExtendedKeyUsage")), ok()),
            c("eku-root-client", "RFC 5280 §6.1 (an anchor sets its own rules)", "the pinned root's extended key usage is clientAuth only", HOST,
                    w -> {
                        CertificateAuthority r = w.otherRoot("Client Root").profile(p -> p.extendedKeyUsage("clientAuth")).create();
                        return Chain.of(leaf(r.intermediateBuilder("Under Client Root").key(KeySpec.EC_256).create()).dnsNames(HOST).issue());
                    }, ok()),

            // unknown critical extensions
            c("crit-unknown-leaf", "RFC 5280 §4.2, §6.1.4 (o)", "an unknown critical extension on the leaf", HOST,
                    leafWith(p -> p.extension(UNKNOWN_OID, true, der(DERNull.INSTANCE))),
                    broken("the certificate has a critical extension that is not known (" + UNKNOWN_OID + ")")),
            c("crit-unknown-intermediate", "RFC 5280 §4.2, §6.1.4 (o)", "an unknown critical extension on the intermediate", HOST,
                    under("Odd CA", p -> p.extension(UNKNOWN_OID, true, der(DERNull.INSTANCE))),
                    broken("'CN=Odd CA' has a critical extension that is not known (" + UNKNOWN_OID + ")")),
            c("noncrit-unknown", "RFC 5280 §4.2", "an unknown extension that is not critical", HOST,
                    leafWith(p -> p.extension(UNKNOWN_OID, false, der(DERNull.INSTANCE))), ok()),

            // versions
            c("v1-intermediate", "RFC 5280 §6.1.4 (k)", "a version 1 intermediate", HOST,
                    under("V1 CA", Profile::version1), broken("'CN=V1 CA' is a version 1 certificate, which only a trust anchor may be")),
            c("v1-leaf", "RFC 5280 §4.1.2.1", "a version 1 leaf (its name in the CN)", null,
                    w -> Chain.of(w.leaf().subject(HOST).profile(Profile::version1).issue()),
                    broken("the certificate is a version 1 certificate, which only a trust anchor may be")),
            c("v1-root", "RFC 5280 §6.1.1 (d)", "a version 1 root as the pinned anchor", HOST,
                    w -> {
                        CertificateAuthority r = w.otherRoot("V1 Root").profile(Profile::version1).create();
                        return Chain.of(leaf(r.intermediateBuilder("Under V1 Root").key(KeySpec.EC_256).create()).dnsNames(HOST).issue());
                    }, ok()),

            // name constraints
            c("nc-dns-inside", "RFC 5280 §4.2.1.10", "permitted example.test, the SAN inside", HOST,
                    constrained(nc("DNS:example.test"), l -> l.dnsNames(HOST)), ok()),
            c("nc-dns-outside", "RFC 5280 §4.2.1.10", "permitted example.test, the SAN outside", "www.other.test",
                    constrained(nc("DNS:example.test"), l -> l.dnsNames("www.other.test")),
                    broken("a name of the certificate is outside the name constraints")),
            c("nc-dns-one-outside", "RFC 5280 §4.2.1.10", "permitted example.test, one SAN inside and one outside", HOST,
                    constrained(nc("DNS:example.test"), l -> l.dnsNames(HOST, "www.other.test")),
                    broken("a name of the certificate is outside the name constraints")),
            c("nc-dns-excluded", "RFC 5280 §4.2.1.10", "excluded secret.example.test, the SAN inside it", "db.secret.example.test",
                    constrained(nc("EXCLUDED", "DNS:secret.example.test"), l -> l.dnsNames("db.secret.example.test")),
                    broken("a name of the certificate is outside the name constraints")),
            c("nc-dns-not-excluded", "RFC 5280 §4.2.1.10", "excluded secret.example.test, the SAN elsewhere", HOST,
                    constrained(nc("EXCLUDED", "DNS:secret.example.test"), l -> l.dnsNames(HOST)), ok()),
            c("nc-dns-label-boundary", "RFC 5280 §4.2.1.10", "permitted example.test, the SAN badexample.test", "badexample.test",
                    constrained(nc("DNS:example.test"), l -> l.dnsNames("badexample.test")),
                    broken("a name of the certificate is outside the name constraints")),
            c("nc-ip-inside", "RFC 5280 §4.2.1.10", "permitted 10.0.0.0/8, the iPAddress SAN inside", "10.1.2.3",
                    constrained(nc("IP:10.0.0.0/8"), l -> l.ipAddresses("10.1.2.3")), ok()),
            c("nc-ip-outside", "RFC 5280 §4.2.1.10", "permitted 10.0.0.0/8, the iPAddress SAN outside", "192.0.2.1",
                    constrained(nc("IP:10.0.0.0/8"), l -> l.ipAddresses("192.0.2.1")),
                    broken("a name of the certificate is outside the name constraints")),
            c("nc-ip-excluded", "RFC 5280 §4.2.1.10", "excluded 192.0.2.0/24, the iPAddress SAN inside it", "192.0.2.1",
                    constrained(nc("EXCLUDED", "IP:192.0.2.0/24"), l -> l.ipAddresses("192.0.2.1")),
                    broken("a name of the certificate is outside the name constraints")),
            c("nc-dn-inside", "RFC 5280 §4.2.1.10", "permitted directoryName O=Example, the subject inside", HOST,
                    constrained(nc("DN:O=Example"), l -> l.subject("O=Example,CN=" + HOST).dnsNames(HOST)), ok()),
            c("nc-dn-outside", "RFC 5280 §4.2.1.10", "permitted directoryName O=Example, the subject O=Other", HOST,
                    constrained(nc("DN:O=Example"), l -> l.subject("O=Other,CN=" + HOST).dnsNames(HOST)),
                    broken("a name of the certificate is outside the name constraints")),
            c("nc-cn-only-outside", "RFC 5280 §4.2.1.10 (the CN of a leaf without SAN, as the JDK and browsers apply it)",
                    "permitted example.test, no SAN, the CN www.other.test", null,
                    constrained(nc("DNS:example.test"), l -> l.subject("www.other.test")),
                    broken("the certificate's common name www.other.test (it has no subject alternative names) is outside the name constraints")),
            c("nc-cn-only-inside", "RFC 5280 §4.2.1.10 (the CN of a leaf without SAN)", "permitted example.test, no SAN, the CN inside", null,
                    constrained(nc("DNS:example.test"), l -> l.subject(HOST)), ok()),
            c("nc-cn-with-san", "RFC 5280 §4.2.1.10", "permitted example.test, a SAN inside and a CN that is no host name", HOST,
                    constrained(nc("DNS:example.test"), l -> l.subject("Web Server").dnsNames(HOST)), ok()),
            c("nc-anchor", "RFC 5280 §4.2.1.10 (the anchor's constraints, RFC 5937)", "the pinned root permits example.test, the SAN outside",
                    "www.other.test", w -> {
                        CertificateAuthority r = w.otherRoot("Constrained Root").profile(p -> p.nameConstraints("DNS:example.test")).create();
                        return Chain.of(leaf(r.intermediateBuilder("Under Constrained Root").key(KeySpec.EC_256).create()).dnsNames("www.other.test").issue());
                    }, broken("a name of the certificate is outside the name constraints")),
            c("nc-intermediate-name", "RFC 5280 §6.1.3 (b)", "an intermediate permits example.test, a CA below it is named O=Other only", HOST,
                    w -> {
                        CertificateAuthority top = w.intermediate("Names CA").profile(p -> p.nameConstraints("DNS:example.test")).create();
                        CertificateAuthority below = top.intermediateBuilder("O=Other,CN=Below CA").key(KeySpec.EC_256).create();
                        return Chain.of(leaf(below).dnsNames(HOST).issue());
                    }, ok()),

            // weak keys and signatures
            c("rsa-1024-leaf", "Baseline Requirements 6.1.5", "an RSA-1024 leaf", HOST,
                    w -> Chain.of(w.leaf().key(KeySpec.rsa(1024)).dnsNames(HOST).issue()),
                    weakKey("weak key: the certificate has a 1024-bit RSA key")),
            c("rsa-1024-intermediate", "Baseline Requirements 6.1.5", "an RSA-1024 intermediate", HOST,
                    w -> Chain.of(leaf(w.root.intermediateBuilder("Small Key CA").key(KeySpec.rsa(1024)).create()).dnsNames(HOST).issue()),
                    weakKey("weak key: 'CN=Small Key CA' has a 1024-bit RSA key")),
            c("rsa-2048-leaf", "Baseline Requirements 6.1.5", "an RSA-2048 leaf", HOST,
                    w -> Chain.of(w.leaf().keyPair(w.rsaKey).dnsNames(HOST).issue()), ok()),
            c("ec-384-leaf", "Baseline Requirements 6.1.5", "an EC P-384 leaf", HOST,
                    w -> Chain.of(w.leaf().key(KeySpec.ec(384)).dnsNames(HOST).issue()), ok()),
            c("dsa-leaf", "Baseline Requirements 6.1.5", "a DSA-2048 leaf", HOST,
                    w -> Chain.of(w.leaf().key(KeySpec.dsa(2048)).dnsNames(HOST).issue()),
                    weakKey("weak key: the certificate has a DSA key")),
            c("dsa-intermediate", "Baseline Requirements 6.1.5", "a DSA-2048 intermediate signing with SHA256withDSA", HOST,
                    w -> Chain.of(leaf(w.root.intermediateBuilder("DSA CA").key(KeySpec.dsa(2048)).create()).dnsNames(HOST).issue()),
                    weakKey("weak key: 'CN=DSA CA' has a DSA key")),
            c("sha1-leaf", "Baseline Requirements 7.1.3.2", "the leaf signed with SHA1withRSA", HOST,
                    w -> Chain.of(leaf(w.rsaIssuing).dnsNames(HOST).signatureAlgorithm("SHA1withRSA").issue()),
                    weakSignature("weak signature: the certificate is signed with SHA1withRSA")),
            c("sha1-intermediate", "Baseline Requirements 7.1.3.2", "the intermediate signed with SHA1withRSA", HOST,
                    w -> Chain.of(leaf(w.intermediate("SHA-1 CA").signatureAlgorithm("SHA1withRSA").create()).dnsNames(HOST).issue()),
                    weakSignature("weak signature: 'CN=SHA-1 CA' is signed with SHA1withRSA")),
            c("sha1-ecdsa-leaf", "Baseline Requirements 7.1.3.2", "the leaf signed with SHA1withECDSA", HOST,
                    w -> Chain.of(w.leaf().dnsNames(HOST).signatureAlgorithm("SHA1withECDSA").issue()),
                    weakSignature("weak signature: the certificate is signed with SHA1withECDSA")),
            c("md5-leaf", "Baseline Requirements 7.1.3.2", "the leaf signed with MD5withRSA", HOST,
                    w -> Chain.of(leaf(w.rsaIssuing).dnsNames(HOST).signatureAlgorithm("MD5withRSA").issue()),
                    weakSignature("weak signature: the certificate is signed with MD5withRSA")),
            c("sha1-root-pinned", "Baseline Requirements 7.1.3.2 (not the anchor's own signature)", "the pinned root is self-signed with SHA1withRSA", HOST,
                    w -> {
                        CertificateAuthority r = w.otherRoot("SHA-1 Root").signatureAlgorithm("SHA1withRSA").create();
                        return Chain.of(leaf(r.intermediateBuilder("Under SHA-1 Root").key(KeySpec.EC_256).create()).dnsNames(HOST).issue());
                    }, ok()),
            c("sha1-root-served", "Baseline Requirements 7.1.3.2 (not the anchor's own signature)", "the pinned SHA-1 root also served in the chain", HOST,
                    w -> {
                        CertificateAuthority r = w.otherRoot("SHA-1 Root").signatureAlgorithm("SHA1withRSA").create();
                        CertificateAuthority i = r.intermediateBuilder("Under SHA-1 Root").key(KeySpec.EC_256).create();
                        IssuedCertificate l = leaf(i).dnsNames(HOST).issue();
                        return Chain.served(l, List.of(i.certificate(), r.certificate()), r.certificate());
                    }, ok()),
            c("sha1-intermediate-pinned", "Baseline Requirements 7.1.3.2 (not the anchor's own signature)",
                    "an intermediate signed with SHA1withRSA pinned as the anchor", HOST,
                    w -> {
                        CertificateAuthority i = w.intermediate("Pinned SHA-1 CA").signatureAlgorithm("SHA1withRSA").create();
                        return Chain.of(leaf(i).dnsNames(HOST).issue()).anchors(i.certificate());
                    }, ok()),
            c("sha1-self-signed-pinned", "Baseline Requirements 7.1.3.2 (not the anchor's own signature)",
                    "a self-signed leaf signed with SHA1withECDSA pinned as the anchor", HOST,
                    w -> {
                        IssuedCertificate s = Pki.selfSigned(w.clock).dnsNames(HOST).key(KeySpec.EC_256).signatureAlgorithm("SHA1withECDSA")
                                .validFor(Duration.ofDays(90)).issue();
                        return new Chain(s.chain(), s.privateKey(), List.of(s.certificate()), false);
                    }, ok()),
            c("pss-sha256", "Baseline Requirements 7.1.3.2", "the leaf signed with RSASSA-PSS, SHA-256 and MGF1 with SHA-256", HOST,
                    w -> Chain.of(leaf(w.rsaIssuing).dnsNames(HOST).signatureAlgorithm("SHA256withRSAandMGF1").issue()), ok()),
            c("pss-sha1", "Baseline Requirements 7.1.3.2", "the leaf signed with RSASSA-PSS, SHA-1 and MGF1 with SHA-1", HOST,
                    w -> Chain.of(leaf(w.rsaIssuing).dnsNames(HOST).signatureAlgorithm("SHA1withRSAandMGF1").issue()),
                    weakSignature("weak signature: the certificate is signed with RSASSA-PSS with SHA-1")),

            // anchors
            c("self-signed", "RFC 5280 §6.1", "a self-signed leaf that is not pinned", HOST,
                    w -> {
                        IssuedCertificate s = Pki.selfSigned(w.clock).dnsNames(HOST).key(KeySpec.EC_256).validFor(Duration.ofDays(90)).issue();
                        return new Chain(s.chain(), s.privateKey(), List.of(w.root.certificate()), false);
                    }, expect(Status.INVALID, ConditionType.UNTRUSTED, "the certificate is self-signed and not a trusted root", Fails.TRUSTED)),
            c("self-signed-pinned", "RFC 5280 §6.1.1 (d): a pinned certificate is a trust anchor", "a self-signed leaf pinned as the anchor", HOST,
                    w -> {
                        IssuedCertificate s = Pki.selfSigned(w.clock).dnsNames(HOST).key(KeySpec.EC_256).validFor(Duration.ofDays(90)).issue();
                        return new Chain(s.chain(), s.privateKey(), List.of(s.certificate()), false);
                    }, ok()),
            c("intermediate-pinned", "RFC 5280 §6.1.1 (d): a pinned certificate is a trust anchor", "the intermediate pinned, its root unknown", HOST,
                    w -> Chain.of(w.leaf().dnsNames(HOST).issue()).anchors(w.issuing.certificate()), ok()),
            c("unknown-root", "RFC 5280 §6.1", "a complete chain to a root that is not an anchor", HOST,
                    w -> {
                        CertificateAuthority other = w.otherRoot("Unknown Root").create();
                        IssuedCertificate l = leaf(other.intermediateBuilder("Unknown CA").key(KeySpec.EC_256).create()).dnsNames(HOST).issue();
                        return Chain.served(l, List.of(l.chain().get(1), other.certificate()), w.root.certificate());
                    }, expect(Status.INVALID, ConditionType.UNTRUSTED, "untrusted: the chain ends at 'CN=Unknown Root', which is not a trusted root",
                            Fails.TRUSTED)),
            c("wrong-key-root", "RFC 5280 §6.1.3 (a)(1)", "an anchor with the issuer's name but another key", HOST,
                    w -> {
                        CertificateAuthority impostor = w.otherRoot("Conformance Root").create();
                        return Chain.of(w.leaf().dnsNames(HOST).issue()).anchors(impostor.certificate());
                    }, expect(Status.INVALID, ConditionType.INCOMPLETE_CHAIN, "incomplete chain", Fails.TRUSTED, Fails.CHAIN_COMPLETE)),

            // served chains: incomplete, out of order, extras
            c("incomplete", "RFC 8446 §4.4.2", "the leaf served without its intermediate", HOST,
                    w -> Chain.served(w.leaf().dnsNames(HOST).issue(), List.of(), w.root.certificate()),
                    expect(Status.INVALID, ConditionType.INCOMPLETE_CHAIN,
                            "incomplete chain: the issuer 'CN=Conformance Issuing CA' of 'CN=www.example.test' was not served",
                            Fails.TRUSTED, Fails.CHAIN_COMPLETE)),
            c("incomplete-middle", "RFC 8446 §4.4.2", "of two intermediates, the upper one not served", HOST,
                    w -> {
                        CertificateAuthority upper = w.intermediate("Upper CA").create();
                        CertificateAuthority lower = upper.intermediateBuilder("Lower CA").key(KeySpec.EC_256).create();
                        return Chain.served(leaf(lower).dnsNames(HOST).issue(), List.of(lower.certificate()), w.root.certificate());
                    }, expect(Status.INVALID, ConditionType.INCOMPLETE_CHAIN, "incomplete chain: the issuer 'CN=Upper CA'",
                            Fails.TRUSTED, Fails.CHAIN_COMPLETE)),
            c("out-of-order", "RFC 8446 §4.4.2 (any order after the leaf)", "two intermediates served top first", HOST,
                    w -> {
                        CertificateAuthority upper = w.intermediate("Upper CA").create();
                        CertificateAuthority lower = upper.intermediateBuilder("Lower CA").key(KeySpec.EC_256).create();
                        return Chain.served(leaf(lower).dnsNames(HOST).issue(), List.of(upper.certificate(), lower.certificate()),
                                w.root.certificate());
                    }, ok()),
            c("out-of-order-root-first", "RFC 8446 §4.4.2 (any order after the leaf)", "the root served before the intermediate", HOST,
                    w -> Chain.served(w.leaf().dnsNames(HOST).issue(), List.of(w.root.certificate(), w.issuing.certificate()),
                            w.root.certificate()), ok()),
            c("extra-unrelated", "RFC 8446 §4.4.2 (extras ignored)", "an unrelated CA certificate served after the chain", HOST,
                    w -> Chain.served(w.leaf().dnsNames(HOST).issue(), List.of(w.issuing.certificate(),
                            w.otherRoot("Unrelated Root").create().certificate()), w.root.certificate()), ok()),
            c("intermediate-twice", "RFC 8446 §4.4.2", "the intermediate served twice", HOST,
                    w -> Chain.served(w.leaf().dnsNames(HOST).issue(), List.of(w.issuing.certificate(), w.issuing.certificate()),
                            w.root.certificate()), ok()),

            // path choice, cross-signs
            c("reissued-not-yet-valid", "RFC 5280 §6.1, path choice (RFC 4158)",
                    "a reissued intermediate valid from tomorrow served beside the current one", HOST,
                    w -> reissued(w, false), ok()),
            c("reissued-not-yet-valid-first", "RFC 5280 §6.1, path choice (RFC 4158)",
                    "the same, the reissued intermediate served first", HOST,
                    w -> reissued(w, true), ok()),
            c("expired-copy-beside-current", "RFC 5280 §6.1, path choice (RFC 4158)",
                    "an expired copy of the intermediate (same name and key) served before the current one", HOST,
                    w -> {
                        KeyPair key = KeySpec.EC_256.generate();
                        CertificateAuthority current = w.intermediate("Renewed CA").keyPair(key).create();
                        X509Certificate old = w.intermediate("Renewed CA").keyPair(key).notBefore(w.days(-800)).notAfter(w.days(-2)).create().certificate();
                        return Chain.served(leaf(current).dnsNames(HOST).issue(), List.of(old, current.certificate()), w.root.certificate());
                    }, ok()),
            c("cross-sign-expired", "RFC 5280 §6.1, path choice (RFC 4158)",
                    "an expired cross-sign by an old root beside the path to the current root (both pinned)", HOST,
                    w -> crossSigned(w, w.days(-400), w.days(-1)), ok()),
            c("cross-sign-expiring", "RFC 5280 §6.1, path choice (RFC 4158)",
                    "a cross-sign by an old root expiring in 2 days beside the path to the current root (both pinned)", HOST,
                    w -> crossSigned(w, w.days(-400), w.days(2)), ok()),
            c("cross-sign-only-path", "RFC 5280 §6.1", "the intermediate's cross-sign by another pinned root is the only path", HOST,
                    w -> {
                        CertificateAuthority other = w.otherRoot("Cross Root").create();
                        X509Certificate cross = other.crossSign(w.issuing, w.days(-10), w.days(700));
                        return Chain.served(w.leaf().dnsNames(HOST).issue(), List.of(cross), other.certificate());
                    }, ok()),
            c("cross-sign-sha1", "RFC 5280 §6.1, path choice; Baseline Requirements 7.1.3.2",
                    "a SHA-1 cross-sign by another pinned root beside a SHA-256 path", HOST,
                    w -> {
                        CertificateAuthority other = w.otherRoot("Cross Root").create();
                        X509Certificate cross = other.intermediateBuilder("Conformance Issuing CA").keyPair(w.issuing.keyPair())
                                .signatureAlgorithm("SHA1withRSA").create().certificate();
                        return Chain.served(w.leaf().dnsNames(HOST).issue(), List.of(cross, w.issuing.certificate()),
                                w.root.certificate(), other.certificate());
                    }, ok()),
            c("cross-sign-to-root-copy", "RFC 5280 §6.1 (a served certificate that is an anchor ends the path)",
                    "the pinned root cross-signed by an unknown root, served as the top of the chain", HOST,
                    w -> {
                        CertificateAuthority other = w.otherRoot("Unknown Cross Root").create();
                        X509Certificate cross = other.crossSign(w.root, w.days(-10), w.days(700));
                        return Chain.served(w.leaf().dnsNames(HOST).issue(), List.of(w.issuing.certificate(), cross), w.root.certificate());
                    }, ok()),

            // bounded path building
            c("maze", "RFC 4158 (bounded path building)", "3 layers of 4 CA certificates sharing names and keys, self-issued copies, loops", "maze.test",
                    w -> maze(w, 3, 4), ok()),
            c("loop", "RFC 4158 (loops)", "two CAs issuing each other, neither an anchor", HOST,
                    w -> {
                        CertificateAuthority a = w.otherRoot("Loop CA A").key(KeySpec.EC_256).create();
                        CertificateAuthority b = a.intermediateBuilder("Loop CA B").key(KeySpec.EC_256).create();
                        X509Certificate aByB = b.intermediateBuilder("Loop CA A").keyPair(a.keyPair()).create().certificate();
                        return Chain.served(leaf(b).dnsNames(HOST).issue(), List.of(b.certificate(), aByB), w.root.certificate());
                    }, expect(Status.INVALID, ConditionType.UNTRUSTED,
                            "untrusted: the chain loops: 'CN=Loop CA A' is issued by 'CN=Loop CA B', already on the chain", Fails.TRUSTED)),

            // public anchors: lifetime, distrust
            c("lifetime-over-maximum", "Baseline Requirements 6.3.2", "a 400-day leaf under a public anchor", HOST,
                    w -> Chain.of(w.leaf().dnsNames(HOST).validFor(Duration.ofDays(400)).issue()).asPublic(),
                    new Expect(Status.WARNING, Set.of(ConditionType.LIFETIME_EXCEEDS_MAXIMUM), Set.of(),
                            "lifetime of 400 days exceeds the CA/Browser Forum maximum")),
            c("lifetime-within-maximum", "Baseline Requirements 6.3.2", "a 40-day leaf under a public anchor", HOST,
                    w -> Chain.of(w.leaf().dnsNames(HOST).validFor(Duration.ofDays(40)).issue()).asPublic(), ok()),
            c("lifetime-ca", "Baseline Requirements 6.3.2 (end-entity certificates only)",
                    "a 40-day leaf under a 10-year intermediate and a 30-year root, public anchors", HOST,
                    w -> {
                        CertificateAuthority r = w.otherRoot("Long Public Root").validFor(Duration.ofDays(30 * 365)).create();
                        CertificateAuthority i = r.intermediateBuilder("Long Public CA").key(KeySpec.EC_256).validFor(Duration.ofDays(3650)).create();
                        return Chain.of(leaf(i).dnsNames(HOST).validFor(Duration.ofDays(40)).issue()).asPublic();
                    }, ok()),
            c("lifetime-ca-only", "Baseline Requirements 6.3.2 (end-entity certificates only)",
                    "a 10-year intermediate judged on its own (a chain of CAs only, as in a CA bundle) under a public anchor", null,
                    w -> new Chain(List.of(w.issuing.certificate()), w.issuing.privateKey(), List.of(w.root.certificate()), true), ok()),
            c("lifetime-private", "Baseline Requirements 6.3.2 (public anchors only)", "a 400-day leaf under a pinned root", HOST,
                    w -> Chain.of(w.leaf().dnsNames(HOST).validFor(Duration.ofDays(400)).issue()), ok()),
            c("distrust-private", "JDK jdk.security.caDistrustPolicies (public anchors only)",
                    "a leaf issued after every distrust cut-off under a pinned root", HOST,
                    named(HOST), ok()));

    /** A current intermediate and its reissue (same name and key) valid from tomorrow and longer, both served. */
    private static Chain reissued(ConformancePki w, boolean reissueFirst) {
        KeyPair key = KeySpec.EC_256.generate();
        CertificateAuthority current = w.intermediate("Reissued CA").keyPair(key).notBefore(w.days(-300)).notAfter(w.days(400)).create();
        X509Certificate next = w.intermediate("Reissued CA").keyPair(key).notBefore(w.days(1)).notAfter(w.days(2000)).create().certificate();
        IssuedCertificate l = leaf(current).dnsNames(HOST).issue();
        return Chain.served(l, reissueFirst ? List.of(next, current.certificate()) : List.of(current.certificate(), next),
                w.root.certificate());
    }

    /** The usual path to the root beside a cross-sign of the intermediate by an old root (both roots pinned). */
    private static Chain crossSigned(ConformancePki w, java.time.Instant from, java.time.Instant to) {
        CertificateAuthority old = w.otherRoot("Old Root").notBefore(w.days(-3000)).validFor(Duration.ofDays(6000)).create();
        X509Certificate cross = old.crossSign(w.issuing, from, to);
        return Chain.served(w.leaf().dnsNames(HOST).issue(), List.of(cross, w.issuing.certificate()), w.root.certificate(),
                old.certificate());
    }

    /**
     * A leaf under {@code layers} layers of {@code width} CA certificates each, the certificates of one layer sharing a
     * name and a key and all issued by the next layer's key, each layer with a self-issued copy and a certificate issued
     * back by the layer below (a loop); the top layer is issued by the root.
     */
    private static Chain maze(ConformancePki w, int layers, int width) {
        List<X509Certificate> served = new ArrayList<>();
        CertificateAuthority above = w.root;
        List<CertificateAuthority> built = new ArrayList<>();
        for (int layer = layers; layer >= 1; layer--) {
            KeyPair key = KeySpec.EC_256.generate();
            CertificateAuthority first = null;
            for (int i = 0; i < width; i++) {
                CertificateAuthority ca = above.intermediateBuilder("Maze Layer " + layer).keyPair(key)
                        .serial(BigInteger.valueOf(layer * 1000L + i + 1)).create();
                served.add(ca.certificate());
                first = first == null ? ca : first;
            }
            served.add(first.intermediateBuilder("Maze Layer " + layer).keyPair(key).serial(BigInteger.valueOf(layer * 1000L + 999))
                    .create().certificate());
            built.add(first);
            above = first;
        }
        for (int i = 0; i + 1 < built.size(); i++) {
            served.add(built.get(i + 1).intermediateBuilder("Maze Layer " + (layers - i)).keyPair(built.get(i).keyPair()).create()
                    .certificate());
        }
        IssuedCertificate l = leaf(above).dnsNames("maze.test").issue();
        return Chain.served(l, served.reversed(), w.root.certificate());
    }
}

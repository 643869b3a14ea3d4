package dev.certsonar.scanner.judge;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.Checks;
import org.junit.jupiter.api.BeforeAll;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes what the scanner does with the certificates a server sends: describing one ({@link CertificateParser},
 * {@link ParsedCertificates}) and judging a chain ({@link ChainJudge}). Whatever the certificates, both end with a
 * result, never an exception: a served certificate the JDK could not read never reaches them (the handshake fails
 * first), so {@link CertificateException} from the JDK's parser is the one refusal allowed. Seeds and past findings:
 * {@code CertificateFuzzTestInputs/}; fuzzing (with a time limit per input, for chains that would take unbounded
 * time): FUZZING.md.
 */
class CertificateFuzzTest {

    static final Instant BASE = Instant.parse("2025-01-01T00:00:00Z");
    static final String[] NAMES = {"Fuzz Root", "Fuzz CA", "Other Root", "Other CA", "Loop CA", "a.test"};
    static final String[] HOSTS = {"a.test", "*.a.test", "b.a.test", "127.0.0.1", "::1", "xn--bcher-kva.test", "A.TEST."};
    static final String[] TLS_VERSIONS = {"TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3", "", "\u0000"};

    static CertificateFactory factory;
    /** Certificates of the sandbox PKI, the ones a script can serve as they are. */
    static List<X509Certificate> seeds;
    /** The CAs a script can issue from. */
    static List<CertificateAuthority> issuers;
    static List<KeyPair> keys;
    static X509Certificate root;
    static X509Certificate selfSigned;

    @BeforeAll
    static void pki() throws CertificateException {
        factory = CertificateFactory.getInstance("X.509");
        Clock clock = Clock.fixed(BASE, ZoneOffset.UTC);
        CertificateAuthority fuzzRoot = Pki.rootBuilder("Fuzz Root", clock).create();
        CertificateAuthority fuzzCa = fuzzRoot.intermediateBuilder("Fuzz CA").key(KeySpec.EC_256).create();
        CertificateAuthority otherRoot = Pki.rootBuilder("Other Root", clock).key(KeySpec.EC_256).create();
        CertificateAuthority otherCa = otherRoot.intermediateBuilder("Other CA").key(KeySpec.EC_256).pathLength(0).create();
        root = fuzzRoot.certificate();
        selfSigned = Pki.selfSigned(clock).dnsNames("a.test").key(KeySpec.EC_256).issue().certificate();
        seeds = List.of(root, fuzzCa.certificate(),
                fuzzCa.leaf().dnsNames("a.test", "*.a.test").ipAddresses("127.0.0.1").key(KeySpec.EC_256)
                        .ocspUrl("http://ocsp.a.test").crlUrl("http://crl.a.test/ca.crl").caIssuersUrl("http://a.test/ca.crt")
                        .issue().certificate(),
                selfSigned,
                fuzzRoot.crossSign(otherRoot, BASE.minus(Duration.ofDays(1)), BASE.plus(Duration.ofDays(30))),
                otherCa.certificate(),
                otherCa.leaf().dnsNames("b.a.test").key(KeySpec.EC_256).issue().certificate(),
                fuzzCa.leaf().dnsNames("old.a.test").key(KeySpec.rsa(1024)).signatureAlgorithm("SHA1withECDSA").issue().certificate());
        issuers = List.of(fuzzRoot, fuzzCa, otherRoot, otherCa);
        keys = List.of(KeySpec.EC_256.generate(), KeySpec.EC_256.generate(), KeySpec.EC_256.generate(),
                KeySpec.EC_256.generate(), KeySpec.EC_256.generate(), KeySpec.ec(384).generate());
    }

    @FuzzTest
    void describesAnyCertificate(byte[] der) {
        X509Certificate cert = read(der);
        if (cert == null) {
            return;
        }
        Certificate described = CertificateParser.parse(cert);
        assertThat(described.getSha256()).hasSize(64);
        Certificate parsed = new ParsedCertificates(new ChainJudge(TrustAnchors.of(List.of(root)))).parse(cert);
        assertThat(parsed).isEqualTo(described);

        ChainJudge.Judgement judgement = new ChainJudge(TrustAnchors.of(List.of(cert))).judge(List.of(cert), "a.test", "TLSv1.3", BASE);
        assertThat(judgement.checks().getTrusted()).isTrue();
        verdict(judgement, List.of(cert), "a.test", BASE);
    }

    /**
     * A script of bytes says what a server serves, what is trusted, which name is checked, the protocol and the
     * instant: see {@link Script}.
     */
    @FuzzTest
    void judgesAnyChain(byte[] script) {
        Script s = new Script(script);
        List<CertificateAuthority> cas = new ArrayList<>(issuers);
        List<X509Certificate> served = new ArrayList<>();
        int count = 1 + s.next(32);
        for (int i = 0; i < count && !s.exhausted(); i++) {
            switch (s.next(4)) {
                case 0 -> served.add(seeds.get(s.next(seeds.size())));
                case 1 -> {
                    CertificateAuthority ca = cas.get(s.next(cas.size())).intermediateBuilder(NAMES[s.next(NAMES.length)])
                            .keyPair(keys.get(s.next(keys.size()))).pathLength(s.next(4) - 1)
                            .notBefore(s.instant()).validFor(s.validity()).serial(BigInteger.valueOf(i + 1)).create();
                    cas.add(ca);
                    served.add(ca.certificate());
                }
                case 2 -> served.add(cas.get(s.next(cas.size())).leaf().subject(NAMES[s.next(NAMES.length)])
                        .dnsNames(HOSTS[s.next(HOSTS.length)]).keyPair(keys.get(s.next(keys.size()))).ca(s.next(2) == 1)
                        .notBefore(s.instant()).validFor(s.validity()).serial(BigInteger.valueOf(i + 1)).issue().certificate());
                default -> {
                    X509Certificate cert = read(s.bytes(s.next(256) << 4 | s.next(16)));
                    if (cert != null) {
                        served.add(cert);
                    }
                }
            }
        }
        if (served.isEmpty()) {
            return;
        }
        // which certificate comes first, the one the server presents as its own
        Collections.rotate(served, s.next(served.size()));
        int trust = s.next(16);
        List<X509Certificate> publicAnchors = new ArrayList<>();
        List<X509Certificate> privateAnchors = new ArrayList<>();
        ((trust & 1) == 0 ? privateAnchors : publicAnchors).add(root);
        if ((trust & 2) != 0) {
            privateAnchors.add(selfSigned);
        }
        if ((trust & 4) != 0) {
            privateAnchors.add(cas.getLast().certificate());
        }
        if ((trust & 8) != 0) {
            privateAnchors.add(served.getLast());
        }
        int nameLength = s.next(40);
        String reference = switch (nameLength) {
            case 0 -> null;
            case 1, 2, 3, 4, 5, 6, 7 -> HOSTS[nameLength - 1];
            default -> new String(s.bytes(nameLength - 8), StandardCharsets.ISO_8859_1);
        };
        String tls = TLS_VERSIONS[s.next(TLS_VERSIONS.length)];
        Instant now = s.instant();

        ChainJudge judge = new ChainJudge(TrustAnchors.of(publicAnchors, privateAnchors));
        ParsedCertificates parsed = new ParsedCertificates(judge);
        for (X509Certificate c : served) {
            assertThat(parsed.parse(c).getSha256()).hasSize(64);
        }
        verdict(judge.judge(served, reference, tls, now), served, reference, now);
    }

    /** What every judgement holds, whatever it judged. */
    private static void verdict(ChainJudge.Judgement j, List<X509Certificate> served, String reference, Instant now) {
        Checks checks = j.checks();
        assertThat(j.notAfter()).isNotNull();
        assertThat(j.expiryCertificate()).isNotNull();
        assertThat(j.servedChainNotAfter()).isEqualTo(served.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow());
        assertThat(checks.getExpired()).isEqualTo(now.isAfter(j.notAfter()));
        assertThat(checks.getProblems()).doesNotContainNull();
        if (!checks.getTrusted() || checks.getExpired() || checks.getNotYetValid() || !checks.getHostnameMatch()) {
            assertThat(checks.getProblems()).isNotEmpty();
        }
        if (reference == null) {
            assertThat(checks.getHostnameMatch()).isTrue();
        }
    }

    /** The certificate in these bytes as the JDK reads it (as a TLS handshake would); null when it cannot. */
    private static X509Certificate read(byte[] der) {
        try {
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            return null;
        }
    }

    /**
     * The bytes of an input read front to back, each choice one byte (zero once the input is used up): the number of
     * certificates served; for each, a sandbox certificate as it is, a CA or a server certificate issued by a CA of the
     * sandbox or of this script (names and keys from small sets, so they collide), or bytes for the JDK to read; then
     * which of them comes first, which anchors are trusted, the name checked, the protocol and the instant.
     */
    static final class Script {
        private final byte[] b;
        private int at;

        Script(byte[] b) {
            this.b = b;
        }

        boolean exhausted() {
            return at >= b.length;
        }

        /** A choice in 0..bound-1. */
        int next(int bound) {
            return at < b.length ? (b[at++] & 0xff) % bound : 0;
        }

        byte[] bytes(int n) {
            int from = Math.min(at, b.length);
            at = Math.min(b.length, from + n);
            return Arrays.copyOfRange(b, from, at);
        }

        /** Within about 10 years either side of the sandbox's clock, by 30 days. */
        Instant instant() {
            return BASE.plus(Duration.ofDays(30L * ((byte) next(256))));
        }

        Duration validity() {
            return Duration.ofDays(1 + 30L * next(128));
        }
    }
}

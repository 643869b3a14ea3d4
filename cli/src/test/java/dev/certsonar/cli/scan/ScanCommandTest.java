package dev.certsonar.cli.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.certsonar.cli.ScanCommand;
import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pem;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** {@code certsonar scan} end to end against real local TLS servers: output shapes and exit status. */
class ScanCommandTest {

    static Path dir;
    static Path ca;
    static TlsServer valid;
    static TlsServer warning;
    static TlsServer expired;

    record Run(int exit, String out, String err) {
        List<JsonNode> json() throws Exception {
            List<JsonNode> lines = new ArrayList<>();
            for (String l : out.split("\n")) {
                if (!l.isBlank()) {
                    lines.add(new ObjectMapper().readTree(l));
                }
            }
            return lines;
        }
    }

    @BeforeAll
    static void servers(@TempDir Path tmp) throws Exception {
        dir = tmp;
        CertificateAuthority root = Pki.root("Scan Test Root");
        CertificateAuthority issuing = root.intermediate("Scan Test CA");
        ca = dir.resolve("ca.pem");
        Pem.write(ca, root.certificate());
        Instant now = Instant.now();
        IssuedCertificate ok = issuing.leaf().dnsNames("ok.test").validFor(Duration.ofDays(200)).issue();
        IssuedCertificate soon = issuing.leaf().dnsNames("soon.test").notBefore(now.minus(Duration.ofDays(180)))
                .notAfter(now.plus(Duration.ofDays(20))).issue();
        IssuedCertificate old = issuing.leaf().dnsNames("old.test").notBefore(now.minus(Duration.ofDays(100)))
                .notAfter(now.minus(Duration.ofDays(1))).issue();
        valid = TlsServer.builder().chain(ok).start();
        warning = TlsServer.builder().chain(soon).start();
        expired = TlsServer.builder().chain(old).start();
    }

    @AfterAll
    static void stop() {
        valid.close();
        warning.close();
        expired.close();
    }

    static Run scan(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ScanCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void allOkIsExitZeroAndJsonHasTheInterfacesShape() throws Exception {
        Run r = scan("--json", "--ca-file", ca.toString(), "--sni", "ok.test", "127.0.0.1:" + valid.port());
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> lines = r.json();
        assertThat(lines).hasSize(1);
        JsonNode o = lines.get(0);
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        assertThat(names).containsExactly("target", "host", "address", "port", "sni", "protocol", "outcome", "status",
                "notAfter", "daysLeft", "servedChainNotAfter", "tlsVersion", "cipherSuite", "chain", "checks", "error");
        assertThat(o.get("target").asText()).isEqualTo("127.0.0.1:" + valid.port());
        assertThat(o.get("sni").asText()).isEqualTo("ok.test");
        assertThat(o.get("status").asText()).isEqualTo("OK");
        assertThat(o.get("chain")).hasSize(2);
        assertThat(o.get("checks").get("trusted").asBoolean()).isTrue();
        assertThat(o.get("error").isNull()).isTrue();
    }

    @Test
    void anRsaCertificateExpiringBehindAnEcdsaOneIsExitTwoAndTheTableNamesIt() throws Exception {
        CertificateAuthority root = Pki.root("Dual Scan Root");
        CertificateAuthority issuing = root.intermediate("Dual Scan CA");
        Path dualCa = dir.resolve("dual-ca.pem");
        Pem.write(dualCa, root.certificate());
        Instant now = Instant.now();
        IssuedCertificate ecdsa = issuing.leaf().subject("CN=dual.test,O=ECDSA").dnsNames("dual.test").key(KeySpec.EC_256)
                .validFor(Duration.ofDays(200)).issue();
        IssuedCertificate rsa = issuing.leaf().subject("CN=dual.test,O=RSA").dnsNames("dual.test").key(KeySpec.RSA_2048)
                .notBefore(now.minus(Duration.ofDays(87))).notAfter(now.plus(Duration.ofDays(3))).issue();
        try (TlsServer dual = TlsServer.builder().chain(ecdsa).secondChain(rsa).start()) {
            String target = "127.0.0.1:" + dual.port();
            Run r = scan("--ca-file", dualCa.toString(), "--sni", "dual.test", target);
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
            assertThat(r.out().lines().toList().get(1)).startsWith("CRITICAL")
                    .contains("second chain (RSA signature algorithms only): O=RSA,CN=dual.test, not after");

            Run json = scan("--json", "--ca-file", dualCa.toString(), "--sni", "dual.test", target);
            JsonNode o = json.json().get(0);
            assertThat(o.get("chain").get(0).get("subject").asText()).isEqualTo("O=ECDSA,CN=dual.test");
            assertThat(o.get("alternateChains").get(0).get("chain").get(0).get("subject").asText()).isEqualTo("O=RSA,CN=dual.test");

            Run off = scan("--no-dual-certificates", "--ca-file", dualCa.toString(), "--sni", "dual.test", target);
            assertThat(off.exit()).as(off.out() + off.err()).isZero();
            assertThat(off.out()).doesNotContain("second chain");
        }
    }

    @Test
    void warningIsExitOne() {
        Run r = scan("--json", "--ca-file", ca.toString(), "--sni", "soon.test", "127.0.0.1:" + warning.port());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("\"status\":\"WARNING\"");
    }

    @Test
    void theWorstDecidesAndTheTableIsWorstFirst() throws Exception {
        Path targets = dir.resolve("targets.txt");
        Files.writeString(targets, """
                # three servers
                127.0.0.1:%d sni=ok.test service=ok
                127.0.0.1:%d sni=soon.test   # expiring
                127.0.0.1:%d sni=old.test owner=team-a
                """.formatted(valid.port(), warning.port(), expired.port()));
        Run r = scan("--ca-file", ca.toString(), "--targets", targets.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("STATUS").contains("TARGET", "NOT AFTER", "DAYS");
        assertThat(lines.get(1)).startsWith("EXPIRED").contains("old.test");
        assertThat(lines.get(2)).startsWith("WARNING");
        assertThat(lines.get(3)).startsWith("OK");
        assertThat(r.out()).doesNotContain("\u001b[");
    }

    @Test
    void aCertificateItsCaRevokedIsInvalidAndSaysSo() throws Exception {
        HttpServer crls = HttpServer.create(
                new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 8);
        crls.start();
        CertificateAuthority root = Pki.root("Revoking Root");
        Path anchor = dir.resolve("revoking-root.pem");
        Pem.write(anchor, root.certificate());
        IssuedCertificate leaf = root.leaf().dnsNames("revoked.test").validFor(Duration.ofDays(90))
                .crlUrl("http://127.0.0.1:" + crls.getAddress().getPort() + "/root.crl").issue();
        Instant now = Instant.now();
        X509v2CRLBuilder crl = new X509v2CRLBuilder(
                X500Name.getInstance(root.certificate().getSubjectX500Principal().getEncoded()),
                Date.from(now.minusSeconds(60)));
        crl.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
        crl.addCRLEntry(leaf.certificate().getSerialNumber(), Date.from(now.minusSeconds(3600)),
                CRLReason.keyCompromise);
        byte[] der = crl.build(new JcaContentSignerBuilder("SHA256withRSA")
                .build(root.privateKey())).getEncoded();
        crls.createContext("/root.crl", exchange -> {
            exchange.sendResponseHeaders(200, der.length);
            try (var body = exchange.getResponseBody()) {
                body.write(der);
            }
        });
        try (TlsServer revoked = TlsServer.builder().chain(leaf).start()) {
            Run r = scan("--ca-file", anchor.toString(), "--sni", "revoked.test", "127.0.0.1:" + revoked.port());
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.out().lines().toList().get(1)).startsWith("INVALID")
                    .contains("revoked: 'CN=revoked.test' was revoked at", "(keyCompromise)");
        } finally {
            crls.stop(0);
        }
    }

    @Test
    void anUntrustedChainIsExitTwo() {
        Run r = scan("--json", "--sni", "ok.test", "127.0.0.1:" + valid.port());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("\"status\":\"INVALID\"", "\"trusted\":false");
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
                argumentSet("an unknown key", "127.0.0.1:443 colour=blue", ":2: unknown key 'colour'"),
                argumentSet("thresholds that break the policy's rules", "127.0.0.1:443 criticalDays=40",
                        ":2: target tls://127.0.0.1:443: criticalDays: criticalDays (40.0) must not be more than warnDays (30.0);"
                                + " warnDays comes from the policy"));
    }

    @ParameterizedTest
    @MethodSource("badLines")
    void aBadLineNamesTheFileAndLine(String line, String message) throws Exception {
        Path targets = dir.resolve("bad.txt");
        Files.writeString(targets, "127.0.0.1:443\n" + line + "\n");
        Run r = scan("--targets", targets.toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains(targets + message);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void usageErrorsAreExitThree() {
        assertThat(scan("--no-such-option", "x").exit()).isEqualTo(3);
        assertThat(scan().exit()).isEqualTo(3);
        Run port = scan("host.test:99999");
        assertThat(port.exit()).isEqualTo(3);
        assertThat(port.err()).contains("port '99999'");
        Run range = scan("10.0.0.0/8:443");
        assertThat(range.exit()).isEqualTo(3);
        assertThat(range.err()).contains("more than a /16");
        assertThat(scan("--timeout", "soon", "127.0.0.1:1").exit()).isEqualTo(3);
        assertThat(scan("--ca-file", dir.resolve("missing.pem").toString(), "127.0.0.1:1").exit()).isEqualTo(3);
    }

    @Test
    void aFlagThatBreaksARuleIsNamed() {
        assertThat(scan("--concurrency", "0", "127.0.0.1:1").err()).contains("--concurrency: 0 is too small (at least 1)");
        assertThat(scan("--timeout", "0s", "127.0.0.1:1").err()).contains("--timeout: 0s is not a positive duration");
        Run missing = scan("--ca-file", dir.resolve("missing.pem").toString(), "127.0.0.1:1");
        assertThat(missing.err()).contains("--ca-file: no such file: " + dir.resolve("missing.pem"));
    }

    @Test
    void aTargetsOwnThresholdsDecideItsStatus() throws Exception {
        Path targets = dir.resolve("thresholds.txt");
        Files.writeString(targets, "127.0.0.1:%d sni=soon.test warnDays=10\n".formatted(warning.port()));

        Run r = scan("--json", "--ca-file", ca.toString(), "--targets", targets.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("\"status\":\"OK\"");
    }
}

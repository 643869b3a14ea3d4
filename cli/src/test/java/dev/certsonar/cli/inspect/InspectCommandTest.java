package dev.certsonar.cli.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.certsonar.cli.Main;
import dev.certsonar.cli.ScanCommand;
import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pem;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.certsonar.cli.inspect.StoredFiles.NOW;
import static dev.certsonar.cli.inspect.StoredFiles.PASSWORD_VARIABLE;
import static dev.certsonar.cli.inspect.StoredFiles.days;
import static dev.certsonar.cli.inspect.StoredFiles.inspect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** {@code certsonar inspect} on real files of every format, made with the sandbox PKI: chains, options, output. */
class InspectCommandTest {

    static StoredFiles files;
    static Path root;
    static Path chain;

    @BeforeAll
    static void files(@TempDir Path dir) {
        files = new StoredFiles(dir);
        root = files.rootPem;
        chain = files.chainPem;
    }

    static Stream<Arguments> formats() {
        StoredFiles f = files;
        IssuedCertificate ok = f.ok;
        X509Certificate leaf = ok.certificate();
        X509Certificate intermediate = f.issuing.certificate();
        IssuedCertificate direct = f.root.leaf().dnsNames("ok.test").issue();
        return Stream.of(
                argumentSet("PEM, leaf first", f.chainPem, "", 2),
                argumentSet("PEM, root and intermediate before the leaf",
                        Pem.write(f.dir.resolve("reversed.pem"), List.of(f.root.certificate(), intermediate, leaf)), "", 3),
                argumentSet("DER", f.write("leaf.cer", StoredFiles.der(direct.certificate())), "", 1),
                argumentSet("PKCS#7, DER", f.write("chain.p7b", StoredFiles.pkcs7(List.of(intermediate, leaf))), "", 2),
                argumentSet("PKCS#7, PEM", f.write("chain.p7c", StoredFiles.pkcs7Pem(List.of(intermediate, leaf))), "", 2),
                argumentSet("PKCS#12", f.write("store.p12", StoredFiles.keystore("PKCS12", ok, Map.of())), "#web", 2),
                argumentSet("JKS", f.write("store.jks", StoredFiles.keystore("JKS", ok, Map.of())), "#web", 2),
                argumentSet("JCEKS", f.write("store.jceks", StoredFiles.keystore("JCEKS", ok, Map.of())), "#web", 2),
                argumentSet("DER as bare base64 text", f.write("leaf.b64", Base64.getMimeEncoder().encodeToString(
                        StoredFiles.der(direct.certificate()))), "", 1),
                argumentSet("PEM, OpenSSL's TRUSTED CERTIFICATE", f.write("trusted.pem", StoredFiles.trustedPem(direct.certificate())),
                        "", 1),
                argumentSet("Kubernetes secret, YAML", f.write("secret.yaml", StoredFiles.secretYaml(ok.chain(), ok.privateKey())),
                        "#shop/web-tls", 2),
                argumentSet("Kubernetes secret, JSON", f.write("secret.json", StoredFiles.secretJson(ok.chain(), ok.privateKey())),
                        "#api-tls", 2));
    }

    @ParameterizedTest
    @MethodSource("formats")
    void eachFormatGivesItsChainLeafFirst(Path file, String entry, int certificates) {
        StoredFiles.Run r = inspect("--json", "--host", "ok.test", "--ca-file", root.toString(),
                "--password-env", PASSWORD_VARIABLE, file.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        JsonNode line = r.only();
        assertThat(line.get("target").asText()).isEqualTo(file + entry);
        assertThat(line.get("status").asText()).isEqualTo("OK");
        assertThat(line.get("chain")).hasSize(certificates);
        assertThat(line.get("chain").get(0).get("subject").asText()).isEqualTo("CN=ok.test");
        assertThat(line.get("checks").get("trusted").asBoolean()).isTrue();
        assertThat(line.get("checks").get("hostnameMatch").asBoolean()).isTrue();
        assertThat(line.get("checks").get("problems")).isEmpty();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aListOfSecretsGivesEachTlsSecret() {
        IssuedCertificate other = files.leaf("other.test", NOW.minus(days(1)), NOW.plus(days(60)));
        Path list = files.write("secrets.yaml", """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: settings}
                  data: {colour: blue}
                - %s
                - %s
                """.formatted(indent(StoredFiles.secretYaml(files.ok.chain(), files.ok.privateKey())),
                indent(StoredFiles.secretYaml(other.chain(), other.privateKey()).replace("name: web-tls", "name: other-tls"))));

        StoredFiles.Run r = inspect("--json", "--ca-file", root.toString(), list.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.json()).extracting(l -> l.get("target").asText() + " " + l.get("chain").get(0).get("subject").asText())
                .containsExactly(list + "#shop/web-tls CN=ok.test", list + "#shop/other-tls CN=other.test");
    }

    /** A YAML document as an item of a list: its lines after the first indented under the dash. */
    private static String indent(String document) {
        return document.strip().replace("\n", "\n  ");
    }

    @Test
    void standardInputIsReadForADash() {
        byte[] pem = Pem.toPem(files.ok.chain()).getBytes(StandardCharsets.US_ASCII);

        StoredFiles.Run r = inspect(Map.of(), new ByteArrayInputStream(pem), "--json", "--host", "ok.test",
                "--ca-file", root.toString(), "-");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.only().get("target").asText()).isEqualTo("stdin");
        assertThat(r.only().get("status").asText()).isEqualTo("OK");
    }

    @Test
    void aFolderIsEveryFileInItAndSaysWhatItSkipped() throws Exception {
        Path folder = files.dir.resolve("mixed");
        Files.createDirectories(folder.resolve("older"));
        Pem.write(folder.resolve("a-chain.pem"), files.ok.chain());
        Files.write(folder.resolve("b-chain.p7b"), StoredFiles.pkcs7(files.ok.chain()));
        Files.write(folder.resolve("c-store.p12"), StoredFiles.keystore("PKCS12", files.ok, Map.of()));
        Files.writeString(folder.resolve("d-secret.yaml"), StoredFiles.secretYaml(files.ok.chain(), files.ok.privateKey()));
        Files.writeString(folder.resolve("notes.txt"), "renew before March\n");
        Files.writeString(folder.resolve("tls.key"), StoredFiles.keyPem(files.ok.privateKey()));

        StoredFiles.Run r = inspect("--json", "--ca-file", root.toString(), "--password-env", PASSWORD_VARIABLE, folder.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.json()).extracting(l -> l.get("target").asText()).containsExactly(
                folder.resolve("a-chain.pem").toString(), folder.resolve("b-chain.p7b").toString(),
                folder.resolve("c-store.p12") + "#web", folder.resolve("d-secret.yaml") + "#shop/web-tls");
        assertThat(r.json()).extracting(l -> l.get("status").asText()).containsOnly("OK");
        assertThat(r.err()).contains(
                "certsonar inspect: " + folder.resolve("notes.txt") + ": skipped: not a certificate file: text without a PEM certificate",
                "certsonar inspect: " + folder.resolve("older") + ": skipped: a folder (the folders inside a folder are not read)",
                "certsonar inspect: " + folder.resolve("tls.key")
                        + ": skipped: not a certificate file: PEM with a private key and no certificate");
    }

    @Test
    void theHostIsCheckedWhenGiven() {
        StoredFiles.Run match = inspect("--json", "--host", "OK.test", "--ca-file", root.toString(), chain.toString());
        StoredFiles.Run mismatch = inspect("--json", "--host", "other.test", "--ca-file", root.toString(), chain.toString());

        assertThat(match.exit()).isZero();
        assertThat(match.only().get("host").asText()).isEqualTo("OK.test");
        assertThat(mismatch.exit()).isEqualTo(2);
        JsonNode line = mismatch.only();
        assertThat(line.get("status").asText()).isEqualTo("INVALID");
        assertThat(line.get("checks").get("hostnameMatch").asBoolean()).isFalse();
        assertThat(line.get("checks").get("problems").get(0).asText())
                .isEqualTo("hostname mismatch: the certificate is not valid for other.test (it is valid for ok.test)");
    }

    @Test
    void anIpAddressIsCheckedAgainstAddressNames() throws Exception {
        IssuedCertificate byAddress = files.issuing.leaf().ipAddresses("192.0.2.7", "2001:db8::7").issue();
        Path file = Pem.write(files.dir.resolve("address.pem"), byAddress.chain());

        assertThat(inspect("--host", "192.0.2.7", "--ca-file", root.toString(), file.toString()).exit()).isZero();
        assertThat(inspect("--host", "[2001:db8::7]", "--ca-file", root.toString(), file.toString()).exit()).isZero();
        assertThat(inspect("--host", "192.0.2.8", "--ca-file", root.toString(), file.toString()).exit()).isEqualTo(2);
    }

    @Test
    void withoutAHostTheHostnameIsNotCheckedAndTheOutputSaysSo() {
        StoredFiles.Run json = inspect("--json", "--ca-file", root.toString(), chain.toString());
        StoredFiles.Run table = inspect("--ca-file", root.toString(), chain.toString());

        assertThat(json.exit()).isZero();
        JsonNode line = json.only();
        assertThat(line.get("status").asText()).isEqualTo("OK");
        assertThat(line.get("host").isNull()).isTrue();
        assertThat(line.get("checks").get("hostnameMatch").isNull()).isTrue();
        assertThat(line.get("checks").get("problems")).isEmpty();
        assertThat(table.exit()).isZero();
        assertThat(table.out().lines().toList().get(1)).startsWith("OK").endsWith("hostname not checked (no --host)");
    }

    static Stream<Arguments> instants() {
        return Stream.of(
                argumentSet("before notBefore", NOW.minus(days(2)).toString(), "INVALID", 2,
                        "the certificate is not valid before " + files.ok.certificate().getNotBefore().toInstant()),
                argumentSet("inside the validity", NOW.plus(days(10)).toString(), "OK", 0, null),
                argumentSet("a date, taken at its start in UTC", "2031-03-02", "OK", 0, null),
                argumentSet("an instant with an offset", "2031-03-02T08:00:00+02:00", "OK", 0, null),
                argumentSet("ten days before notAfter", NOW.plus(days(80)).toString(), "WARNING", 1, null),
                argumentSet("after notAfter", NOW.plus(days(100)).toString(), "EXPIRED", 2,
                        "the certificate expired on " + files.ok.certificate().getNotAfter().toInstant() + " (10 days ago)"));
    }

    @ParameterizedTest
    @MethodSource("instants")
    void theInstantIsTheOneGiven(String at, String status, int exit, String problem) {
        StoredFiles.Run r = inspect("--json", "--host", "ok.test", "--at", at, "--ca-file", root.toString(), chain.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(exit);
        JsonNode line = r.only();
        assertThat(line.get("status").asText()).isEqualTo(status);
        assertThat(line.get("checks").get("notYetValid").asBoolean()).isEqualTo(status.equals("INVALID"));
        if (problem == null) {
            assertThat(line.get("checks").get("problems")).isEmpty();
        } else {
            assertThat(line.get("checks").get("problems").get(0).asText()).isEqualTo(problem);
        }
    }

    @Test
    void aCaFileMakesAPrivateChainTrusted() {
        StoredFiles.Run without = inspect("--json", "--host", "ok.test", chain.toString());
        StoredFiles.Run with = inspect("--json", "--host", "ok.test", "--ca-file", root.toString(), chain.toString());

        assertThat(without.exit()).isEqualTo(2);
        assertThat(without.only().get("status").asText()).isEqualTo("INVALID");
        assertThat(without.only().get("checks").get("trusted").asBoolean()).isFalse();
        assertThat(without.only().get("checks").get("problems").get(0).asText())
                .startsWith("incomplete chain: the issuer 'CN=Inspect Test Root' of 'CN=Inspect Test CA' was not served");
        assertThat(with.exit()).isZero();
        assertThat(with.only().get("checks").get("trusted").asBoolean()).isTrue();
    }

    @Test
    void theJsonIsScansForTheSameChain() throws Exception {
        JsonNode scanned;
        try (TlsServer server = TlsServer.builder().chain(files.ok).start()) {
            StringWriter out = new StringWriter();
            CommandLine scan = new CommandLine(new ScanCommand(StoredFiles.CLOCK));
            scan.setOut(new PrintWriter(out));
            scan.setErr(new PrintWriter(new StringWriter()));
            int exit = scan.execute("--json", "--ca-file", root.toString(), "--sni", "ok.test", "127.0.0.1:" + server.port());
            assertThat(exit).as(out.toString()).isZero();
            scanned = new StoredFiles.Run(exit, out.toString(), "").only();
        }

        JsonNode inspected = inspect("--json", "--host", "ok.test", "--ca-file", root.toString(), chain.toString()).only();

        assertThat(names(inspected)).isEqualTo(names(scanned));
        assertThat(names(inspected.get("checks"))).isEqualTo(names(scanned.get("checks")));
        assertThat(names(inspected.get("chain").get(0))).isEqualTo(names(scanned.get("chain").get(0)));
        for (String same : List.of("outcome", "status", "notAfter", "daysLeft", "servedChainNotAfter", "chain", "checks", "error")) {
            assertThat(inspected.get(same)).as(same).isEqualTo(scanned.get(same));
        }
        assertThat(inspected.get("target").asText()).isEqualTo(chain.toString());
        for (String none : List.of("address", "port", "sni", "protocol", "tlsVersion", "cipherSuite")) {
            assertThat(inspected.get(none).isNull()).as(none).isTrue();
        }
    }

    @Test
    void theTableIsScansWorstFirst() {
        IssuedCertificate old = files.leaf("old.test", NOW.minus(days(100)), NOW.minus(days(1)));
        Path expired = Pem.write(files.dir.resolve("old.pem"), old.chain());

        StoredFiles.Run r = inspect("--ca-file", root.toString(), chain.toString(), expired.toString());

        assertThat(r.exit()).isEqualTo(2);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("STATUS").contains("TARGET", "CERTIFICATE", "NOT AFTER", "DAYS", "DETAIL");
        assertThat(lines.get(1)).startsWith("EXPIRED").contains(expired.toString(), "CN=old.test", "-1.0",
                "the certificate expired on");
        assertThat(lines.get(2)).startsWith("OK").contains(chain.toString(), "CN=ok.test", "90.0");
    }

    static Stream<Arguments> exitStatuses() {
        return Stream.of(
                argumentSet("all OK", List.of("chain.pem"), 0),
                argumentSet("the worst is WARNING", List.of("chain.pem", "soon.pem"), 1),
                argumentSet("the worst is INVALID", List.of("chain.pem", "self.pem"), 2),
                argumentSet("an input not read, the rest OK", List.of("chain.pem", "missing.pem"), 3),
                argumentSet("an input not read, the worst WARNING", List.of("soon.pem", "missing.pem"), 3),
                argumentSet("an input not read, the worst INVALID", List.of("self.pem", "missing.pem"), 2));
    }

    @ParameterizedTest
    @MethodSource("exitStatuses")
    void theExitStatusFollowsTheNagiosConvention(List<String> names, int exit) {
        Pem.write(files.dir.resolve("soon.pem"), files.leaf("soon.test", NOW.minus(days(70)), NOW.plus(days(20))).chain());
        Pem.write(files.dir.resolve("self.pem"), Pki.selfSigned(StoredFiles.CLOCK).dnsNames("self.test").issue().certificate());
        List<String> args = new ArrayList<>(List.of("--ca-file", root.toString()));
        names.forEach(n -> args.add(files.dir.resolve(n).toString()));

        StoredFiles.Run r = inspect(args.toArray(String[]::new));

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(exit);
    }

    @Test
    void severalLeavesInOneFileGiveOneLineEach() {
        IssuedCertificate other = files.leaf("other.test", NOW.minus(days(1)), NOW.plus(days(60)));
        Path bundle = Pem.write(files.dir.resolve("bundle.pem"),
                List.of(files.issuing.certificate(), files.ok.certificate(), other.certificate()));

        StoredFiles.Run r = inspect("--json", "--ca-file", root.toString(), bundle.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json()).hasSize(2);
        assertThat(r.json()).extracting(l -> l.get("chain").get(0).get("subject").asText())
                .containsExactly("CN=ok.test", "CN=other.test");
        assertThat(r.json()).extracting(l -> l.get("chain").get(1).get("subject").asText()).containsOnly("CN=Inspect Test CA");
    }

    @Test
    void aFileOfCaCertificatesIsJudgedFromItsLowestCertificateWithoutTheHostname() {
        Path cas = Pem.write(files.dir.resolve("cas.pem"), List.of(files.root.certificate(), files.issuing.certificate()));

        StoredFiles.Run r = inspect("--json", "--host", "ok.test", "--ca-file", root.toString(), cas.toString());
        StoredFiles.Run table = inspect("--ca-file", root.toString(), cas.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode line = r.only();
        assertThat(line.get("chain")).extracting(c -> c.get("subject").asText())
                .containsExactly("CN=Inspect Test CA", "CN=Inspect Test Root");
        assertThat(line.get("host").isNull()).isTrue();
        assertThat(line.get("checks").get("hostnameMatch").isNull()).isTrue();
        assertThat(table.out()).contains("hostname not checked (a CA certificate)");
    }

    @Test
    void aSelfSignedServerCertificateMarkedAsCaIsStillALeaf() {
        IssuedCertificate server = Pki.selfSigned(StoredFiles.CLOCK).dnsNames("box.test").ca(true).issue();
        Path file = Pem.write(files.dir.resolve("box.pem"), server.certificate());

        JsonNode line = inspect("--json", "--host", "box.test", "--ca-file", file.toString(), file.toString()).only();

        assertThat(server.certificate().getBasicConstraints()).isNotNegative();
        assertThat(line.get("status").asText()).isEqualTo("OK");
        assertThat(line.get("checks").get("hostnameMatch").asBoolean()).isTrue();
    }

    @Test
    void aTruststoreGivesEachOfItsCertificates() {
        CertificateAuthority other = Pki.root("Other Root", StoredFiles.CLOCK);
        Path store = files.write("trust.jks", StoredFiles.keystore("JKS", null,
                Map.of("inspect-root", files.root.certificate(), "other-root", other.certificate())));

        StoredFiles.Run r = inspect("--json", "--ca-file", root.toString(), "--password-env", PASSWORD_VARIABLE, store.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.json()).extracting(l -> l.get("target").asText() + " " + l.get("status").asText())
                .containsExactly(store + "#inspect-root OK", store + "#other-root INVALID");
    }

    @Test
    void aCaCertificateThatIssuedNoLeafIsNamed() {
        CertificateAuthority other = Pki.root("Unrelated Root", StoredFiles.CLOCK);
        Path file = Pem.write(files.dir.resolve("stray.pem"), List.of(files.ok.certificate(), other.certificate(),
                files.issuing.certificate()));

        StoredFiles.Run r = inspect("--json", "--ca-file", root.toString(), file.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.only().get("chain")).hasSize(2);
        assertThat(r.err()).isEqualTo("certsonar inspect: " + file
                + ": 1 CA certificate issues none of its leaves and is not judged: 'CN=Unrelated Root'" + System.lineSeparator());
    }

    @Test
    void aKeyInTheFileIsNeverPrinted() {
        String key = StoredFiles.keyPem(files.ok.privateKey());
        Path withKey = files.write("with-key.pem", Pem.toPem(files.ok.chain()) + key);
        String keyLine = key.lines().toList().get(2);

        StoredFiles.Run json = inspect("--json", "--ca-file", root.toString(), withKey.toString());
        StoredFiles.Run table = inspect("--ca-file", root.toString(), withKey.toString());

        assertThat(json.exit()).isZero();
        assertThat(json.only().get("chain")).hasSize(2);
        for (StoredFiles.Run r : List.of(json, table)) {
            assertThat(r.out() + r.err()).doesNotContain(keyLine).doesNotContain("PRIVATE KEY");
        }
    }

    @Test
    void inspectIsACommandOfCertsonar() {
        assertThat(Main.commandLine().getSubcommands()).containsKey("inspect");
    }

    @Test
    void usageErrorsAreExitThree() {
        StoredFiles.Run at = inspect("--at", "yesterday", chain.toString());
        assertThat(at.exit()).isEqualTo(3);
        assertThat(at.err()).contains("--at: 'yesterday' is neither an ISO-8601 instant (2026-01-31T12:00:00Z) nor a date");
        StoredFiles.Run ca = inspect("--ca-file", files.dir.resolve("no-such-root.pem").toString(), chain.toString());
        assertThat(ca.exit()).isEqualTo(3);
        assertThat(ca.err()).contains("--ca-file: no such file: " + files.dir.resolve("no-such-root.pem"));
        assertThat(inspect().exit()).isEqualTo(3);
        assertThat(inspect().out()).isEmpty();
    }

    private static List<String> names(JsonNode n) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}

package dev.certsonar.cli.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.certsonar.sandbox.tls.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.certsonar.cli.inspect.StoredFiles.PASSWORD_VARIABLE;
import static dev.certsonar.cli.inspect.StoredFiles.inspect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * {@code certsonar inspect} on inputs it cannot judge: each is named on stderr with what is wrong, the good file beside
 * it is still judged, and the exit status is 3.
 */
class InspectBadFilesTest {

    static StoredFiles files;

    @BeforeAll
    static void files(@TempDir Path dir) {
        files = new StoredFiles(dir);
    }

    /** A bad input made in the folder, the options its case needs, and the message after its name. */
    record Case(Function<StoredFiles, Path> input, List<String> options, String message) {
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                argumentSet("text that is not a certificate", new Case(f -> f.write("notes.txt", "renew me\n"), List.of(),
                        "not a certificate file: text without a PEM certificate")),
                argumentSet("an empty file", new Case(f -> f.write("empty.pem", ""), List.of(),
                        "not a certificate file: the file is empty")),
                argumentSet("a private key alone", new Case(f -> f.write("tls.key", StoredFiles.keyPem(f.ok.privateKey())), List.of(),
                        "not a certificate file: PEM with a private key and no certificate")),
                argumentSet("a PEM file cut short", new Case(f -> f.write("cut.pem", half(Pem.toPem(f.ok.chain()))), List.of(),
                        "PEM block 2 has no END line: the file is cut short")),
                argumentSet("a PEM certificate that is not one", new Case(f -> f.write("bad.pem",
                                "-----BEGIN CERTIFICATE-----\nAAECAwQFBgcICQ==\n-----END CERTIFICATE-----\n"), List.of(),
                        "PEM block 1 (CERTIFICATE) is not a readable certificate")),
                argumentSet("a DER file cut short", new Case(f -> f.write("cut.der", half(StoredFiles.der(f.ok.certificate()))),
                        List.of(), "DER data that is cut short or broken")),
                argumentSet("a PKCS#12 keystore cut short", new Case(f -> f.write("cut.p12",
                                half(StoredFiles.keystore("PKCS12", f.ok, Map.of()))), List.of("--password-env", PASSWORD_VARIABLE),
                        "DER data that is cut short or broken")),
                argumentSet("a wrong password", new Case(f -> f.write("store.p12", StoredFiles.keystore("PKCS12", f.ok, Map.of())),
                        List.of("--password-env", "OTHER_PASSWORD"),
                        "a PKCS#12 keystore that the password in OTHER_PASSWORD does not open: wrong password")),
                argumentSet("a wrong password for JKS", new Case(f -> f.write("store.jks", StoredFiles.keystore("JKS", f.ok, Map.of())),
                        List.of("--password-env", "OTHER_PASSWORD"),
                        "a JKS keystore that the password in OTHER_PASSWORD does not open: wrong password")),
                argumentSet("a missing password variable", new Case(f -> f.write("store.p12",
                                StoredFiles.keystore("PKCS12", f.ok, Map.of())), List.of("--password-env", "NOT_SET"),
                        "the keystore's password: the environment variable NOT_SET named by --password-env is not set")),
                argumentSet("a PKCS#12 keystore without --password-env", new Case(f -> f.write("store.p12",
                                StoredFiles.keystore("PKCS12", f.ok, Map.of())), List.of(),
                        "a PKCS#12 keystore whose certificates are encrypted: name the environment variable that holds its "
                                + "password with --password-env VAR")),
                argumentSet("a secret whose base64 is cut short", new Case(f -> f.write("cut-secret.yaml",
                                withCrt(f, crt -> crt.substring(0, crt.length() - 3))), List.of(),
                        "secret shop/web-tls: data.tls.crt is not valid base64, perhaps cut short")),
                argumentSet("a secret whose certificate is cut short", new Case(f -> f.write("cut-pem-secret.yaml",
                                withCrt(f, crt -> Base64.getEncoder().encodeToString(half(Pem.toPem(f.ok.chain()))
                                        .getBytes(StandardCharsets.US_ASCII)))), List.of(),
                        "secret shop/web-tls: data.tls.crt: PEM block 2 has no END line: the file is cut short")),
                argumentSet("YAML that is not a TLS secret", new Case(f -> f.write("config.yaml", """
                                apiVersion: v1
                                kind: ConfigMap
                                metadata: {name: web}
                                data: {tls.crt: none}
                                """), List.of(),
                        "not a certificate file: YAML that is not a Kubernetes TLS secret (it holds a ConfigMap)")),
                argumentSet("an opaque secret without tls.crt", new Case(f -> f.write("opaque.json", """
                                {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "data": {"password": "czNjcmV0"}}
                                """), List.of(),
                        "not a certificate file: JSON that is not a Kubernetes TLS secret (it holds a Secret without tls.crt)")),
                argumentSet("a TLS secret without tls.crt", new Case(f -> f.write("no-crt.yaml", """
                                apiVersion: v1
                                kind: Secret
                                type: kubernetes.io/tls
                                metadata: {name: web-tls}
                                data: {tls.key: czNjcmV0}
                                """), List.of(),
                        "secret web-tls of type kubernetes.io/tls has no tls.crt in data or stringData")),
                argumentSet("YAML that cannot be parsed", new Case(f -> f.write("broken.yaml", """
                                apiVersion: v1
                                kind: Secret
                                data: {tls.crt: [unclosed
                                """), List.of(), "not valid YAML (at line")),
                argumentSet("a file that does not exist", new Case(f -> f.dir.resolve("missing.pem"), List.of(),
                        "no such file or folder")),
                argumentSet("a file that cannot be read", new Case(f -> f.chainPem.resolve("inside"), List.of(),
                        "cannot be read (")),
                argumentSet("an empty folder", new Case(f -> folder(f, "empty-folder"), List.of(), "an empty folder")),
                argumentSet("a folder without certificates", new Case(f -> {
                    Path folder = folder(f, "notes");
                    f.write("notes/readme.txt", "nothing here\n");
                    return folder;
                }, List.of(), "no certificate file in the folder (1 entry skipped)")));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void aBadInputIsNamedAndTheOthersAreStillJudged(Case c) {
        Path bad = c.input().apply(files);
        List<String> args = new ArrayList<>(List.of("--json", "--host", "ok.test", "--ca-file", files.rootPem.toString()));
        args.addAll(c.options());
        args.addAll(List.of(bad.toString(), files.chainPem.toString()));

        StoredFiles.Run r = inspect(Map.of(PASSWORD_VARIABLE, StoredFiles.PASSWORD, "OTHER_PASSWORD", "not-it"),
                new ByteArrayInputStream(new byte[0]), args.toArray(String[]::new));

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
        assertThat(r.err()).contains("certsonar inspect: " + bad + ": " + c.message());
        JsonNode judged = r.only();
        assertThat(judged.get("target").asText()).isEqualTo(files.chainPem.toString());
        assertThat(judged.get("status").asText()).isEqualTo("OK");
    }

    @Test
    void standardInputThatIsNotACertificateIsNamed() {
        StoredFiles.Run r = inspect(Map.of(), new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.US_ASCII)), "-");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("certsonar inspect: stdin: not a certificate file: text without a PEM certificate"
                + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aFileWithoutReadPermissionIsNamed() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")),
                "running as root, who reads files whatever their permissions say");
        Path locked = files.write("locked.pem", Pem.toPem(files.ok.chain()));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));

        StoredFiles.Run r = inspect("--ca-file", files.rootPem.toString(), locked.toString(), files.chainPem.toString());

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).startsWith("certsonar inspect: " + locked + ": cannot be read (permission denied)");
    }

    @Test
    void aParseErrorNeverQuotesTheKey() {
        String key = Base64.getEncoder().encodeToString(StoredFiles.keyPem(files.ok.privateKey()).getBytes(StandardCharsets.US_ASCII));
        Path broken = files.write("key-secret.yaml", """
                apiVersion: v1
                kind: Secret
                data:
                  tls.key: %s
                  tls.crt: {{
                """.formatted(key));

        StoredFiles.Run r = inspect(broken.toString());

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).startsWith("certsonar inspect: " + broken + ": not valid YAML");
        assertThat(r.out() + r.err()).doesNotContain(key.substring(100, 140));
    }

    private static String half(String text) {
        return text.substring(0, text.length() / 2);
    }

    private static byte[] half(byte[] data) {
        return Arrays.copyOf(data, data.length / 2);
    }

    /** ok.test's secret in YAML with its data.tls.crt value changed. */
    private static String withCrt(StoredFiles f, UnaryOperator<String> change) {
        String prefix = "  tls.crt: ";
        return StoredFiles.secretYaml(f.ok.chain(), f.ok.privateKey()).lines()
                .map(l -> l.startsWith(prefix) ? prefix + change.apply(l.substring(prefix.length())) : l)
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static Path folder(StoredFiles f, String name) {
        try {
            return Files.createDirectories(f.dir.resolve(name));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

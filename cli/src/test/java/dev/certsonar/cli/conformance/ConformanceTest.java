package dev.certsonar.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.cli.InspectCommand;
import dev.certsonar.cli.ScanCommand;
import dev.certsonar.cli.conformance.ConformanceCases.Case;
import dev.certsonar.cli.conformance.ConformanceCases.Fails;
import dev.certsonar.cli.conformance.ConformancePki.Chain;
import dev.certsonar.cli.inspect.StoredChainJudge;
import dev.certsonar.sandbox.tls.Pem;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.scanner.judge.TrustAnchors;
import dev.certsonar.schemas.avro.Checks;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.net.Addresses;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import dev.certsonar.schemas.policy.StatusRules;
import dev.certsonar.schemas.policy.Verdicts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * The conformance suite: every case of {@link ConformanceCases} judged by {@code certsonar inspect} (JSON, at the
 * instant the PKI was made), its status, failing checks, problem and conditions as the case expects; a sample of them
 * served by local TLS servers and judged by {@code certsonar scan} the same way. Cases under public anchors (which
 * {@code inspect} cannot be given: its {@code --ca-file} pins) are judged by inspect's own judge with the anchors as
 * public ones.
 *
 * <p>With {@code -Dconformance.dir=DIR}, each case's files are also written for {@code bench/conformance-openssl}.
 */
class ConformanceTest {

    /** Served by local TLS servers too: cases whose anchor is the conformance root and whose reference is a DNS name. */
    static final List<String> SCAN_SAMPLE = List.of("ok", "expired-leaf", "not-yet-valid-leaf", "host-mismatch", "wildcard",
            "incomplete", "out-of-order", "pathlen-0-exceeded", "eku-client-only", "nc-dns-outside", "reissued-not-yet-valid-first",
            "sha1-intermediate");

    static ConformancePki pki;
    static Path dir;
    static final Map<String, Built> BUILT = new LinkedHashMap<>();
    /** The anchors inspect loads for pinned ones (the JDK's and these), once per set. */
    static final Map<List<X509Certificate>, TrustAnchors> PINNED = new java.util.HashMap<>();

    /** A case with its chain made and written: the served chain and the anchors as PEM files. */
    record Built(Case c, Chain chain, Path chainFile, Path anchorsFile) {
    }

    /** What certsonar said of a chain: the status, the checks that failed, the problems and the conditions. */
    record Seen(Status status, Set<Fails> fails, List<String> problems, Set<ConditionType> conditions) {
    }

    @BeforeAll
    static void build(@TempDir Path tmp) {
        dir = tmp;
        pki = new ConformancePki(Instant.now());
        for (Case c : ConformanceCases.ALL) {
            Chain chain = c.chain().apply(pki);
            Path folder = tmp.resolve(c.id());
            BUILT.put(c.id(), new Built(c, chain, Pem.write(folder.resolve("chain.pem"), chain.served()),
                    Pem.write(folder.resolve("anchors.pem"), chain.anchors())));
        }
    }

    static Stream<Arguments> cases() {
        return ConformanceCases.ALL.stream().map(c -> argumentSet(c.toString(), c.id()));
    }

    @Test
    void theCasesAreManyAndNamedOnce() {
        assertThat(ConformanceCases.ALL).hasSizeGreaterThanOrEqualTo(80);
        assertThat(ConformanceCases.ALL.stream().map(Case::id).distinct()).hasSameSizeAs(ConformanceCases.ALL);
        assertThat(ConformanceCases.ALL).allSatisfy(c -> assertThat(c.rule()).matches(".*(RFC \\d+|Baseline Requirements|INTERFACES.md|JDK).*"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void inspectJudgesTheCaseAsItsRuleSays(String id) {
        Built b = BUILT.get(id);
        Seen seen = inspect(b);
        expectations(b.c(), seen);
        assertThat(seen.conditions()).as("conditions").isEqualTo(b.c().expect().conditions());
    }

    /** The case's expected status, failing checks and words, against what was seen. */
    static void expectations(Case c, Seen seen) {
        assertThat(seen.status()).as("status; problems " + seen.problems()).isEqualTo(c.expect().status());
        assertThat(seen.fails()).as("failing checks; problems " + seen.problems()).isEqualTo(c.expect().fails());
        if (c.expect().words() != null) {
            assertThat(seen.problems()).anySatisfy(p -> assertThat(p).contains(c.expect().words()));
        }
        if (c.expect().status() == Status.OK) {
            assertThat(seen.problems()).as("problems").allSatisfy(p -> assertThat(p).startsWith("path building stopped"));
        }
    }

    @Test
    void aSampleServedByLocalTlsServersGetsTheSameVerdictFromScan() throws IOException {
        List<TlsServer> servers = new ArrayList<>();
        try {
            StringBuilder targets = new StringBuilder();
            for (String id : SCAN_SAMPLE) {
                Built b = BUILT.get(id);
                assertThat(b.chain().anchors()).as(id + ": the sample's anchor is the conformance root").containsExactly(pki.root.certificate());
                TlsServer server = TlsServer.builder().bind(java.net.InetAddress.getLoopbackAddress())
                        .chain(b.chain().key(), b.chain().served()).start();
                servers.add(server);
                targets.append("127.0.0.1:").append(server.port()).append(" sni=").append(b.c().host()).append(" id=").append(id).append('\n');
            }
            Path targetsFile = Files.writeString(dir.resolve("targets.txt"), targets);
            Path root = Pem.write(dir.resolve("root.pem"), pki.root.certificate());

            Run r = run(new ScanCommand(), "--json", "--ca-file", root.toString(), "--targets", targetsFile.toString());

            Map<String, JsonNode> byPort = r.json().stream().collect(Collectors.toMap(l -> l.get("port").asText(), l -> l));
            assertThat(byPort).as(r.out() + r.err()).hasSize(SCAN_SAMPLE.size());
            for (int i = 0; i < SCAN_SAMPLE.size(); i++) {
                Built b = BUILT.get(SCAN_SAMPLE.get(i));
                JsonNode line = byPort.get(String.valueOf(servers.get(i).port()));
                assertThat(line.get("outcome").asText()).as(b.c().id()).isEqualTo("OK");
                Seen scanned = seen(line);
                Seen inspected = inspect(b);
                assertThat(scanned.status()).as(b.c().id()).isEqualTo(inspected.status());
                assertThat(scanned.fails()).as(b.c().id()).isEqualTo(inspected.fails());
                expectations(b.c(), scanned);
            }
        } finally {
            servers.forEach(TlsServer::close);
        }
    }

    /**
     * Writes every case for {@code bench/conformance-openssl}: a folder per case with the leaf, the other served
     * certificates and the anchors, and {@code cases.tsv} with each case's rule, reference, instant and verdict.
     */
    @Test
    @EnabledIfSystemProperty(named = "conformance.dir", matches = ".+",
            disabledReason = "writes the cases for bench/conformance-openssl only when -Dconformance.dir=DIR is given")
    void exportsEveryCaseForOpenSsl() throws IOException {
        Path out = Path.of(System.getProperty("conformance.dir")).toAbsolutePath();
        Files.createDirectories(out);
        StringBuilder tsv = new StringBuilder("id\trule\ttitle\thost\thostKind\tat\tanchors\tstatus\tconditions\n");
        for (Built b : BUILT.values()) {
            Path folder = Files.createDirectories(out.resolve(b.c().id()));
            Chain chain = b.chain();
            Pem.write(folder.resolve("leaf.pem"), chain.leaf());
            Pem.write(folder.resolve("anchors.pem"), chain.anchors());
            List<X509Certificate> untrusted = chain.served().subList(1, chain.served().size());
            Files.deleteIfExists(folder.resolve("untrusted.pem"));
            if (!untrusted.isEmpty()) {
                Pem.write(folder.resolve("untrusted.pem"), untrusted);
            }
            Seen seen = inspect(b);
            String host = b.c().host();
            tsv.append(String.join("\t", b.c().id(), b.c().rule(), b.c().title(), host == null ? "" : host,
                    host == null ? "none" : Addresses.literal(host).isPresent() ? "ip" : "dns",
                    String.valueOf(pki.now.getEpochSecond()), chain.publicAnchor() ? "public" : "pinned", seen.status().name(),
                    new TreeSet<>(seen.conditions().stream().map(Enum::name).toList()).stream().collect(Collectors.joining(","))))
                    .append('\n');
        }
        Files.writeString(out.resolve("cases.tsv"), tsv);
        assertThat(out.resolve("cases.tsv")).exists();
    }

    /**
     * The case judged by {@code certsonar inspect --json} with its anchors pinned (or, under public anchors, by the judge
     * inspect uses with the anchors as public ones), with the conditions the same judgement gives.
     */
    static Seen inspect(Built b) {
        Case c = b.c();
        Chain chain = b.chain();
        Instant at = pki.now;
        TrustAnchors anchors = chain.publicAnchor() ? TrustAnchors.of(chain.anchors(), List.of())
                : PINNED.computeIfAbsent(chain.anchors(), k -> TrustAnchors.load(List.of(b.anchorsFile())));
        Observation o = new StoredChainJudge(anchors).judge(chain.served(), c.id(), c.host() == null ? null : reference(c.host()), at);
        Verdicts.Verdict verdict = Verdicts.of(o, ExpiryPolicy.DEFAULT, at);
        Set<ConditionType> conditions = verdict.conditions().stream().map(Verdicts.Finding::type)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(ConditionType.class)));
        if (chain.publicAnchor()) {
            Checks k = o.getChecks();
            return new Seen(verdict.status(), fails(k.getTrusted(), k.getHostnameMatch(), k.getChainComplete(), k.getWeakKey(),
                    k.getWeakSignature(), StatusRules.notYetValid(o, at)), k.getProblems(), conditions);
        }
        List<String> args = new ArrayList<>(List.of("--json", "--at", at.toString(), "--ca-file", b.anchorsFile().toString()));
        if (c.host() != null) {
            args.addAll(List.of("--host", c.host()));
        }
        args.add(b.chainFile().toString());
        Run r = run(new InspectCommand(Clock.fixed(at, ZoneOffset.UTC), Map.of(), new ByteArrayInputStream(new byte[0])),
                args.toArray(String[]::new));
        String leaf = sha256(chain.leaf());
        List<JsonNode> lines = r.json().stream().filter(l -> l.get("chain").get(0).get("sha256").asText().equalsIgnoreCase(leaf)).toList();
        assertThat(lines).as("one line for the leaf: " + r.out() + r.err()).hasSize(1);
        Seen seen = seen(lines.getFirst());
        assertThat(seen.status()).as("inspect's status is that of the verdict's conditions " + verdict.conditions()).isEqualTo(verdict.status());
        return new Seen(seen.status(), seen.fails(), seen.problems(), conditions);
    }

    /** What a JSON line of scan or inspect says (a check left null, as the hostname without a name, holds). */
    static Seen seen(JsonNode line) {
        JsonNode k = line.get("checks");
        List<String> problems = new ArrayList<>();
        k.get("problems").forEach(p -> problems.add(p.asText()));
        return new Seen(Status.valueOf(line.get("status").asText()), fails(k.get("trusted").asBoolean(true),
                k.get("hostnameMatch").asBoolean(true), k.get("chainComplete").asBoolean(true), k.get("weakKey").asBoolean(false),
                k.get("weakSignature").asBoolean(false), k.get("notYetValid").asBoolean(false)), problems, Set.of());
    }

    static Set<Fails> fails(boolean trusted, boolean hostnameMatch, boolean chainComplete, boolean weakKey, boolean weakSignature,
                            boolean notYetValid) {
        Set<Fails> out = EnumSet.noneOf(Fails.class);
        if (!trusted) {
            out.add(Fails.TRUSTED);
        }
        if (!hostnameMatch) {
            out.add(Fails.HOSTNAME_MATCH);
        }
        if (!chainComplete) {
            out.add(Fails.CHAIN_COMPLETE);
        }
        if (weakKey) {
            out.add(Fails.WEAK_KEY);
        }
        if (weakSignature) {
            out.add(Fails.WEAK_SIGNATURE);
        }
        if (notYetValid) {
            out.add(Fails.NOT_YET_VALID);
        }
        return out;
    }

    /** The reference as inspect takes it from --host. */
    private static String reference(String host) {
        return host.strip();
    }

    record Run(int exit, String out, String err) {
        List<JsonNode> json() {
            List<JsonNode> lines = new ArrayList<>();
            for (String l : out.split("\n")) {
                if (!l.isBlank()) {
                    try {
                        lines.add(new ObjectMapper().readTree(l));
                    } catch (IOException e) {
                        throw new UncheckedIOException("not a JSON line: " + l, e);
                    }
                }
            }
            return lines;
        }
    }

    static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String sha256(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.certsonar.cli;

import dev.certsonar.cli.config.ConfigException;
import dev.certsonar.cli.inspect.Chains;
import dev.certsonar.cli.inspect.Inputs;
import dev.certsonar.cli.inspect.KeystorePassword;
import dev.certsonar.cli.inspect.StoredCertificate;
import dev.certsonar.cli.inspect.StoredChainJudge;
import dev.certsonar.cli.scan.ResultLines;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.judge.TrustAnchors;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import static dev.certsonar.cli.config.ConfigException.atFlag;

/**
 * {@code certsonar inspect}: judges stored certificates offline, as {@code scan} judges served ones, and prints one
 * line per chain found, with the table, JSON Lines and exit status of {@code scan}. An input that cannot be read is
 * named on stderr with what is wrong, and the others are still judged; the exit status is then 3 unless a chain's
 * status makes it 2.
 */
@Command(name = "inspect",
        description = "Judge stored certificates offline (PEM, DER, PKCS#7, PKCS#12 and JKS keystores, Kubernetes TLS secrets, "
                + "folders, standard input) and print one line per chain found, worst first.",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = Main.EXIT_USAGE,
        exitCodeOnExecutionException = Main.EXIT_USAGE,
        footer = {"", "FILE: a certificate file, a keystore or a Kubernetes TLS secret (YAML or JSON); a folder (each file in it); "
                + "- for standard input.",
                "Exit status: 0 all OK, 1 the worst is WARNING, 2 the worst is CRITICAL, INVALID or EXPIRED, 3 usage error,",
                "or an input that could not be read when no chain is worse than WARNING."})
public final class InspectCommand implements Callable<Integer> {

    private static final String NAME = "certsonar inspect: ";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Files, folders, or - for standard input.")
    List<String> files = new ArrayList<>();

    @Option(names = "--host", paramLabel = "NAME", description = "The name or IP address the leaf must be valid for (default: none, not checked).")
    Optional<String> host = Optional.empty();

    @Option(names = "--at", paramLabel = "TIME",
            description = "The instant to judge at: ISO-8601, such as 2026-01-31T12:00:00Z, or a date (its start, UTC); default now.")
    String at;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Extra trust anchors (PEM); repeatable.")
    List<Path> caFiles = new ArrayList<>();

    @Option(names = "--password-env", paramLabel = "VAR",
            description = "The environment variable that holds the password of PKCS#12 and JKS keystores.")
    String passwordEnv;

    @Option(names = "--json", description = "Print JSON Lines, one object per chain.")
    boolean json;

    private final Clock clock;
    private final Map<String, String> environment;
    private final InputStream stdin;

    public InspectCommand() {
        this(Clock.systemUTC(), System.getenv(), System.in);
    }

    /** A command reading time, keystore passwords and standard input from these. */
    public InspectCommand(Clock clock, Map<String, String> environment, InputStream stdin) {
        this.clock = clock;
        this.environment = Map.copyOf(environment);
        this.stdin = stdin;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Instant when;
        StoredChainJudge judge;
        try {
            when = at == null ? clock.instant() : instant(at);
            judge = new StoredChainJudge(TrustAnchors.load(atFlag("--ca-file", () -> ScannerConfig.DEFAULT.withCaFiles(caFiles)).caFiles()));
        } catch (IllegalArgumentException | ConfigException e) {
            err.println(NAME + e.getMessage());
            err.flush();
            return Main.EXIT_USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        String reference = host.map(InspectCommand::reference).orElse(null);
        ResultLines lines = new ResultLines(out, json, CommandLine.Help.Ansi.AUTO.enabled(), "CERTIFICATE");
        Inputs inputs = new Inputs(new KeystorePassword(passwordEnv, environment), stdin);
        boolean[] unread = {false};
        for (String file : files) {
            inputs.read(file, result -> {
                switch (result) {
                    case Inputs.Found found -> unread[0] |= !judge(found, judge, reference, when, lines, err);
                    case Inputs.Skipped skipped -> err.println(NAME + skipped.name() + ": skipped: " + skipped.reason());
                    case Inputs.Failed failed -> {
                        unread[0] = true;
                        err.println(NAME + failed.name() + ": " + failed.reason());
                    }
                }
                err.flush();
            });
        }
        int code = lines.finish();
        return unread[0] && code < ResultLines.EXIT_CRITICAL ? Main.EXIT_USAGE : code;
    }

    /** Judges each chain of the input; false when one could not be judged (named on stderr, the others still are). */
    private static boolean judge(Inputs.Found found, StoredChainJudge judge, String reference, Instant when, ResultLines lines,
                                 PrintWriter err) {
        boolean all = true;
        for (List<StoredCertificate> group : found.groups()) {
            Chains.Split split = Chains.split(group);
            for (Chains.StoredChain chain : split.chains()) {
                String target = chain.entry() == null ? found.name() : found.name() + "#" + chain.entry();
                String checked = chain.leaf() ? reference : null;
                try {
                    Observation o = judge.judge(chain.certificates(), target, checked, when);
                    String note = checked != null ? null
                            : chain.leaf() ? "hostname not checked (no --host)" : "hostname not checked (a CA certificate)";
                    lines.add(o, ExpiryPolicy.DEFAULT, when,
                            new ResultLines.Origin(target, checked, o.getChain().get(0).getSubject(), null, checked != null, note));
                } catch (RuntimeException e) {
                    all = false;
                    err.println(NAME + target + ": the chain of " + subject(chain.certificates().get(0)) + " cannot be judged ("
                            + e.getMessage() + ")");
                }
            }
            List<X509Certificate> unused = split.unused();
            if (!unused.isEmpty()) {
                err.println(NAME + found.name() + ": " + unused.size() + " CA certificate" + (unused.size() == 1 ? " issues" : "s issue")
                        + " none of its leaves and " + (unused.size() == 1 ? "is" : "are") + " not judged: "
                        + unused.stream().limit(5).map(InspectCommand::subject).collect(Collectors.joining(", "))
                        + (unused.size() > 5 ? ", and " + (unused.size() - 5) + " more" : ""));
            }
        }
        return all;
    }

    /** An ISO-8601 instant (with Z or an offset), or a date taken at its start in UTC. */
    static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notADate) {
                throw new IllegalArgumentException("--at: '" + text + "' is neither an ISO-8601 instant (2026-01-31T12:00:00Z) "
                        + "nor a date (2026-01-31)", e);
            }
        }
    }

    /** The name as given; an IPv6 address may come in brackets. */
    private static String reference(String name) {
        String n = name.strip();
        return n.startsWith("[") && n.endsWith("]") ? n.substring(1, n.length() - 1) : n;
    }

    private static String subject(X509Certificate c) {
        return "'" + c.getSubjectX500Principal().getName() + "'";
    }
}

package dev.certsonar.cli;

import dev.certsonar.cli.config.ConfigException;
import dev.certsonar.cli.scan.Progress;
import dev.certsonar.cli.scan.ResultLines;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.tls.TlsLibrary;
import dev.certsonar.scanner.probe.ProbeEngine;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static dev.certsonar.cli.config.ConfigException.atFlag;

/**
 * {@code certsonar scan}: probes targets now, without Kafka, and prints one line per endpoint: a table for people
 * (worst first) or JSON Lines. Exit status: 0 all OK, 1 the worst is WARNING, 2 the worst is CRITICAL, UNREACHABLE,
 * INVALID or EXPIRED, 3 usage or input error.
 */
@Command(name = "scan",
        description = "Probe targets now (no Kafka) and print one line per endpoint, worst first.",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = ScanCommand.EXIT_USAGE,
        exitCodeOnExecutionException = ScanCommand.EXIT_USAGE,
        footer = {"", "TARGET: host, host:port, [2001:db8::1]:port, 10.0.0.0/24:443, or scheme://host:port (tls, https, smtp, smtps,",
                "imap, imaps, pop3, pop3s, ftp, ldap, ldaps, xmpp, postgres, mysql).",
                "Exit status: 0 all OK, 1 the worst is WARNING, 2 the worst is CRITICAL, UNREACHABLE, INVALID or EXPIRED,",
                "3 usage or input error."})
public final class ScanCommand implements Callable<Integer> {

    public static final int EXIT_USAGE = 3;

    /** Lists at least this long show progress on stderr. */
    static final int LONG_LIST = 50;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET", arity = "0..*", description = "Targets to probe.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--targets", paramLabel = "FILE",
            description = "A file of targets, one a line, optionally followed by key=value words (sni=, service=, owner=, protocol=, id=, "
                    + "warnDays=, warnFraction=, criticalDays=, criticalFraction=); # starts a comment.")
    Path targetsFile;

    @Option(names = "--json", description = "Print JSON Lines, one object per endpoint.")
    boolean json;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Extra trust anchors (PEM); repeatable.")
    List<Path> caFiles = new ArrayList<>();

    @Option(names = "--concurrency", paramLabel = "N", description = "Probes in flight at most (default: ${DEFAULT-VALUE}).")
    int concurrency = ScannerConfig.DEFAULT.concurrency();

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Deadline of one probe, such as 10s (default: 10s).")
    String timeout;

    @Option(names = "--sni", paramLabel = "NAME", description = "SNI name to send (and check) for targets that do not name one.")
    String sni;

    @Option(names = "--tls-library", paramLabel = "LIBRARY", converter = TlsLibraryConverter.class,
            description = "TLS implementation of the handshakes: boringssl (default; the JDK's TLS for servers it cannot talk to) or jdk.")
    TlsLibrary tlsLibrary = ScannerConfig.DEFAULT.tlsLibrary();

    @Option(names = "--no-dual-certificates",
            description = "Do not probe an endpoint that answers with an ECDSA certificate once more offering only RSA signature algorithms.")
    boolean noDualCertificates;

    @Option(names = "--allow-large-ranges", description = "Allow CIDR ranges larger than a /16.")
    boolean allowLargeRanges;

    @Option(names = "--dns-server", paramLabel = "HOST[:PORT]", description = "DNS server to ask instead of the system's; repeatable.")
    List<String> dnsServers = new ArrayList<>();

    private final Clock clock;

    public ScanCommand() {
        this(Clock.systemUTC());
    }

    public ScanCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ScannerConfig config;
        List<Target> all;
        try {
            config = config();
            all = readTargets();
        } catch (IllegalArgumentException | ConfigException e) {
            err.println("certsonar scan: " + e.getMessage());
            err.flush();
            return EXIT_USAGE;
        }
        if (all.isEmpty()) {
            err.println("certsonar scan: no targets: give TARGET arguments or --targets FILE");
            err.flush();
            return EXIT_USAGE;
        }
        ResultLines lines = new ResultLines(out, json, CommandLine.Help.Ansi.AUTO.enabled(), "ENDPOINT");
        Map<String, ExpiryPolicy> policies = new HashMap<>();
        all.forEach(t -> policies.putIfAbsent(t.getId(), ExpiryPolicy.DEFAULT.withOverrides(t)));
        Progress progress = all.size() >= LONG_LIST ? Progress.start(err, all.size(), Duration.ofSeconds(2)) : null;
        try (ProbeEngine engine = new ProbeEngine(config, clock)) {
            engine.scanAll(all, o -> {
                lines.add(o, policies.getOrDefault(o.getTargetId(), ExpiryPolicy.DEFAULT), clock.instant(),
                        ResultLines.Origin.of(o));
                if (progress != null) {
                    progress.observed(o.getTargetId());
                }
            });
        } catch (IllegalArgumentException e) {
            err.println("certsonar scan: " + e.getMessage());
            err.flush();
            return EXIT_USAGE;
        } finally {
            if (progress != null) {
                progress.stop();
            }
        }
        return lines.finish();
    }

    private ScannerConfig config() {
        Duration t = ScannerConfig.DEFAULT.timeout();
        if (timeout != null) {
            try {
                t = Durations.parse(timeout);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--timeout: " + e.getMessage(), e);
            }
        }
        Duration probeTimeout = t;
        ScannerConfig base = ScannerConfig.DEFAULT.withAllowLargeRanges(allowLargeRanges).withTlsLibrary(tlsLibrary)
                .withDualCertificates(!noDualCertificates);
        ScannerConfig counted = atFlag("--concurrency", () -> base.withConcurrency(concurrency));
        ScannerConfig timed = atFlag("--timeout", () -> counted.withTimeout(probeTimeout));
        ScannerConfig trusting = atFlag("--ca-file", () -> timed.withCaFiles(caFiles));
        return atFlag("--dns-server", () -> trusting.withDnsServers(dnsServers));
    }

    private List<Target> readTargets() {
        List<Target> all = new ArrayList<>();
        for (String t : targets) {
            try {
                all.add(TargetSpecs.parse(t, sni == null ? Map.of() : Map.of("sni", sni), allowLargeRanges));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("target " + e.getMessage(), e);
            }
        }
        if (targetsFile != null) {
            for (Target t : TargetSpecs.parseFile(targetsFile, allowLargeRanges)) {
                if (sni != null && t.getSni() == null) {
                    Target withSni = Target.newBuilder(t).setSni(sni).build();
                    all.add(withSni);
                } else {
                    all.add(t);
                }
            }
        }
        return all;
    }
}

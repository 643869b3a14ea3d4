package dev.certsonar.cli;

import dev.certsonar.aggregator.fleet.FleetConfig;
import dev.certsonar.schemas.Zones;
import dev.certsonar.aggregator.AggregatorApp;
import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.cli.config.ConfigException;
import dev.certsonar.cli.config.ConfigOptions;
import dev.certsonar.cli.config.ConfigOverrides;
import dev.certsonar.cli.run.ComponentHttpServer;
import dev.certsonar.cli.run.Delivery;
import dev.certsonar.cli.run.Pipeline;
import dev.certsonar.cli.run.StopSignal;
import dev.certsonar.notifier.NotifierApp;
import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.tls.TlsLibrary;
import dev.certsonar.scanner.judge.JudgementCache;
import dev.certsonar.scanner.tls.Jsse;
import dev.certsonar.scanner.probe.ProbeEngine;
import dev.certsonar.scanner.worker.ScannerWorker;
import dev.certsonar.scanner.worker.WorkerConfig;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.Topics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
import java.util.function.BooleanSupplier;

import static dev.certsonar.cli.config.ConfigException.atFlag;

/**
 * One component per process, for scaling out: {@code certsonar scanner}, {@code aggregator} and {@code notifier}.
 * Each serves {@code /metrics}, {@code /healthz} and {@code /readyz} on its HTTP port and runs until SIGTERM or Ctrl-C.
 */
public final class ComponentCommands {

    private ComponentCommands() {
    }

    /** The options every component takes besides {@link ConfigOptions}. */
    public static final class Options {
        @Option(names = "--ca-file", paramLabel = "PEM", description = "Extra trust anchors (repeatable).")
        List<Path> caFiles = new ArrayList<>();

        @Option(names = "--http-port", paramLabel = "N", description = "Port of /metrics, /healthz and /readyz (default 8080).")
        Integer httpPort;

        @Option(names = "--http-bind", paramLabel = "ADDRESS", description = "Address the HTTP server binds to (default 127.0.0.1).")
        String httpBind;

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "certsonar-data",
                description = "Where state stores live (aggregator, notifier; default ./${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
                description = "Partitions of topics created when missing (default ${DEFAULT-VALUE}).")
        int partitions;

        CertsonarConfig load(ConfigOptions configOptions) {
            CertsonarConfig config = configOptions.load(
                    ConfigOverrides.NONE.withCaFiles(caFiles).withHttpPort(httpPort).withHttpBind(httpBind));
            if (config.bootstrapServers().isEmpty()) {
                throw new ConfigException("needs a Kafka cluster: --bootstrap-server HOST:PORT, KAFKA_BOOTSTRAP_SERVERS "
                        + "or kafka.bootstrap.servers in the configuration file");
            }
            return config;
        }
    }

    /** What a running component tells its HTTP server and the wait loop. */
    private interface Running extends AutoCloseable {
        boolean alive();

        boolean ready();
    }

    private abstract static class Component implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions configOptions;

        @Mixin
        Options options;

        abstract Running start(CertsonarConfig config, Map<String, Object> kafka, Topics topics, PrometheusMeterRegistry registry)
                throws Exception;

        /** Checks this command's own options against the configuration; an error names the option. */
        void validate(CertsonarConfig config) {
        }

        /** Runs before any Kafka client, which may use TLS. */
        void prepare() {
        }

        /** Whether this component serves /metrics, /healthz and /readyz itself (the aggregator's HTTP API does). */
        boolean servesOwnHttp() {
            return false;
        }

        @Override
        public Integer call() throws Exception {
            String name = spec.name();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            CertsonarConfig config;
            try {
                config = options.load(configOptions);
                validate(config);
            } catch (ConfigException | IllegalArgumentException e) {
                err.println("certsonar " + name + ": " + e.getMessage());
                return 3;
            }
            prepare();
            Map<String, Object> kafka = new HashMap<>(config.kafka());
            Topics topics = Topics.withPrefix(config.topicPrefix());
            PrometheusMeterRegistry registry = ComponentHttpServer.registry(name);

            try (StopSignal stop = new StopSignal(RunCommand.CLOSE_BOUND)) {
                Pipeline.ensureTopics(kafka, topics, options.partitions, (short) -1);
                try (Running running = start(config, kafka, topics, registry);
                     ComponentHttpServer http = servesOwnHttp() ? null : ComponentHttpServer.start(config.http().bind(),
                             config.http().port(), registry, running::alive, running::ready)) {
                    out.println("certsonar " + name + " running on " + config.bootstrapServers().get()
                            + "; /metrics, /healthz and /readyz on http://" + config.http().bind() + ":"
                            + (http == null ? config.http().port() : http.port()));
                    out.flush();
                    while (!stop.await(Duration.ofSeconds(1))) {
                        if (!running.alive()) {
                            err.println("certsonar " + name + ": stopped on an error; see the log");
                            return 1;
                        }
                    }
                    out.println("certsonar " + name + ": stopping ...");
                    out.flush();
                }
                return 0;
            }
        }
    }

    @Command(name = "scanner", mixinStandardHelpOptions = true,
            description = "Run a scanner worker: probes the scan requests of its share of partitions (start more to scale out).")
    public static final class Scanner extends Component {
        @Option(names = "--per-address-spacing", paramLabel = "DURATION",
                description = "Least time between two probe starts of one address, e.g. 20ms, 0s (default 20ms).")
        String perAddressSpacing;

        @Option(names = "--tls-library", paramLabel = "LIBRARY", converter = TlsLibraryConverter.class,
                description = "TLS implementation of the handshakes: boringssl or jdk (default: scanner.tlsLibrary, else boringssl).")
        TlsLibrary tlsLibrary;

        @Option(names = "--per-address-concurrency", paramLabel = "N",
                description = "Probes of one address at once at most (default: scanner.perAddressConcurrency, else 4).")
        Integer perAddressConcurrency;

        @Option(names = "--concurrency", paramLabel = "N",
                description = "Scan requests probed at once at most; beyond it the worker pauses its partitions "
                        + "(default: scanner.concurrency, else 1024).")
        Integer concurrency;

        @Option(names = "--group-id", paramLabel = "GROUP", defaultValue = WorkerConfig.DEFAULT_GROUP_ID,
                description = "Consumer group the scanners share the scan requests in (default ${DEFAULT-VALUE}).")
        String groupId;

        @Option(names = "--zone", paramLabel = "NAME", defaultValue = Zones.DEFAULT,
                description = "The zone (network) this scanner serves: it consumes only the scan requests of targets "
                        + "of this zone (default ${DEFAULT-VALUE}).")
        String zone;

        /** The scanner settings of the configuration with this command's options applied; a rule one breaks names it. */
        ScannerConfig scannerConfig(CertsonarConfig config) {
            ScannerConfig scanner = config.scanner();
            if (perAddressSpacing != null) {
                Duration spacing;
                try {
                    spacing = Durations.parse(perAddressSpacing);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--per-address-spacing: " + e.getMessage(), e);
                }
                ScannerConfig base = scanner;
                scanner = atFlag("--per-address-spacing", () -> base.withPerAddressSpacing(spacing));
            }
            if (perAddressConcurrency != null) {
                ScannerConfig base = scanner;
                scanner = atFlag("--per-address-concurrency", () -> base.withPerAddressConcurrency(perAddressConcurrency));
            }
            if (tlsLibrary != null) {
                scanner = scanner.withTlsLibrary(tlsLibrary);
            }
            if (concurrency != null) {
                ScannerConfig base = scanner;
                scanner = atFlag("--concurrency", () -> base.withConcurrency(concurrency));
            }
            return scanner;
        }

        /** The worker settings with this command's options applied. */
        WorkerConfig workerConfig(ScannerConfig scanner, FleetConfig fleet) {
            WorkerConfig grouped = atFlag("--group-id", () -> WorkerConfig.DEFAULT.withGroupId(groupId).withMaxInFlight(scanner.concurrency()));
            WorkerConfig zoned = atFlag("--zone", () -> grouped.withZone(zone));
            return atFlag("fleet.heartbeatInterval", () -> zoned.withHeartbeatInterval(fleet.heartbeatInterval()));
        }

        @Override
        void validate(CertsonarConfig config) {
            workerConfig(scannerConfig(config), config.fleet());
        }

        /** The JDK reads its TLS constraints once: relax them for legacy servers before a Kafka client uses TLS. */
        @Override
        void prepare() {
            Jsse.relaxConstraints();
        }

        @Override
        Running start(CertsonarConfig config, Map<String, Object> kafka, Topics topics, PrometheusMeterRegistry registry) {
            ScannerConfig scanner = scannerConfig(config);
            ProbeEngine engine = new ProbeEngine(scanner, Clock.systemUTC());
            JudgementCache judgements = engine.judgements();
            FunctionCounter.builder("certsonar.scanner.chain.analyses", judgements, JudgementCache::analyses)
                    .description("served chains analysed: paths built and signatures verified").register(registry);
            FunctionCounter.builder("certsonar.scanner.chain.reuses", judgements, JudgementCache::hits)
                    .description("judgements that reused the analysis of an identical chain").register(registry);
            ScannerWorker worker;
            try {
                WorkerConfig workerConfig = workerConfig(scanner, config.fleet());
                Pipeline.ensureZoneTopic(kafka, topics, workerConfig.zone());
                worker = new ScannerWorker(kafka, topics, engine::scan, workerConfig, registry, Clock.systemUTC(),
                        scanner.tlsLibrary().label(), Main.version()).start();
            } catch (RuntimeException e) {
                engine.close();
                throw e;
            }
            return new Running() {
                @Override
                public boolean alive() {
                    return worker.isRunning();
                }

                @Override
                public boolean ready() {
                    return worker.isReady();
                }

                @Override
                public void close() {
                    try {
                        worker.close();
                    } finally {
                        engine.close();
                    }
                }
            };
        }
    }

    @Command(name = "aggregator", mixinStandardHelpOptions = true,
            description = "Run the aggregator: schedules scans, keeps the expiry state of every service, serves the HTTP API and dashboard.")
    public static final class Aggregator extends Component {
        @Option(names = "--stream-threads", paramLabel = "N",
                description = "Kafka Streams threads of this aggregator; more use more cores (default 1).")
        int streamThreads = 1;

        @Option(names = "--application-id", paramLabel = "ID",
                description = "Kafka Streams application id; aggregators with one id share the work, and two "
                        + "deployments on one cluster need two ids (default certsonar-aggregator).")
        String applicationId;

        @Override
        boolean servesOwnHttp() {
            return true;
        }

        /** The aggregator's settings from the configuration and this command's options; a rule one breaks names it. */
        AggregatorConfig aggregatorConfig(CertsonarConfig config) {
            AggregatorConfig base = AggregatorConfig.DEFAULT.withPolicy(config.policy())
                    .withStateDir(options.dataDir.resolve("aggregator").toAbsolutePath())
                    .withHttp(config.http().aggregatorSettings())
                    .withFleet(config.fleet());
            AggregatorConfig threads = atFlag("--stream-threads", () -> base.withStreamThreads(streamThreads));
            return applicationId == null ? threads : atFlag("--application-id", () -> threads.withApplicationId(applicationId));
        }

        @Override
        void validate(CertsonarConfig config) {
            aggregatorConfig(config);
        }

        @Override
        Running start(CertsonarConfig config, Map<String, Object> kafka, Topics topics, PrometheusMeterRegistry registry) {
            AggregatorApp app = new AggregatorApp(kafka, topics, aggregatorConfig(config), Clock.systemUTC(), Pipeline.TARGET_SYNTAX,
                    registry);
            app.start();
            return streamsApp(app, app::isReady, app::isAlive);
        }
    }

    @Command(name = "notifier", mixinStandardHelpOptions = true,
            description = "Run the notifier: turns service status changes into alerts and delivers them to channels.")
    public static final class Notifier extends Component {
        @Option(names = "--application-id", paramLabel = "ID",
                description = "Kafka Streams application id; notifiers with one id share the work (default: "
                        + "notifier.applicationId of the file, else certsonar-notifier).")
        String applicationId;

        /** The notifier's settings from the configuration and this command's options; a rule one breaks names it. */
        NotifierConfig notifierConfig(CertsonarConfig config) {
            NotifierConfig base = config.notifier().withStateDir(options.dataDir.resolve("notifier").toAbsolutePath());
            return applicationId == null ? base : atFlag("--application-id", () -> base.withApplicationId(applicationId));
        }

        @Override
        void validate(CertsonarConfig config) {
            notifierConfig(config);
        }

        @Override
        Running start(CertsonarConfig config, Map<String, Object> kafka, Topics topics, PrometheusMeterRegistry registry) {
            NotifierConfig notifierConfig = notifierConfig(config);
            Delivery delivery = Delivery.from(config, Clock.systemUTC());
            NotifierApp app = new NotifierApp(kafka, topics, notifierConfig, Clock.systemUTC(), alert -> { },
                    delivery.channels(), delivery.routes(), delivery.retries(), registry);
            app.start();
            return streamsApp(app, app::isReady, app::isAlive);
        }
    }

    private static Running streamsApp(AutoCloseable app, BooleanSupplier ready, BooleanSupplier alive) {
        return new Running() {
            @Override
            public boolean alive() {
                return alive.getAsBoolean();
            }

            @Override
            public boolean ready() {
                return ready.getAsBoolean();
            }

            @Override
            public void close() throws Exception {
                app.close();
            }
        };
    }
}

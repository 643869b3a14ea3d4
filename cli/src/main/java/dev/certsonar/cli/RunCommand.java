package dev.certsonar.cli;

import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.cli.config.ConfigException;
import dev.certsonar.cli.config.ConfigOptions;
import dev.certsonar.cli.config.ConfigOverrides;
import dev.certsonar.cli.run.AlertLines;
import dev.certsonar.cli.run.ComponentHttpServer;
import dev.certsonar.cli.run.Delivery;
import dev.certsonar.cli.run.Pipeline;
import dev.certsonar.cli.run.StopSignal;
import dev.certsonar.cli.run.TargetPublisher;
import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.scanner.tls.Jsse;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.scanner.worker.WorkerConfig;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Target;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code certsonar run}: every component in one JVM, on an embedded broker unless a bootstrap server is given. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run every component (aggregator, notifier, scanner) in one JVM until stopped (Ctrl-C, SIGTERM).",
                "Unless a bootstrap server is given (--bootstrap-server, KAFKA_BOOTSTRAP_SERVERS or kafka.bootstrap.servers "
                        + "in the file), an embedded Kafka broker on 127.0.0.1:--kafka-port keeps its data in --data-dir."})
public final class RunCommand implements Callable<Integer> {

    static final Duration CLOSE_BOUND = Duration.ofSeconds(60);
    static final int PARTITIONS = 6;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--targets", paramLabel = "FILE", description = "Publish the targets of this file (one a line) at start.")
    Path targetsFile;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Extra trust anchors (repeatable).")
    List<Path> caFiles = new ArrayList<>();

    @Option(names = "--http-port", paramLabel = "N", description = "Port of the HTTP API, dashboard, /metrics, /healthz and /readyz (default 8080).")
    Integer httpPort;

    @Option(names = "--http-bind", paramLabel = "ADDRESS", description = "Address the HTTP API binds to (default 127.0.0.1).")
    String httpBind;

    @Option(names = "--kafka-port", paramLabel = "N", defaultValue = "9092", description = "Port of the embedded broker (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "certsonar-data", description = "Where the embedded broker and the state stores keep their data (default ./${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CertsonarConfig config;
        List<Target> targets;
        try {
            config = configOptions.load(ConfigOverrides.NONE.withCaFiles(caFiles).withHttpPort(httpPort).withHttpBind(httpBind));
            targets = targetsFile == null ? List.of() : TargetSpecs.parseFile(targetsFile, false, config.policy());
            config.http().aggregatorSettings();
        } catch (ConfigException | IllegalArgumentException | UncheckedIOException e) {
            err.println("certsonar run: " + e.getMessage());
            return 3;
        }

        // the JDK reads its TLS constraints once: relax them for legacy servers before a Kafka client uses TLS
        Jsse.relaxConstraints();
        try (StopSignal stop = new StopSignal(CLOSE_BOUND)) {
            return run(config, targets, stop, out, err);
        }
    }

    private int run(CertsonarConfig config, List<Target> targets, StopSignal stop, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        Map<String, Object> kafka = new HashMap<>(config.kafka());
        EmbeddedKafkaBroker broker = null;
        Pipeline pipeline = null;
        try {
            short replication = 1;
            if (config.bootstrapServers().isEmpty()) {
                broker = EmbeddedKafkaBroker.builder().host("127.0.0.1").port(kafkaPort)
                        .dataDir(dataDir.resolve("kafka").toAbsolutePath()).start();
                kafka.put("bootstrap.servers", broker.bootstrapServers());
                out.println("Kafka broker: " + broker.bootstrapServers() + " (data in " + dataDir.resolve("kafka") + ")");
            } else {
                replication = -1;
                out.println("Kafka cluster: " + config.bootstrapServers().get());
            }
            out.flush();
            Topics topics = Topics.withPrefix(config.topicPrefix());
            Pipeline.ensureTopics(kafka, topics, PARTITIONS, replication);
            if (!targets.isEmpty()) {
                TargetPublisher.publish(kafka, topics, targets);
                out.println("Published " + targets.size() + " target(s) from " + targetsFile + " to " + topics.targets().name());
            }

            AggregatorConfig aggregator = AggregatorConfig.DEFAULT.withPolicy(config.policy())
                    .withStateDir(dataDir.resolve("aggregator").toAbsolutePath())
                    .withHttp(config.http().aggregatorSettings())
                    .withReplicationFactor(replication)
                    .withFleet(config.fleet());
            NotifierConfig notifier = config.notifier().withStateDir(dataDir.resolve("notifier").toAbsolutePath());
            WorkerConfig worker = WorkerConfig.DEFAULT.withMaxInFlight(config.scanner().concurrency())
                    .withHeartbeatInterval(config.fleet().heartbeatInterval());
            Pipeline.Settings settings = new Pipeline.Settings(kafka, topics, config.scanner(), worker, aggregator, notifier,
                    Delivery.besideConsole(config, Clock.systemUTC()));
            pipeline = Pipeline.start(settings, Clock.systemUTC(), ComponentHttpServer.registry("run"), alert -> {
                out.println(AlertLines.format(alert));
                out.flush();
            });
            out.println("certsonar running: API and dashboard on http://" + config.http().bind() + ":"
                    + pipeline.aggregator().httpPort() + "/ ; Ctrl-C stops");
            out.flush();

            int status = 0;
            while (!stop.await(Duration.ofSeconds(1))) {
                if (!pipeline.isAlive()) {
                    err.println("certsonar run: " + pipeline.stopped().orElse("a component")
                            + " stopped on an error; see the log");
                    status = 1;
                    break;
                }
            }
            out.println("Stopping ...");
            out.flush();
            pipeline.close();
            pipeline = null;
            if (broker != null) {
                broker.close();
                broker = null;
            }
            out.println("Stopped.");
            out.flush();
            return status;
        } finally {
            if (pipeline != null) {
                pipeline.close();
            }
            if (broker != null) {
                broker.close();
            }
        }
    }
}

package dev.certsonar.cli;

import dev.certsonar.cli.run.AlertLines;
import dev.certsonar.cli.run.DemoWorld;
import dev.certsonar.cli.run.Pipeline;
import dev.certsonar.cli.run.StopSignal;
import dev.certsonar.cli.run.TargetPublisher;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.sandbox.tls.LocalTlsWorld;
import dev.certsonar.scanner.tls.Jsse;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code certsonar demo}: an embedded broker, local TLS servers presenting a valid, an expiring, an expired and a
 * self-signed certificate, and every component; prints each alert as it fires, once. The broker and the state stores
 * keep their data in a folder of the demo's own under the user's data folder, removed when the demo stops.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start an embedded Kafka broker, local TLS servers with a valid, an expiring (3 days), an expired "
                + "and a self-signed certificate, and every component; print each alert as it fires.",
                "Runs until Ctrl-C, or for DURATION with --for. Needs no network beyond loopback.",
                "Keeps its data in a folder of its own under $XDG_DATA_HOME/certsonar/demo (default "
                        + "~/.local/share/certsonar/demo), removed when it stops."})
public final class DemoCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);

    /** The folder of one demo under the data home: the process id, a dash, a random number. */
    private static final Pattern DATA_DIR_NAME = Pattern.compile("(\\d{1,18})-\\d+");

    @Spec
    CommandSpec spec;

    @Option(names = "--for", paramLabel = "DURATION", description = "Stop after this long: 90s, 10m, PT1M ...")
    String runFor;

    @Option(names = "--http-port", paramLabel = "N", description = "Port of the dashboard and HTTP API (default 8080, or a free port when 8080 is taken).")
    Integer httpPort;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration limit = null;
        if (runFor != null) {
            try {
                limit = Durations.parse(runFor);
            } catch (IllegalArgumentException e) {
                err.println("certsonar demo: --for: " + e.getMessage());
                return 3;
            }
        }
        Path dir;
        try {
            dir = createDataDir(dataHome());
        } catch (IOException e) {
            err.println("certsonar demo: cannot create a data folder under " + dataHome() + ": " + e);
            return 3;
        }
        AtomicInteger alerts = new AtomicInteger();
        Consumer<Alert> onAlert = alert -> {
            alerts.incrementAndGet();
            synchronized (out) {
                out.println(AlertLines.format(alert));
                out.flush();
            }
        };
        try (StopSignal stop = new StopSignal(RunCommand.CLOSE_BOUND)) {
            out.println("certsonar demo: starting an embedded Kafka broker and local TLS servers ...");
            out.flush();
            try (Demo demo = Demo.start(dir, Clock.systemUTC(), httpPort == null ? preferredPort(8080) : httpPort, onAlert)) {
                for (LocalTlsWorld.LocalServer server : demo.world().servers()) {
                    out.printf(Locale.ROOT, "  watching %-16s https://%s:%d (%s certificate)%n", DemoWorld.serviceName(server),
                            server.host(), server.port(), server.kind());
                }
                out.println("Kafka broker: " + demo.broker().bootstrapServers());
                out.println("Dashboard:    http://127.0.0.1:" + demo.httpPort() + "/");
                out.println(limit == null ? "Alerts appear below as they fire; Ctrl-C stops."
                        : "Alerts appear below as they fire; the demo stops after " + runFor + ".");
                out.flush();
                if (limit == null) {
                    stop.await(Duration.ofDays(365_000));
                } else {
                    stop.await(limit);
                }
                out.println("Stopping ...");
                out.flush();
            }
            out.println("certsonar demo: " + alerts.get() + " alert event(s).");
            out.flush();
            return 0;
        } finally {
            deleteQuietly(dir);
        }
    }

    /** The demo world: broker, local TLS servers, every component, and a target per server. */
    record Demo(EmbeddedKafkaBroker broker, LocalTlsWorld world, Pipeline pipeline, int httpPort) implements AutoCloseable {

        /** Starts the broker and the TLS servers side by side (both take a while), then every component. */
        static Demo start(Path dir, Clock clock, int httpPort, Consumer<Alert> onAlert) {
            // before the TLS servers touch JSSE, so the scanner may still probe legacy TLS versions
            Jsse.relaxConstraints();
            CompletableFuture<LocalTlsWorld> worldStarting = CompletableFuture.supplyAsync(
                    () -> LocalTlsWorld.start(dir.resolve("tls"), clock), runnable -> Thread.ofPlatform().name("demo-world").start(runnable));
            EmbeddedKafkaBroker broker;
            try {
                broker = EmbeddedKafkaBroker.builder().host("127.0.0.1").port(0).dataDir(dir.resolve("kafka")).start();
            } catch (RuntimeException e) {
                worldStarting.thenAccept(LocalTlsWorld::close);
                throw e;
            }
            LocalTlsWorld world = null;
            try {
                world = join(worldStarting);
                Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
                Topics topics = Topics.DEFAULT;
                Pipeline.ensureTopics(kafka, topics, 3, (short) 1);
                TargetPublisher.publish(kafka, topics, DemoWorld.targets(world));
                Pipeline pipeline = Pipeline.start(DemoWorld.settings(kafka, topics, dir, world.caFile(), httpPort), clock,
                        new SimpleMeterRegistry(), onAlert);
                return new Demo(broker, world, pipeline, pipeline.aggregator().httpPort());
            } catch (RuntimeException e) {
                if (world != null) {
                    world.close();
                }
                broker.close();
                throw e;
            }
        }

        private static LocalTlsWorld join(CompletableFuture<LocalTlsWorld> starting) {
            try {
                return starting.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }

        @Override
        public void close() {
            try {
                pipeline.close();
            } finally {
                try {
                    world.close();
                } catch (Exception e) {
                    log.warn("Closing the local TLS servers failed: {}", e.toString());
                }
                broker.close();
            }
        }
    }

    private static int preferredPort(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return port;
        } catch (IOException taken) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException("no free port for the dashboard on 127.0.0.1", e);
            }
        }
    }

    /** {@code $XDG_DATA_HOME/certsonar/demo} when that is set to an absolute path, else {@code ~/.local/share/certsonar/demo}. */
    static Path dataHome() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("certsonar").resolve("demo");
    }

    /**
     * A folder of this demo's own under {@code home}, named after the process ({@code PID-NNN}) so that demos running
     * side by side never share one, and not in the temporary folder, which the system may clear under a running broker.
     * Folders left by demos whose process is gone (killed before they could remove theirs) are removed first.
     */
    static Path createDataDir(Path home) throws IOException {
        Files.createDirectories(home);
        try (Stream<Path> folders = Files.list(home)) {
            folders.filter(DemoCommand::isLeftover).forEach(DemoCommand::deleteQuietly);
        }
        return Files.createTempDirectory(home, ProcessHandle.current().pid() + "-");
    }

    private static boolean isLeftover(Path folder) {
        Matcher name = DATA_DIR_NAME.matcher(folder.getFileName().toString());
        return name.matches() && Files.isDirectory(folder)
                && ProcessHandle.of(Long.parseLong(name.group(1))).map(p -> !p.isAlive()).orElse(true);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.debug("Could not delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            log.debug("Could not delete {}: {}", dir, e.toString());
        }
    }
}

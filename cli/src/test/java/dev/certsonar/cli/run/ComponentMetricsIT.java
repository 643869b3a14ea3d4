package dev.certsonar.cli.run;

import dev.certsonar.cli.LocalHttp;
import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.worker.WorkerConfig;
import dev.certsonar.schemas.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What Prometheus reads from the aggregator's {@code /metrics}: the JVM's meters and the {@code component} tag on every
 * series, both from {@code certsonar aggregator} (a process) and from the whole pipeline of {@code certsonar run}
 * (every component's meters on the aggregator's port). Each scrape is also checked by {@code promtool check metrics}
 * when Prometheus's promtool is installed.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ComponentMetricsIT {

    private static final Logger log = LoggerFactory.getLogger(ComponentMetricsIT.class);

    private final LocalHttp http = new LocalHttp(Duration.ofSeconds(10));
    private Process process;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void theAggregatorCommandsMetricsHaveTheJvmsMetersAndTheComponentTag(EmbeddedKafkaBroker broker) throws Exception {
        int port = freePort();
        Path output = dir.resolve("aggregator.log");
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"),
                "dev.certsonar.cli.Main", "aggregator",
                "--bootstrap-server", broker.bootstrapServers(),
                "--topic-prefix", "t-" + UUID.randomUUID() + ".",
                "--partitions", "1",
                "--data-dir", dir.resolve("data").toString(),
                "--http-port", String.valueOf(port));
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("CERTSONAR_"));
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        process = pb.start();

        await().atMost(Duration.ofSeconds(90)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("certsonar aggregator exited with " + process.exitValue() + ": "
                        + Files.readString(output));
            }
            return http.get(port, "/readyz").map(r -> r.statusCode() == 200).orElse(false);
        });
        String metrics = http.get(port, "/metrics").orElseThrow().body();

        assertThat(metrics)
                .contains("jvm_memory_used_bytes{area=\"heap\",component=\"aggregator\"")
                .contains("jvm_threads_live_threads{component=\"aggregator\"}")
                .contains("jvm_gc_")
                .contains("system_cpu_count{component=\"aggregator\"}")
                .contains("kafka_stream_");
        assertEverySeriesTagged(metrics, "aggregator");
        promtool(metrics);
    }

    @Test
    void runServesEveryComponentsMetersWithTheJvmsOnTheAggregatorsPort(EmbeddedKafkaBroker broker) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        Topics topics = Topics.withPrefix("t-" + run + ".");
        Pipeline.ensureTopics(kafka, topics, 1, (short) 1);
        Pipeline.Settings settings = new Pipeline.Settings(kafka, topics, ScannerConfig.DEFAULT,
                WorkerConfig.DEFAULT.withGroupId("scanner-" + run).withShutdownTimeout(Duration.ofSeconds(5)),
                AggregatorConfig.DEFAULT.withApplicationId("aggregator-" + run).withStateDir(dir.resolve("aggregator"))
                        .withHttp("127.0.0.1", 0).withReplicationFactor(1),
                NotifierConfig.DEFAULT.withApplicationId("notifier-" + run).withStateDir(dir.resolve("notifier")),
                Delivery.none());
        try (Pipeline pipeline = Pipeline.start(settings, Clock.systemUTC(), ComponentHttpServer.registry("run"), a -> { })) {
            await().atMost(Duration.ofSeconds(90)).until(pipeline::isReady);
            int port = pipeline.aggregator().httpPort();
            String metrics = http.get(port, "/metrics").orElseThrow().body();

            assertThat(metrics)
                    .contains("jvm_memory_used_bytes{area=\"heap\",component=\"run\"")
                    .contains("certsonar_scanner_in_flight{component=\"run\"}")
                    .contains("certsonar_notifier_delivery_alive{component=\"run\"")
                    .contains("kafka_stream_");
            assertEverySeriesTagged(metrics, "run");
            promtool(metrics);
        }
    }

    /** Every sample line names the component. */
    private static void assertEverySeriesTagged(String metrics, String component) {
        List<String> untagged = metrics.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .filter(l -> !l.contains("component=\"" + component + "\"")).limit(5).toList();
        assertThat(untagged).as("series without component=\"%s\"", component).isEmpty();
    }

    /** promtool must parse the text; its lint advice is logged. Without promtool, says so and checks nothing more. */
    private void promtool(String metrics) throws IOException, InterruptedException {
        Optional<Path> promtool = Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(p -> java.util.Arrays.stream(p.split(java.io.File.pathSeparator)))
                .map(d -> Path.of(d, "promtool")).filter(Files::isExecutable).findFirst();
        if (promtool.isEmpty()) {
            log.warn("promtool is not on PATH: the scrape is not checked by Prometheus's own parser");
            return;
        }
        Process check = new ProcessBuilder(promtool.get().toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = check.getOutputStream()) {
            in.write(metrics.getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        log.info("promtool check metrics: exit {}, {}", check.exitValue(), said.isBlank() ? "nothing to say" : said.strip());
        // 0: fine; 3: parsed, with lint advice (such as a counter not named _total); anything else: not parsed
        assertThat(check.exitValue()).as("promtool check metrics: %s", said).isIn(0, 3);
    }


    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

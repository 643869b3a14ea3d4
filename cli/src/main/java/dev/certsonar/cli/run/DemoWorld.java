package dev.certsonar.cli.run;

import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.sandbox.tls.LocalTlsWorld;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.worker.WorkerConfig;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The targets and settings of the demo: one target per local TLS server, scanned every few seconds. */
public final class DemoWorld {

    /** The default thresholds with a scan every 20 seconds. */
    public static final ExpiryPolicy POLICY = new ExpiryPolicy(Duration.ofSeconds(20), ExpiryPolicy.DEFAULT.warnDays(),
            ExpiryPolicy.DEFAULT.warnFraction(), ExpiryPolicy.DEFAULT.criticalDays(), ExpiryPolicy.DEFAULT.criticalFraction());

    private DemoWorld() {
    }

    /** {@code demo-valid}, {@code demo-expiring}, {@code demo-expired}, {@code demo-selfsigned}. */
    public static String serviceName(LocalTlsWorld.LocalServer server) {
        return "demo-" + server.kind().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** One target per server: its address and port, with the server's name as SNI. */
    public static List<Target> targets(LocalTlsWorld world) {
        return world.servers().stream().map(server -> Target.newBuilder()
                .setId("tls://" + LocalTlsWorld.ADDRESS + ":" + server.port() + "#" + server.host())
                .setService(serviceName(server)).setOwner("demo").setHost(LocalTlsWorld.ADDRESS)
                .setPorts(List.of(server.port())).setSni(server.host()).setProtocol(Protocol.TLS)
                .setLabels(Map.of("env", "demo", "kind", server.kind())).build()).toList();
    }

    /**
     * Every component tuned for a quick demo: scans every 20 s, the world's CA trusted (so only the broken certificates
     * alert), state under {@code dir}, no delivery channel (the demo prints each alert itself).
     */
    public static Pipeline.Settings settings(Map<String, Object> kafka, Topics topics, Path dir, Path caFile, int httpPort) {
        AggregatorConfig aggregator = AggregatorConfig.DEFAULT.withPolicy(POLICY)
                .withStateDir(dir.resolve("aggregator")).withHttp("127.0.0.1", httpPort)
                .withReplicationFactor(1).withPunctuationInterval(Duration.ofMillis(500)).withJitterFraction(0);
        NotifierConfig notifier = NotifierConfig.DEFAULT.withStateDir(dir.resolve("notifier"))
                .withPunctuateInterval(Duration.ofSeconds(1));
        ScannerConfig scanner = ScannerConfig.DEFAULT.withCaFiles(List.of(caFile)).withTimeout(Duration.ofSeconds(5));
        WorkerConfig worker = WorkerConfig.DEFAULT.withShutdownTimeout(Duration.ofSeconds(5));
        return new Pipeline.Settings(kafka, topics, scanner, worker, aggregator, notifier, Delivery.none());
    }
}

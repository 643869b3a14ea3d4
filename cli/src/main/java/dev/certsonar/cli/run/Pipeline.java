package dev.certsonar.cli.run;

import dev.certsonar.aggregator.AggregatorApp;
import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.aggregator.http.TargetSyntax;
import dev.certsonar.notifier.NotifierApp;
import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.probe.ProbeEngine;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.scanner.worker.ScannerWorker;
import dev.certsonar.scanner.worker.WorkerConfig;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Every component in one JVM: the aggregator, the notifier and a scanner worker with its probe engine, meeting only on
 * the topics. Closing stops them in the order scanner, notifier, aggregator. The notifier's and the scanner's meters go
 * to the registry given at the start, and so do the aggregator's when it is a {@link PrometheusMeterRegistry}: the
 * aggregator's {@code /metrics} then shows every component's meters with whatever else the caller bound to it (the JVM's,
 * a common tag); given another registry, the aggregator keeps a registry of its own for its {@code /metrics}.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    /**
     * @param kafka      client properties for every component ({@code bootstrap.servers}, security)
     * @param topics     the topic names
     * @param scanner    the probe engine's settings
     * @param worker     the scanner worker's settings
     * @param aggregator the aggregator's settings (its HTTP port serves the API, /metrics, /healthz and /readyz)
     * @param notifier   the notifier's settings
     * @param delivery   the notifier's channels and routes
     */
    public record Settings(Map<String, Object> kafka, Topics topics, ScannerConfig scanner, WorkerConfig worker,
                           AggregatorConfig aggregator, NotifierConfig notifier, Delivery delivery) {
        public Settings {
            kafka = Map.copyOf(kafka);
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(scanner, "scanner");
            Objects.requireNonNull(worker, "worker");
            Objects.requireNonNull(aggregator, "aggregator");
            Objects.requireNonNull(notifier, "notifier");
            Objects.requireNonNull(delivery, "delivery");
        }

        public Settings withDelivery(Delivery value) {
            return new Settings(kafka, topics, scanner, worker, aggregator, notifier, value);
        }
    }

    /**
     * How the aggregator's API and console read targets: as {@code targets add} and {@code targets import} read them
     * ({@link TargetSpecs}; CIDR ranges larger than a /16 are refused there too), and as the targets topic's JSON.
     */
    public static final TargetSyntax TARGET_SYNTAX = new TargetSyntax(
            (target, settings) -> TargetSpecs.parse(target, settings, false), line -> TargetSpecs.parseLine(line, false));

    private final AggregatorApp aggregator;
    private final NotifierApp notifier;
    private final ProbeEngine engine;
    private final ScannerWorker worker;

    private Pipeline(AggregatorApp aggregator, NotifierApp notifier, ProbeEngine engine, ScannerWorker worker) {
        this.aggregator = aggregator;
        this.notifier = notifier;
        this.engine = engine;
        this.worker = worker;
    }

    /**
     * Creates the topics that are missing.
     *
     * @param replication replication factor; 0 or less means as many replicas as brokers, at most 3
     */
    public static void ensureTopics(Map<String, Object> kafka, Topics topics, int partitions, short replication) {
        try (Admin admin = Admin.create(kafka)) {
            short factor = replication > 0 ? replication : (short) Math.min(3, brokers(admin));
            TopicAdmin.ensureTopics(admin, topics, partitions, factor);
        }
    }

    /** Creates the zone's scan-request topic like scan-requests when it is missing (the default zone's always exists). */
    public static void ensureZoneTopic(Map<String, Object> kafka, Topics topics, String zone) {
        if (Zones.DEFAULT.equals(zone)) {
            return;
        }
        try (Admin admin = Admin.create(kafka)) {
            TopicAdmin.ensureTopicLike(admin, topics.scanRequests(zone).name(), topics.scanRequests().name());
        }
    }

    private static int brokers(Admin admin) {
        try {
            return Math.max(1, admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the Kafka cluster for its brokers", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the Kafka cluster did not say how many brokers it has: "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }

    /**
     * Starts aggregator, notifier and scanner worker. When one fails to start, those already started are closed.
     *
     * @param onAlert called with each alert the notifier emits
     */
    public static Pipeline start(Settings settings, Clock clock, MeterRegistry registry, Consumer<Alert> onAlert) {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            AggregatorApp aggregator = new AggregatorApp(settings.kafka(), settings.topics(), settings.aggregator(), clock,
                    TARGET_SYNTAX, registry instanceof PrometheusMeterRegistry prometheus ? prometheus : null);
            started.add(aggregator);
            aggregator.start();
            NotifierApp notifier = new NotifierApp(settings.kafka(), settings.topics(), settings.notifier(), clock, onAlert,
                    settings.delivery().channels(), settings.delivery().routes(), settings.delivery().retries(), registry);
            started.add(notifier);
            notifier.start();
            ProbeEngine engine = new ProbeEngine(settings.scanner(), clock);
            started.add(engine);
            ScannerWorker worker = new ScannerWorker(settings.kafka(), settings.topics(), engine::scan, settings.worker(),
                    registry, clock, settings.scanner().tlsLibrary().label(), dev.certsonar.cli.Main.version());
            started.add(worker);
            worker.start();
            return new Pipeline(aggregator, notifier, engine, worker);
        } catch (RuntimeException e) {
            for (AutoCloseable c : started.reversed()) {
                closeLogged(c);
            }
            throw e;
        }
    }

    public boolean isReady() {
        return aggregator.isReady() && notifier.isReady() && worker.isReady();
    }

    /**
     * False once a component stopped on its own (a fatal error): the aggregator's Streams client, the notifier's
     * Streams client or one of its deliveries, or the scanner worker.
     */
    public boolean isAlive() {
        return stopped().isEmpty();
    }

    /** The component that stopped on its own, in words, when one did. */
    public Optional<String> stopped() {
        if (!aggregator.isAlive()) {
            return Optional.of("the aggregator (Kafka Streams " + aggregator.state() + ")");
        }
        if (!notifier.isAlive()) {
            return Optional.of("the notifier" + notifier.stoppedPart().map(part -> ": " + part).orElse(""));
        }
        if (!worker.isRunning()) {
            return Optional.of("the scanner worker" + worker.failure().map(e -> ": " + e).orElse(""));
        }
        return Optional.empty();
    }

    public AggregatorApp aggregator() {
        return aggregator;
    }

    @Override
    public void close() {
        closeLogged(worker);
        closeLogged(engine);
        closeLogged(notifier);
        closeLogged(aggregator);
    }

    private static void closeLogged(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("Closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString(), e);
        }
    }
}

package dev.certsonar.cli.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.aggregator.AggregatorApp;
import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.aggregator.fleet.FleetConfig;
import dev.certsonar.cli.Main;
import dev.certsonar.cli.run.Pipeline;
import dev.certsonar.cli.run.TargetPublisher;
import dev.certsonar.sandbox.http.HttpReceiver;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pem;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two zones, each with its own local TLS servers and its own {@code certsonar scanner --zone} process, an aggregator
 * and a {@code certsonar notifier} process delivering every alert to a webhook receiver. Zone b's scanner is killed:
 * one FLEET_DOWN alert names the zone and no STALE alert fires for its services, however long past their STALE
 * threshold; it is started again: the alert resolves and the services are observed afresh. The watchdog's alert
 * arrives at its interval all along, and no more once the aggregator stops.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ZoneOutageIT {

    private static final Logger log = LoggerFactory.getLogger(ZoneOutageIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** Shorter than the STALE threshold (three intervals), with room for heartbeats read late on a busy machine. */
    private static final Duration DOWN_AFTER = Duration.ofSeconds(20);
    private static final Duration WATCHDOG = Duration.ofSeconds(3);
    private static final int PARTITIONS = 2;

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<TlsServer> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        servers.forEach(TlsServer::close);
    }

    @Test
    void aZoneWithoutScannerIsOneFleetDownAlertAndNoStaleStormAndTheWatchdogStopsWithTheAggregator(
            EmbeddedKafkaBroker broker) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        Topics topics = Topics.withPrefix("z-" + run + ".");
        Pipeline.ensureTopics(kafka, topics, PARTITIONS, (short) 1);

        CertificateAuthority root = Pki.root("Zones Root");
        IssuedCertificate leaf = root.leaf().dnsNames("*.zones.test").key(KeySpec.ec(256)).validFor(Duration.ofDays(90)).issue();
        Path ca = Pem.write(dir.resolve("ca.pem"), root.certificate());
        TlsServer serverA = start(leaf, "127.0.0.31");
        TlsServer serverB = start(leaf, "127.0.0.32");
        List<Target> targets = List.of(target("a1", serverA, Zones.DEFAULT), target("a2", serverA, Zones.DEFAULT),
                target("b1", serverB, "b"), target("b2", serverB, "b"));

        try (HttpReceiver hook = new HttpReceiver()) {
            Path config = dir.resolve("certsonar.yaml");
            Files.writeString(config, """
                    scanner: {caFiles: ["%s"]}
                    policy: {interval: %ds}
                    fleet: {heartbeatInterval: %ds, downAfter: %ds, watchdogInterval: %ds, owner: platform, labels: {tier: infra}}
                    notifier: {holdDown: {}}
                    channels:
                      - {name: hook, type: webhook, url: "%s", secret: zones}
                    routes:
                      - {channels: [hook]}
                    """.formatted(ca, INTERVAL.toSeconds(), HEARTBEAT.toSeconds(), DOWN_AFTER.toSeconds(),
                    WATCHDOG.toSeconds(), hook.url("/hook")));

            Process notifier = component(run, "notifier", config, topics, broker, "--data-dir", dir.resolve("notifier").toString());
            Process scannerA = component(run, "scanner-a", config, topics, broker, "--zone", Zones.DEFAULT);
            Process scannerB = component(run, "scanner-b", config, topics, broker, "--zone", "b");

            ExpiryPolicy policy = new ExpiryPolicy(INTERVAL, 30, 0.25, 7, 0.1);
            FleetConfig fleet = FleetConfig.DEFAULT.withHeartbeatInterval(HEARTBEAT).withDownAfter(DOWN_AFTER)
                    .withWatchdogInterval(WATCHDOG).withOwner("platform", Map.of("tier", "infra"));
            AggregatorConfig aggregatorConfig = AggregatorConfig.DEFAULT.withApplicationId("aggregator-" + run)
                    .withStateDir(dir.resolve("aggregator")).withPolicy(policy).withFleet(fleet).withHttp("127.0.0.1", 0);
            List<Observation> observations = new CopyOnWriteArrayList<>();
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread reader = Thread.ofVirtual().start(() -> read(broker.bootstrapServers(), topics, observations, reading));
            AggregatorApp aggregator = new AggregatorApp(kafka, topics, aggregatorConfig, Clock.systemUTC());
            try {
                aggregator.start();
                String api = "http://127.0.0.1:" + aggregator.httpPort();
                // targets once both scanners are up, so that their first scans come long before any STALE threshold
                await("a live scanner in each zone").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> {
                            alive(notifier, scannerA, scannerB);
                            JsonNode fleetNow = get(api + "/api/scanners");
                            assertThat(fleetNow.isArray()).as("/api/scanners answers").isTrue();
                            List<String> live = new ArrayList<>();
                            fleetNow.forEach(s -> {
                                if (s.path("live").asBoolean()) {
                                    live.add(s.path("zone").asText());
                                }
                            });
                            assertThat(live).containsExactlyInAnyOrder(Zones.DEFAULT, "b");
                        });
                TargetPublisher.publish(kafka, topics, targets);
                String metrics = text(api + "/metrics");
                assertThat(metrics).contains("certsonar_fleet_scanners_live{zone=\"b\"} 1.0")
                        .contains("certsonar_fleet_heartbeat_age_seconds{zone=\"b\"}");
                assertThat(text(api + "/fleet")).contains("<code>b-").contains("<code>default-");
                StringWriter scannersOut = new StringWriter();
                int exit = Main.commandLine().setOut(new PrintWriter(scannersOut, true)).execute("scanners", "--json",
                        "--bootstrap-server", broker.bootstrapServers(), "--topic-prefix", topics.prefix());
                assertThat(exit).as("certsonar scanners").isZero();
                assertThat(scannersOut.toString().lines().map(l -> {
                    try {
                        return JSON.readTree(l).path("zone").asText();
                    } catch (IOException e) {
                        throw new AssertionError(l, e);
                    }
                })).as("zones of certsonar scanners --json").containsExactlyInAnyOrder(Zones.DEFAULT, "b");

                await("every service observed OK, by the scanner of its zone").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                            alive(notifier, scannerA, scannerB);
                            for (String service : List.of("a1", "a2", "b1", "b2")) {
                                assertThat(get(api + "/api/services/" + service).path("status").asText()).as(service).isEqualTo("OK");
                            }
                        });
                assertThat(observations).allSatisfy(o -> {
                    String zone = o.getService().startsWith("b") ? "b" : Zones.DEFAULT;
                    assertThat(o.getZone()).as("zone of the scanner that observed %s", o.getService()).isEqualTo(zone);
                    assertThat(o.getScannerId()).as("scanner that observed %s", o.getService()).startsWith(zone + "-");
                });
                assertThat(get(api + "/api/services/b1").path("endpoints").get(0).path("scannerId").asText()).startsWith("b-");

                scannerB.destroyForcibly();
                scannerB.waitFor(30, TimeUnit.SECONDS);
                Instant killed = Instant.now();
                Instant lastOfB = observations.stream().filter(o -> o.getService().startsWith("b"))
                        .map(Observation::getObservedAt).max(Instant::compareTo).orElseThrow();
                log.info("Killed zone b's scanner; its last observation was at {}", lastOfB);

                await("one FLEET_DOWN alert names zone b").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> !alerts(hook, "zone:b", "FLEET_DOWN", "FIRING").isEmpty());
                JsonNode b1 = get(api + "/api/services/b1");
                assertThat(b1.path("problems").toString()).contains("zone b has no scanner");
                assertThat(b1.path("endpoints").get(0).path("held").asText()).isEqualTo("zone b has no scanner");

                // past the STALE threshold of zone b's endpoints (three scan intervals after their last observation)
                Instant pastStale = lastOfB.plus(INTERVAL.multipliedBy(3)).plus(INTERVAL);
                await("zone b's endpoints past their STALE threshold").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofSeconds(1)).until(() -> Instant.now().isAfter(pastStale));
                await("a punctuation after it").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofSeconds(3)).until(() -> true);
                assertThat(alerts(hook, "zone:b", "FLEET_DOWN", "FIRING")).as("FLEET_DOWN alerts of zone b").hasSize(1);
                assertThat(alerts(hook, null, "STALE", "FIRING")).as("STALE alerts of zone b's services")
                        .noneMatch(a -> a.path("service").asText().startsWith("b"));
                assertThat(get(api + "/api/services/b1").path("conditions").toString()).doesNotContain("STALE");
                assertThat(get(api + "/api/services/a1").path("status").asText()).as("zone default goes on").isEqualTo("OK");

                Process restarted = component(run, "scanner-b2", config, topics, broker, "--zone", "b");
                Instant restartedAt = Instant.now();
                await("the FLEET_DOWN alert resolves").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> !alerts(hook, "zone:b", "FLEET_DOWN", "RESOLVED").isEmpty());
                await("zone b's services observed afresh").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> {
                            alive(restarted);
                            for (String service : List.of("b1", "b2")) {
                                JsonNode s = get(api + "/api/services/" + service);
                                assertThat(s.path("status").asText()).as(service).isEqualTo("OK");
                                JsonNode endpoint = s.path("endpoints").get(0);
                                assertThat(Instant.parse(endpoint.path("lastObservedAt").asText())).as(service).isAfter(restartedAt);
                                assertThat(endpoint.path("held").isNull()).as("%s held", service).isTrue();
                            }
                        });
                assertThat(alerts(hook, null, "STALE", "FIRING")).as("STALE alerts of zone b's services")
                        .noneMatch(a -> a.path("service").asText().startsWith("b"));
                log.info("Zone b down for {} s without a STALE alert", Duration.between(killed, restartedAt).toSeconds());

                List<Instant> beats = watchdogTimes(hook);
                assertThat(beats).as("watchdog repeats").hasSizeGreaterThanOrEqualTo(5);
                for (int i = 1; i < beats.size(); i++) {
                    assertThat(Duration.between(beats.get(i - 1), beats.get(i))).as("between watchdog repeats")
                            .isGreaterThanOrEqualTo(WATCHDOG);
                }
            } finally {
                aggregator.close();
            }
            int afterStop = watchdogTimes(hook).size();
            Instant stopped = Instant.now();
            await("three watchdog intervals after the aggregator stopped").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).until(() -> Instant.now().isAfter(stopped.plus(WATCHDOG.multipliedBy(3))));
            assertThat(watchdogTimes(hook).size()).as("watchdog deliveries after the aggregator stopped")
                    .isLessThanOrEqualTo(afterStop + 1);
            reading.set(false);
            reader.join(Duration.ofSeconds(10));
        }
    }

    private TlsServer start(IssuedCertificate leaf, String address) throws IOException {
        TlsServer server = TlsServer.builder().bind(InetAddress.getByName(address)).port(0)
                .chain(leaf.privateKey(), leaf.chain()).start();
        servers.add(server);
        return server;
    }

    private static Target target(String service, TlsServer server, String zone) {
        String host = server.address().getHostAddress();
        String sni = service + ".zones.test";
        return Target.newBuilder().setId("tls://" + host + ":" + server.port() + "#" + sni).setService(service).setOwner("team-web")
                .setHost(host).setPorts(List.of(server.port())).setSni(sni).setProtocol(Protocol.TLS).setZone(zone).build();
    }

    /** {@code certsonar COMMAND} in a process of its own, the command being the part of {@code name} before a dash. */
    private Process component(String run, String name, Path config, Topics topics, EmbeddedKafkaBroker broker, String... more)
            throws IOException {
        String command = name.contains("-") ? name.substring(0, name.indexOf('-')) : name;
        List<String> args = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), command,
                "--config", config.toString(), "--bootstrap-server", broker.bootstrapServers(),
                "--topic-prefix", topics.prefix(), "--http-port", "0", "--partitions", String.valueOf(PARTITIONS)));
        if (command.equals("scanner")) {
            args.addAll(List.of("--group-id", "scanners-" + run));
        } else {
            args.addAll(List.of("--application-id", "notifier-" + run));
        }
        args.addAll(List.of(more));
        ProcessBuilder builder = new ProcessBuilder(args);
        builder.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("CERTSONAR_"));
        // a killed scanner leaves its group within 6 s, so the one started after it gets the partitions soon
        builder.environment().put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        builder.environment().put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        builder.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private void alive(Process... ps) throws IOException {
        for (Process p : ps) {
            if (!p.isAlive()) {
                String which = p.info().arguments().map(a -> String.join(" ", a)).orElse("a process");
                throw new AssertionError("exited with " + p.exitValue() + ": " + which);
            }
        }
    }

    private String text(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode().put("httpStatus", r.statusCode());
    }

    /** Alerts delivered to the webhook, first events only (no reminders), of a service (any when null), condition and state. */
    private static List<JsonNode> alerts(HttpReceiver hook, String service, String condition, String state) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (HttpReceiver.Request r : hook.requests.snapshot()) {
            for (JsonNode a : JSON.readTree(r.body()).path("alerts")) {
                if ((service == null || service.equals(a.path("service").asText())) && condition.equals(a.path("condition").asText())
                        && state.equals(a.path("state").asText()) && !a.path("reminder").asBoolean()) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** When each watchdog event delivered was made, in order. */
    private static List<Instant> watchdogTimes(HttpReceiver hook) throws IOException {
        List<Instant> out = new ArrayList<>();
        for (HttpReceiver.Request r : hook.requests.snapshot()) {
            for (JsonNode a : JSON.readTree(r.body()).path("alerts")) {
                if (a.path("condition").asText().equals("WATCHDOG") && a.path("state").asText().equals("FIRING")) {
                    out.add(Instant.parse(a.path("at").asText()));
                }
            }
        }
        return out.stream().distinct().sorted().toList();
    }

    private static void read(String bootstrap, Topics topics, List<Observation> into, AtomicBoolean reading) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "zones-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        String topic = topics.observations().name();
        var deserializer = topics.observations().valueSerde().deserializer();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (reading.get()) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> into.add(deserializer.deserialize(topic, r.value())));
            }
        }
    }
}

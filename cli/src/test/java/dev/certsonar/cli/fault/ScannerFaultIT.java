package dev.certsonar.cli.fault;

import dev.certsonar.cli.LocalHttp;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three {@code certsonar scanner} processes share 5000 scan requests of real local TLS endpoints; one is killed with
 * SIGKILL when about half of the observations have arrived. Every request still ends in at least one observation: the
 * killed worker committed only what the broker had acknowledged, and the survivors take over its partitions.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ScannerFaultIT {

    private static final Logger log = LoggerFactory.getLogger(ScannerFaultIT.class);

    private static final int REQUESTS = 5000;
    private static final int PARTITIONS = 6;
    private static final int SERVERS = 10;
    private static final int WORKERS = 3;
    private static final Pattern HTTP_PORT = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)");

    private final List<TlsServer> servers = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private final LocalHttp http = new LocalHttp(Duration.ofSeconds(5));

    private record Worker(Process process, Path output) {
        Optional<Integer> httpPort() {
            try {
                Matcher m = HTTP_PORT.matcher(Files.readString(output));
                return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    @AfterEach
    void stop() {
        workers.forEach(w -> w.process().destroyForcibly());
        servers.forEach(TlsServer::close);
    }

    @Test
    void everyRequestEndsInAnObservationWhenOneOfThreeWorkersIsKilled(EmbeddedKafkaBroker broker, @TempDir Path dir)
            throws Exception {
        String bootstrap = broker.bootstrapServers();
        Topics topics = Topics.withPrefix("t-" + UUID.randomUUID() + ".");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TopicAdmin.ensureTopics(admin, topics, PARTITIONS, (short) 1);
        }

        // EC keys: a handshake costs the servers (which share this JVM with the broker) a tenth of an RSA one
        IssuedCertificate leaf = Pki.root("Fault Root").leaf().dnsNames("*.fault.test").key(KeySpec.ec(256))
                .validFor(Duration.ofDays(90)).issue();
        for (int i = 0; i < SERVERS; i++) {
            servers.add(TlsServer.builder().bind(InetAddress.getByName("127.0.0." + (10 + i))).port(0)
                    .chain(leaf.privateKey(), leaf.chain()).start());
        }

        String group = "scanners-" + UUID.randomUUID();
        for (int i = 0; i < WORKERS; i++) {
            workers.add(startWorker(i, bootstrap, topics, group, dir));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> workers.stream().allMatch(w -> ready(w)));

        // observations, read all the time into the set of scan ids seen
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicLong observations = new AtomicLong();
        AtomicLong notOk = new AtomicLong();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = Thread.ofVirtual().start(() -> read(bootstrap, topics, seen, observations, notOk, reading));

        Set<String> requested = produceRequests(bootstrap, topics);
        long start = System.nanoTime();

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> seen.size() >= REQUESTS * 2 / 5);
        Worker victim = busiest();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> seen.size() >= REQUESTS / 2);
        victim.process().destroyForcibly();
        victim.process().waitFor();
        log.info("Killed a scanner worker after {} of {} requests were observed ({} s)", seen.size(), REQUESTS,
                (System.nanoTime() - start) / 1_000_000_000);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(seen).hasSize(REQUESTS));
        reading.set(false);
        reader.join(Duration.ofSeconds(10));
        log.info("Every request observed after {} s; {} observations for {} requests ({} not OK)",
                (System.nanoTime() - start) / 1_000_000_000, observations.get(), REQUESTS, notOk.get());

        assertThat(seen).containsExactlyInAnyOrderElementsOf(requested);
        // every endpoint is a reachable TLS server; on a loaded machine a few handshakes may still time out
        assertThat(notOk.get()).as("observations other than OK").isLessThan(observations.get() / 10);
        for (Worker w : workers) {
            if (w != victim) {
                assertThat(w.process().isAlive()).as("survivor still running").isTrue();
                String metrics = scrape(w).orElseThrow();
                assertThat(metrics).contains("certsonar_scanner_probes_total{component=\"scanner\",outcome=\"OK\"}")
                        .contains("certsonar_scanner_probe_duration_seconds_bucket")
                        .contains("certsonar_scanner_in_flight")
                        .contains("certsonar_scanner_chain_reuses_total")
                        .contains("kafka_consumer_fetch_manager_records_lag_max");
            }
        }
    }

    private Worker startWorker(int index, String bootstrap, Topics topics, String group, Path dir) throws IOException {
        Path output = dir.resolve("worker-" + index + ".log");
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"),
                "dev.certsonar.cli.Main", "scanner",
                "--bootstrap-server", bootstrap,
                "--topic-prefix", topics.prefix(),
                "--group-id", group,
                "--http-port", "0",
                "--partitions", String.valueOf(PARTITIONS),
                "--concurrency", "256");
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("CERTSONAR_"));
        // a killed member is noticed within 6 s instead of the default 45 s
        pb.environment().put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        pb.environment().put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        return new Worker(pb.start(), output);
    }

    private boolean ready(Worker w) {
        if (!w.process().isAlive()) {
            throw new AssertionError("a scanner worker exited with " + w.process().exitValue() + ": " + tail(w.output()));
        }
        return w.httpPort().map(port -> http.get(port, "/readyz").map(r -> r.statusCode() == 200).orElse(false)).orElse(false);
    }

    private Optional<String> scrape(Worker w) {
        return w.httpPort().flatMap(port -> http.get(port, "/metrics")).filter(r -> r.statusCode() == 200).map(HttpResponse::body);
    }


    /** The worker that has probed the most requests so far (at least one): killing it loses the most in-flight work. */
    private Worker busiest() {
        Pattern probed = Pattern.compile("certsonar_scanner_requests_total\\{[^}]*result=\"probed\"[^}]*} ([0-9.E]+)");
        Map<Worker, Double> counts = new HashMap<>();
        for (Worker w : workers) {
            counts.put(w, scrape(w).map(text -> {
                Matcher m = probed.matcher(text);
                return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
            }).orElse(0.0));
        }
        Worker busiest = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertThat(counts.get(busiest)).as("requests probed by the worker to be killed").isPositive();
        log.info("Requests probed per worker: {}", counts.values());
        return busiest;
    }

    private Set<String> produceRequests(String bootstrap, Topics topics) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        Set<String> scanIds = ConcurrentHashMap.newKeySet();
        String topic = topics.scanRequests().name();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < REQUESTS; i++) {
                TlsServer server = servers.get(i % SERVERS);
                String host = server.address().getHostAddress();
                String sni = "n" + i + ".fault.test";
                Target target = Target.newBuilder().setId("tls://" + host + ":" + server.port() + "#" + sni)
                        .setService("svc-" + i).setHost(host).setPorts(List.of(server.port())).setSni(sni)
                        .setProtocol(Protocol.TLS).build();
                String scanId = "fault-" + i;
                ScanRequest request = ScanRequest.newBuilder().setScanId(scanId).setTarget(target)
                        .setRequestedAt(Instant.now()).build();
                scanIds.add(scanId);
                // every partition gets its share, whatever the hashes of the few hosts
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, host.getBytes(StandardCharsets.UTF_8),
                        topics.scanRequests().valueSerde().serializer().serialize(topic, request)));
            }
            producer.flush();
        }
        return scanIds;
    }

    private static void read(String bootstrap, Topics topics, Set<String> seen, AtomicLong observations, AtomicLong notOk,
                             AtomicBoolean reading) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "fault-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        String topic = topics.observations().name();
        var deserializer = topics.observations().valueSerde().deserializer();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (reading.get()) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    Observation o = deserializer.deserialize(topic, r.value());
                    observations.incrementAndGet();
                    if (o.getOutcome() != Outcome.OK) {
                        notOk.incrementAndGet();
                        if (notOk.get() <= 5) {
                            log.warn("Observation not OK: {} {}", o.getOutcome(), o.getError());
                        }
                    }
                    seen.add(o.getScanId());
                });
            }
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}

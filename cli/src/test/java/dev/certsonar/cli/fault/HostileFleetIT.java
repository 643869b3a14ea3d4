package dev.certsonar.cli.fault;

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
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hostile endpoints among good ones, one scan interval's requests at once, for a {@code certsonar scanner} process on a
 * real broker: silent endpoints (accept, never speak), dripping ones (answer the ClientHello with a TLS record one
 * byte a second) and garbage ones (answer random bytes). Every good endpoint is observed within the interval (OK, or on a
 * saturated machine TIMEOUT: the good servers share this JVM's cores; the count of each is logged), every hostile one
 * ends in an observation too (silent and dripping ones in TIMEOUT, none OK), and the scanner's heap right
 * after a full GC (jcmd GC.run, then GC.heap_info, sampled all along) stays under 512 MiB. In the suite: 500 good,
 * 100 silent, 100 dripping, 50 garbage; {@code bench/hostile} runs 5,000, 1,000, 1,000 and 500 through the properties
 * {@code certsonar.fault.good}, {@code .silent}, {@code .dripping}, {@code .garbage} and {@code .interval}.
 *
 * <p>The endpoints of one kind share a few loopback addresses; the scanner's per-address limits are opened
 * ({@code --per-address-concurrency 1024 --per-address-spacing 0s}) so they do not stand for a fleet of distinct hosts.
 */
@ExtendWith(KafkaBrokerExtension.class)
class HostileFleetIT {

    private static final Logger log = LoggerFactory.getLogger(HostileFleetIT.class);

    private static final int GOOD = Integer.getInteger("certsonar.fault.good", 500);
    private static final int SILENT = Integer.getInteger("certsonar.fault.silent", 100);
    private static final int DRIPPING = Integer.getInteger("certsonar.fault.dripping", 100);
    private static final int GARBAGE = Integer.getInteger("certsonar.fault.garbage", 50);
    private static final Duration INTERVAL = Duration.ofSeconds(Long.getLong("certsonar.fault.interval", 90));
    /** The scanner's default deadline of one probe. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final long HEAP_LIMIT = 512L << 20;
    private static final int PARTITIONS = 6;
    /** Servers (each its own loopback address) per kind. */
    private static final int SERVERS_PER_KIND = 8;
    private static final Pattern HTTP_PORT = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    enum Kind { GOOD, SILENT, DRIPPING, GARBAGE }

    private final List<TlsServer> tlsServers = new ArrayList<>();
    private final List<ServerSocket> hostileServers = new ArrayList<>();
    private final ConcurrentLinkedQueue<Socket> held = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService dripper = Executors.newScheduledThreadPool(2);
    private Process scanner;

    @AfterEach
    void stop() throws IOException {
        if (scanner != null) {
            scanner.destroyForcibly();
        }
        dripper.shutdownNow();
        tlsServers.forEach(TlsServer::close);
        for (ServerSocket s : hostileServers) {
            s.close();
        }
        for (Socket s : held) {
            s.close();
        }
    }

    @Test
    void goodEndpointsAreAllObservedWithinOneIntervalAmongHostileOnesAndTheHeapStaysSmall(EmbeddedKafkaBroker broker,
                                                                                       @TempDir Path dir) throws Exception {
        int hostile = SILENT + DRIPPING + GARBAGE;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long free = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount();
            assumeTrue(free > 2L * hostile + 2000, () -> "this test holds " + hostile + " connections open; only "
                    + free + " file descriptors are left (ulimit -n)");
        }
        String bootstrap = broker.bootstrapServers();
        Topics topics = Topics.withPrefix("t-" + UUID.randomUUID() + ".");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TopicAdmin.ensureTopics(admin, topics, PARTITIONS, (short) 1);
        }

        Map<Kind, List<InetAddress>> addresses = new EnumMap<>(Kind.class);
        Map<Kind, List<Integer>> ports = new EnumMap<>(Kind.class);
        IssuedCertificate leaf = Pki.root("Hostile Fleet Root").leaf().dnsNames("*.fleet.test").key(KeySpec.ec(256))
                .validFor(Duration.ofDays(90)).issue();
        for (Kind kind : Kind.values()) {
            addresses.put(kind, new ArrayList<>());
            ports.put(kind, new ArrayList<>());
            for (int i = 0; i < SERVERS_PER_KIND; i++) {
                InetAddress address = InetAddress.getByName("127.0." + (20 + kind.ordinal()) + "." + (i + 1));
                int port = switch (kind) {
                    case GOOD -> {
                        TlsServer server = TlsServer.builder().bind(address).port(0).backlog(1024)
                                .chain(leaf.privateKey(), leaf.chain()).start();
                        tlsServers.add(server);
                        yield server.port();
                    }
                    case SILENT -> hostile(address, s -> s.getInputStream().readAllBytes());
                    case DRIPPING -> hostile(address, this::drip);
                    case GARBAGE -> hostile(address, HostileFleetIT::garbage);
                };
                addresses.get(kind).add(address);
                ports.get(kind).add(port);
            }
        }

        Path config = dir.resolve("certsonar.yaml");
        Files.writeString(config, "scanner: {timeout: " + PROBE_TIMEOUT.toSeconds() + "s}\n");
        Path output = dir.resolve("scanner.log");
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"),
                "dev.certsonar.cli.Main", "scanner",
                "--config", config.toString(),
                "--bootstrap-server", bootstrap,
                "--topic-prefix", topics.prefix(),
                "--group-id", "scanners-" + UUID.randomUUID(),
                "--http-port", "0",
                "--partitions", String.valueOf(PARTITIONS),
                "--per-address-concurrency", "1024",
                "--per-address-spacing", "0s");
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("CERTSONAR_"));
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        scanner = pb.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        await("the scanner is ready: it has its partitions").atMost(Duration.ofSeconds(90)).until(() -> {
            if (!scanner.isAlive()) {
                throw new AssertionError("the scanner exited with " + scanner.exitValue() + ": " + Files.readString(output));
            }
            Matcher port = HTTP_PORT.matcher(Files.readString(output));
            return port.find() && readyz(http, Integer.parseInt(port.group(1)));
        });

        Map<String, Outcome> observed = new ConcurrentHashMap<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = Thread.ofVirtual().start(() -> read(bootstrap, topics, observed, reading));
        // the heap after a full GC, sampled from the start of the interval to its end
        AtomicLong heapMax = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (reading.get()) {
                heapAfterGc(scanner.pid()).ifPresent(used -> {
                    heapMax.accumulateAndGet(used, Math::max);
                    samples.incrementAndGet();
                });
            }
        });

        Map<String, Kind> kinds = new HashMap<>();
        int[] counts = {GOOD, SILENT, DRIPPING, GARBAGE};
        long t0 = System.nanoTime();
        Instant start = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            int n = 0;
            for (Kind kind : Kind.values()) {
                for (int i = 0; i < counts[kind.ordinal()]; i++, n++) {
                    InetAddress address = addresses.get(kind).get(i % SERVERS_PER_KIND);
                    int port = ports.get(kind).get(i % SERVERS_PER_KIND);
                    String host = address.getHostAddress();
                    String sni = kind.name().toLowerCase() + i + ".fleet.test";
                    String scanId = kind.name().toLowerCase() + "-" + i;
                    Target target = Target.newBuilder().setId("tls://" + host + ":" + port + "#" + sni)
                            .setService(sni).setHost(host).setPorts(List.of(port)).setSni(sni).setProtocol(Protocol.TLS).build();
                    ScanRequest request = ScanRequest.newBuilder().setScanId(scanId).setTarget(target)
                            .setRequestedAt(start).build();
                    kinds.put(scanId, kind);
                    String topic = topics.scanRequests().name();
                    producer.send(new ProducerRecord<>(topic, n % PARTITIONS, host.getBytes(StandardCharsets.UTF_8),
                            topics.scanRequests().valueSerde().serializer().serialize(topic, request)));
                }
            }
            producer.flush();
        }

        try {
            await("every good endpoint observed within one interval").atMost(INTERVAL)
                    .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(kinds.entrySet().stream()
                            .filter(e -> e.getValue() == Kind.GOOD && !observed.containsKey(e.getKey())).count())
                            .as("good endpoints not observed yet").isZero());
            long goodSeconds = (System.nanoTime() - t0) / 1_000_000_000;
            await("every hostile endpoint ends in an observation too").atMost(INTERVAL)
                    .pollInterval(Duration.ofMillis(200)).until(() -> observed.keySet().containsAll(kinds.keySet()));
            long allSeconds = (System.nanoTime() - t0) / 1_000_000_000;
            reading.set(false);
            sampler.join(Duration.ofSeconds(30));
            reader.join(Duration.ofSeconds(10));

            Map<Kind, Map<Outcome, Long>> outcomes = new EnumMap<>(Kind.class);
            kinds.forEach((id, kind) -> outcomes.computeIfAbsent(kind, k -> new EnumMap<>(Outcome.class))
                    .merge(observed.get(id), 1L, Long::sum));
            log.info("Hostile fleet: {} good, {} silent, {} dripping, {} garbage; every good endpoint observed in {} s, "
                            + "every endpoint in {} s (interval {} s); scanner heap after GC at most {} MiB in {} samples; "
                            + "outcomes {}", GOOD, SILENT, DRIPPING, GARBAGE, goodSeconds, allSeconds, INTERVAL.toSeconds(),
                    heapMax.get() >> 20, samples.get(), outcomes);

            assertThat(scanner.isAlive()).as("the scanner still runs").isTrue();
            assertThat(samples.get()).as("heap samples").isPositive();
            assertThat(heapMax.get()).as("the scanner's heap after GC, at most").isLessThan(HEAP_LIMIT);
            // the good servers share this JVM's cores with the broker and the scanner: on a saturated machine some of
            // their handshakes outlast the deadline, which is no fault of the hostile endpoints; anything else is
            assertThat(outcomes.get(Kind.GOOD).keySet()).as("outcomes of good endpoints").contains(Outcome.OK)
                    .isSubsetOf(Outcome.OK, Outcome.TIMEOUT);
            assertThat(outcomes.get(Kind.SILENT)).as("silent endpoints").containsOnlyKeys(Outcome.TIMEOUT);
            assertThat(outcomes.get(Kind.DRIPPING)).as("dripping endpoints").containsOnlyKeys(Outcome.TIMEOUT);
            assertThat(outcomes.get(Kind.GARBAGE)).as("garbage endpoints").doesNotContainKey(Outcome.OK);
        } finally {
            reading.set(false);
        }
    }

    private static boolean readyz(HttpClient http, int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A loopback server that runs the handler for each connection on a virtual thread and holds the socket. */
    private int hostile(InetAddress address, Handler handler) throws IOException {
        ServerSocket server = new ServerSocket(0, 1024, address);
        hostileServers.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    held.add(s);
                    Thread.ofVirtual().start(() -> {
                        try {
                            handler.handle(s);
                        } catch (IOException e) {
                            // the scanner hung up: what it observed is what is tested
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server.getLocalPort();
    }

    @FunctionalInterface
    private interface Handler {
        void handle(Socket s) throws IOException;
    }

    /** Reads the ClientHello, then sends a TLS handshake record header and body one byte a second. */
    private void drip(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        if (in.read(new byte[4096]) < 0) {
            return;
        }
        byte[] record = new byte[5 + 200];
        record[0] = 0x16;
        record[1] = 0x03;
        record[2] = 0x03;
        record[4] = (byte) 200;
        OutputStream out = s.getOutputStream();
        int[] next = {0};
        dripper.scheduleAtFixedRate(() -> {
            try {
                if (next[0] < record.length) {
                    out.write(record[next[0]++]);
                    out.flush();
                } else {
                    s.close();
                }
            } catch (IOException e) {
                throw new IllegalStateException("the scanner hung up", e);
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    /** Reads the ClientHello, answers 4 KiB of random bytes, then waits for the scanner to hang up. */
    private static void garbage(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        if (in.read(new byte[4096]) < 0) {
            return;
        }
        byte[] noise = new byte[4096];
        new Random(s.getPort()).nextBytes(noise);
        noise[0] = (byte) 0x9c;
        s.getOutputStream().write(noise);
        in.readAllBytes();
    }

    /** The used heap of the process right after a full GC, through jcmd; empty when jcmd did not answer. */
    private static java.util.Optional<Long> heapAfterGc(long pid) {
        try {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            run(jcmd, String.valueOf(pid), "GC.run");
            Matcher m = HEAP_USED.matcher(run(jcmd, String.valueOf(pid), "GC.heap_info"));
            return m.find() ? java.util.Optional.of(Long.parseLong(m.group(1)) << 10) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void read(String bootstrap, Topics topics, Map<String, Outcome> observed, AtomicBoolean reading) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "fleet-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        String topic = topics.observations().name();
        var deserializer = topics.observations().valueSerde().deserializer();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (reading.get()) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    Observation o = deserializer.deserialize(topic, r.value());
                    observed.put(o.getScanId(), o.getOutcome());
                });
            }
        }
    }
}

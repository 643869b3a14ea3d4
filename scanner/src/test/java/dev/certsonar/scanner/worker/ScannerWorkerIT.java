package dev.certsonar.scanner.worker;

import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.probe.ProbeEngine;
import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.ScannerHeartbeat;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(KafkaBrokerExtension.class)
class ScannerWorkerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private EmbeddedKafkaBroker broker;
    private Topics topics;
    private Map<String, Object> kafka;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void topics(EmbeddedKafkaBroker broker) throws Exception {
        this.broker = broker;
        topics = Topics.withPrefix("t-" + UUID.randomUUID() + ".");
        kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        admin = Admin.create(kafka);
        TopicAdmin.ensureTopics(admin, topics, 3, (short) 1);
        producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        producer.close();
        admin.close();
    }

    @Test
    void requestsInObservationsOutAndOffsetsCommitted() throws Exception {
        int port = refusedPort();
        String group = "g-" + UUID.randomUUID();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ScannerWorker worker = worker(engineScanner(), WorkerConfig.DEFAULT.withGroupId(group), registry);

        List<String> scanIds = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String scanId = "scan-" + i;
            scanIds.add(scanId);
            send(request(scanId, target("svc-" + (i % 4), "127.0.0." + (1 + i % 3), port), null));
        }

        List<ConsumerRecord<byte[], byte[]>> observations = readUntil(topics.observations().name(), 12);
        Map<String, Observation> byScan = observations.stream()
                .map(r -> topics.observations().valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .collect(Collectors.toMap(Observation::getScanId, Function.identity(), (a, b) -> a));
        assertThat(byScan.keySet()).containsExactlyInAnyOrderElementsOf(scanIds);
        assertThat(observations).allSatisfy(r -> {
            Observation o = topics.observations().valueSerde().deserializer().deserialize(r.topic(), r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).as("keyed by service").isEqualTo(o.getService());
        });

        await().atMost(WAIT).untilAsserted(() -> assertThat(committed(group)).isEqualTo(endOffsets(topics.scanRequests().name())));
        assertThat(registry.get(WorkerMetrics.REQUESTS).tag("result", "probed").counter().count()).isEqualTo(12);
        assertThat(registry.get(WorkerMetrics.PROBES).tag("outcome", "REFUSED").counter().count()).isEqualTo(12);
        assertThat(worker.isReady()).isTrue();
    }

    @Test
    void metricsShowProbesInFlightOutcomesLatencyAndConsumerLag() throws Exception {
        IssuedCertificate leaf = Pki.root("Metrics Root").leaf().dnsNames("*.metrics.test").validFor(Duration.ofDays(30)).issue();
        TlsServer server = TlsServer.builder().chain(leaf.privateKey(), leaf.chain()).start();
        closeables.add(server);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        worker(engineScanner(), WorkerConfig.DEFAULT.withGroupId("g-" + UUID.randomUUID()), registry);
        int refused = refusedPort();
        for (int i = 0; i < 10; i++) {
            Target t = target("svc-" + i, "127.0.0.1", server.port());
            t.setSni("n" + i + ".metrics.test");
            send(request("metrics-" + i, t, null));
        }
        send(request("metrics-refused", target("svc-refused", "127.0.0.1", refused), null));
        readUntil(topics.observations().name(), 11);

        await().atMost(WAIT).untilAsserted(() -> {
            String scrape = registry.scrape();
            assertThat(scrape)
                    .contains("certsonar_scanner_probes_total{outcome=\"OK\"} 10.0")
                    .contains("certsonar_scanner_probes_total{outcome=\"REFUSED\"} 1.0")
                    .contains("certsonar_scanner_requests_total{result=\"probed\"} 11.0")
                    .contains("certsonar_scanner_in_flight ")
                    .contains("certsonar_scanner_probe_duration_seconds_bucket{le=")
                    .contains("certsonar_scanner_probe_duration_seconds_count 11")
                    .contains("certsonar_scanner_scan_duration_seconds_bucket{le=")
                    .contains("kafka_consumer_fetch_manager_records_lag_max")
                    .contains("kafka_producer_record_send_total");
        });
    }

    @Test
    void aRefusedPortGivesAnObservationWithOutcomeRefused() throws Exception {
        int port = refusedPort();
        worker(engineScanner(), WorkerConfig.DEFAULT.withGroupId("g-" + UUID.randomUUID()), new SimpleMeterRegistry());

        send(request("refused-1", target("closed-door", "127.0.0.1", port), null));

        Observation o = observationsOf(readUntil(topics.observations().name(), 1)).getFirst();
        assertThat(o.getScanId()).isEqualTo("refused-1");
        assertThat(o.getService()).isEqualTo("closed-door");
        assertThat(o.getOutcome()).isEqualTo(Outcome.REFUSED);
        assertThat(o.getEndpoint()).isEqualTo(new Endpoint("127.0.0.1", port, null));
        assertThat(o.getError()).isNotBlank();
    }

    @Test
    void anUnreadableRequestGoesToTheDeadLettersAndTheNextIsStillProcessed() throws Exception {
        int port = refusedPort();
        String group = "g-" + UUID.randomUUID();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        worker(engineScanner(), WorkerConfig.DEFAULT.withGroupId(group), registry);

        byte[] garbage = "not a scan request".getBytes(StandardCharsets.UTF_8);
        byte[] key = "127.0.0.1".getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topics.scanRequests().name(), 0, key, garbage)).get();
        producer.send(new ProducerRecord<>(topics.scanRequests().name(), 0, key,
                serialize(request("after-garbage", target("still-here", "127.0.0.1", port), null)))).get();

        ConsumerRecord<byte[], byte[]> dead = readUntil(topics.deadLetters().name(), 1).getFirst();
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(dead.key()).isEqualTo(key);
        Map<String, String> headers = new HashMap<>();
        for (Header h : dead.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers).containsEntry(DeadLetters.SOURCE_TOPIC, topics.scanRequests().name())
                .containsEntry(DeadLetters.SOURCE_OFFSET, "0")
                .containsEntry(DeadLetters.COMPONENT, "scanner")
                .containsKey(DeadLetters.ERROR);

        Observation o = observationsOf(readUntil(topics.observations().name(), 1)).getFirst();
        assertThat(o.getScanId()).isEqualTo("after-garbage");
        await().atMost(WAIT).untilAsserted(() -> assertThat(committed(group))
                .containsEntry(new TopicPartition(topics.scanRequests().name(), 0), 2L));
        assertThat(registry.get(WorkerMetrics.REQUESTS).tag("result", "dead_lettered").counter().count()).isEqualTo(1);
    }

    @Test
    void inFlightWorkIsBoundedAndEveryRequestEndsInAnObservation() throws Exception {
        int limit = 3;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        TargetScanner slow = (target, scanId) -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.await(30, TimeUnit.SECONDS);
                return List.of(observation(target, scanId));
            } finally {
                running.decrementAndGet();
            }
        };
        String group = "g-" + UUID.randomUUID();
        ScannerWorker worker = worker(slow, WorkerConfig.DEFAULT.withGroupId(group).withMaxInFlight(limit), new SimpleMeterRegistry());
        for (int i = 0; i < 20; i++) {
            send(request("bounded-" + i, target("svc", "10.0.0." + i, 443), null));
        }

        await().atMost(WAIT).until(() -> worker.inFlight() == limit);
        assertThat(committed(group).values().stream().mapToLong(Long::longValue).sum())
                .as("nothing committed while every request is unfinished").isZero();
        release.countDown();

        assertThat(observationsOf(readUntil(topics.observations().name(), 20))).extracting(Observation::getScanId)
                .hasSize(20).doesNotHaveDuplicates();
        assertThat(peak.get()).isEqualTo(limit);
        await().atMost(WAIT).untilAsserted(() -> assertThat(committed(group)).isEqualTo(endOffsets(topics.scanRequests().name())));
    }

    @Test
    void aSecondWorkerJoiningMidwayLosesNoRequest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        TargetScanner gated = (target, scanId) -> {
            started.incrementAndGet();
            release.await(30, TimeUnit.SECONDS);
            return List.of(observation(target, scanId));
        };
        String group = "g-" + UUID.randomUUID();
        WorkerConfig config = WorkerConfig.DEFAULT.withGroupId(group).withMaxInFlight(8);
        ScannerWorker first = worker(gated, config, new SimpleMeterRegistry());
        List<String> scanIds = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            scanIds.add("shared-" + i);
            send(request("shared-" + i, target("svc-" + i, "10.0.1." + i, 443), null));
        }
        await().atMost(WAIT).until(() -> first.inFlight() == 8);

        ScannerWorker second = worker(gated, config, new SimpleMeterRegistry());
        await().atMost(WAIT).until(second::isReady);
        release.countDown();

        assertThat(observationsOf(readUntil(topics.observations().name(), 30))).extracting(Observation::getScanId)
                .containsAll(scanIds);
        await().atMost(WAIT).untilAsserted(() -> assertThat(committed(group)).isEqualTo(endOffsets(topics.scanRequests().name())));
    }

    @Test
    void aRequestPastItsDeadlineIsDroppedUnprobed() throws Exception {
        int port = refusedPort();
        String group = "g-" + UUID.randomUUID();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        worker(engineScanner(), WorkerConfig.DEFAULT.withGroupId(group), registry);

        send(request("too-late", target("late", "127.0.0.1", port), Instant.now().minusSeconds(60)));
        send(request("in-time", target("late", "127.0.0.1", port), Instant.now().plusSeconds(600)));

        assertThat(observationsOf(readUntil(topics.observations().name(), 1))).extracting(Observation::getScanId)
                .containsExactly("in-time");
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(registry.get(WorkerMetrics.REQUESTS).tag("result", "expired").counter().count()).isEqualTo(1));
    }

    @Test
    void closeStopsWithinItsBoundWhileScansAreStuck() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        TargetScanner stuck = (target, scanId) -> {
            never.await();
            return List.of();
        };
        String group = "g-" + UUID.randomUUID();
        ScannerWorker worker = new ScannerWorker(kafka, topics, stuck,
                WorkerConfig.DEFAULT.withGroupId(group).withShutdownTimeout(Duration.ofSeconds(1)),
                new SimpleMeterRegistry(), Clock.systemUTC()).start();
        send(request("stuck", target("svc", "10.0.0.1", 443), null));
        await().atMost(WAIT).until(() -> worker.inFlight() == 1);

        long start = System.nanoTime();
        worker.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(worker.isRunning()).isFalse();
        assertThat(committed(group).values().stream().mapToLong(Long::longValue).sum())
                .as("the unfinished request is not committed").isZero();
    }

    @Test
    void aWorkerOfAZoneTakesOnlyItsZonesRequestsDeadLettersWhatItCannotReadSaysWhoObservedAndSendsHeartbeats() throws Exception {
        int port = refusedPort();
        String zoneTopic = topics.scanRequests("dmz").name();
        TopicAdmin.ensureTopicLike(admin, zoneTopic, topics.scanRequests().name());
        ScannerWorker worker = worker(engineScanner(), WorkerConfig.DEFAULT.withGroupId("g-" + UUID.randomUUID())
                .withZone("dmz").withHeartbeatInterval(Duration.ofMillis(300)), new SimpleMeterRegistry());

        send(request("default-1", target("svc-default", "127.0.0.1", port), null));
        ScanRequest dmz = request("dmz-1", Target.newBuilder(target("svc-dmz", "127.0.0.2", port)).setZone("dmz").build(), null);
        producer.send(new ProducerRecord<>(zoneTopic, "127.0.0.2".getBytes(StandardCharsets.UTF_8),
                topics.scanRequests().valueSerde().serializer().serialize(zoneTopic, dmz))).get();

        producer.send(new ProducerRecord<>(zoneTopic, "bad".getBytes(StandardCharsets.UTF_8),
                "not a scan request".getBytes(StandardCharsets.UTF_8))).get();

        ConsumerRecord<byte[], byte[]> deadLetter = readUntilOne(topics.deadLetters().name(), r -> true);
        assertThat(new String(deadLetter.value(), StandardCharsets.UTF_8)).as("the unreadable request, as it was")
                .isEqualTo("not a scan request");
        List<Observation> observed = observationsOf(readUntil(topics.observations().name(), 1));
        assertThat(observed).singleElement().satisfies(o -> {
            assertThat(o.getScanId()).isEqualTo("dmz-1");
            assertThat(o.getZone()).isEqualTo("dmz");
            assertThat(o.getScannerId()).isEqualTo(worker.scannerId()).startsWith("dmz-");
        });

        List<ScannerHeartbeat> beats = readUntil(topics.scannerHeartbeats().name(), 3).stream()
                .map(r -> topics.scannerHeartbeats().valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
        assertThat(beats).allSatisfy(b -> {
            assertThat(b.getScannerId()).isEqualTo(worker.scannerId());
            assertThat(b.getZone()).isEqualTo("dmz");
            assertThat(b.getIntervalMillis()).isEqualTo(300);
        });
        assertThat(beats).extracting(ScannerHeartbeat::getSentAt).isSorted();

        worker.close();
        ConsumerRecord<byte[], byte[]> signOff = readUntilOne(topics.scannerHeartbeats().name(), r -> r.value() == null);
        assertThat(new String(signOff.key(), StandardCharsets.UTF_8)).as("the sign-off, a tombstone of").isEqualTo(worker.scannerId());
    }

    /** The first record of the topic, from its start, that is {@code wanted}. */
    private ConsumerRecord<byte[], byte[]> readUntilOne(String topic, java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
        return readUntil(topic, all -> all.stream().anyMatch(wanted)).stream().filter(wanted).findFirst().orElseThrow();
    }

    // ---- helpers

    private TargetScanner engineScanner() {
        ProbeEngine engine = new ProbeEngine(ScannerConfig.DEFAULT, Clock.systemUTC());
        closeables.add(engine);
        return engine::scan;
    }

    private ScannerWorker worker(TargetScanner scanner, WorkerConfig config, MeterRegistry registry) {
        ScannerWorker worker = new ScannerWorker(kafka, topics, scanner, config, registry, Clock.systemUTC()).start();
        closeables.add(worker);
        return worker;
    }

    private static Target target(String service, String host, int port) {
        return Target.newBuilder().setId("tls://" + host + ":" + port).setService(service).setHost(host)
                .setPorts(List.of(port)).setProtocol(Protocol.TLS).build();
    }

    private static ScanRequest request(String scanId, Target target, Instant deadline) {
        return ScanRequest.newBuilder().setScanId(scanId).setTarget(target).setRequestedAt(Instant.now())
                .setNotAfterDeadline(deadline).build();
    }

    private static Observation observation(Target target, String scanId) {
        Endpoint endpoint = new Endpoint(target.getHost(), target.getPorts().getFirst(), null);
        return Observation.newBuilder().setScanId(scanId).setTargetId(target.getId()).setService(target.getService())
                .setHost(target.getHost()).setEndpoint(endpoint).setScanEndpoints(List.of(endpoint))
                .setObservedAt(Instant.now()).setOutcome(Outcome.TIMEOUT).setError("stand-in").build();
    }

    private byte[] serialize(ScanRequest request) {
        return topics.scanRequests().valueSerde().serializer().serialize(topics.scanRequests().name(), request);
    }

    private void send(ScanRequest request) throws Exception {
        byte[] key = new StringSerializer().serialize(topics.scanRequests().name(), request.getTarget().getHost());
        producer.send(new ProducerRecord<>(topics.scanRequests().name(), key, serialize(request))).get();
    }

    private List<Observation> observationsOf(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> topics.observations().valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .toList();
    }

    private List<ConsumerRecord<byte[], byte[]>> readUntil(String topic, int count) {
        return readUntil(topic, seen -> seen.size() >= count);
    }

    /** The records of the topic from its start, read until {@code enough} holds for them. */
    private List<ConsumerRecord<byte[], byte[]>> readUntil(String topic, java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> enough) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> seen = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return enough.test(seen);
            });
        }
        return List.copyOf(seen);
    }

    private Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach((tp, o) -> {
            if (o != null) {
                result.put(tp, o.offset());
            }
        });
        return result;
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition()))
                .collect(Collectors.toSet());
        Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        Map<TopicPartition, Long> result = new HashMap<>();
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> {
            if (info.offset() > 0) {
                result.put(tp, info.offset());
            }
        });
        return result;
    }

    private static int refusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

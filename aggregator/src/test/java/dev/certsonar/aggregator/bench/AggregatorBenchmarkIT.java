package dev.certsonar.aggregator.bench;

import dev.certsonar.aggregator.AggregatorApp;
import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.aggregator.ExpiryTopology;
import dev.certsonar.aggregator.Obs;
import dev.certsonar.aggregator.StoreNames;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Observations per second processed by the aggregator (exactly-once, RocksDB), next to a plain consumer reading
 * the same topic in the same run; state size and heap for 100,000 endpoints. Runs only with
 * {@code -Dcertsonar.bench=true} (optionally {@code -Dcertsonar.bench.endpoints=N}), since it takes minutes:
 * {@code mvn -o verify -pl aggregator -Dit.test=AggregatorBenchmarkIT -Dcertsonar.bench=true}; with
 * {@code -Dcertsonar.bench.threads=1,2} each stream thread count is measured in turn, each on topics of its own
 * (the later ones in a JVM the earlier ones warmed up).
 */
@ExtendWith(KafkaBrokerExtension.class)
class AggregatorBenchmarkIT {

    private static final Logger log = LoggerFactory.getLogger(AggregatorBenchmarkIT.class);
    private static final int ENDPOINTS_PER_SERVICE = 10;

    @TempDir
    Path stateDir;

    /** What one aggregator configuration achieved on its own topics. */
    private record Measurement(int threads, double firstSeconds, double firstRunningSeconds, double rescanSeconds,
                               double rescanRunningSeconds, long stateBytes, long heapUsed) {
    }

    @Test
    void observationsPerSecond(EmbeddedKafkaBroker broker) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("certsonar.bench"),
                "the aggregator benchmark runs only with -Dcertsonar.bench=true (it takes minutes)");
        int endpoints = Integer.getInteger("certsonar.bench.endpoints", 100_000);
        int partitions = Integer.getInteger("certsonar.bench.partitions", 2);
        List<Integer> threadCounts = Stream.of(System.getProperty("certsonar.bench.threads",
                        String.valueOf(AggregatorConfig.DEFAULT.streamThreads())).split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());

        StringBuilder report = new StringBuilder();
        List<Measurement> measurements = new java.util.ArrayList<>();
        for (int threads : threadCounts) {
            String id = UUID.randomUUID().toString().substring(0, 8);
            Topics topics = Topics.withPrefix("bench-" + id + ".");
            try (Admin admin = Admin.create(kafka)) {
                TopicAdmin.ensureTopics(admin, topics, partitions, (short) 1);
            }
            long produceStart = System.nanoTime();
            Instant now = Instant.now();
            produceRound(broker, topics, endpoints, now, now);
            double produceSeconds = seconds(System.nanoTime() - produceStart);
            if (measurements.isEmpty()) {
                double plainRaw = plainConsumer(broker, topics, endpoints, null);
                double plainAvro = plainConsumer(broker, topics, endpoints, topics.observations().valueSerde().deserializer());
                report.append(String.format("""
                        aggregator benchmark: %,d observations (%,d endpoints of %,d services), %d partitions
                          produced in %.1f s (%,.0f/s)
                          plain consumer, bytes only:      %,.0f observations/s
                          plain consumer, Avro decoded:    %,.0f observations/s
                        """, endpoints, endpoints, endpoints / ENDPOINTS_PER_SERVICE, partitions, produceSeconds,
                        endpoints / produceSeconds, plainRaw, plainAvro));
            }
            AggregatorConfig config = AggregatorConfig.DEFAULT.withApplicationId("bench-" + id)
                    .withStateDir(stateDir.resolve(id)).withHttp("127.0.0.1", -1).withReplicationFactor(1).withStreamThreads(threads);
            Measurement m = measure(broker, kafka, topics, config, endpoints, now);
            measurements.add(m);
            report.append(String.format("""
                          aggregator, exactly-once, %d stream thread(s)%s:
                            first sight of every endpoint (a status written per observation):
                              start to all consumed (incl. startup): %.1f s = %,.0f observations/s
                              RUNNING to all consumed:               %.1f s = %,.0f observations/s
                            a second scan round with nothing changed (restart on the same state incl.):
                              start to all consumed (incl. startup): %.1f s = %,.0f observations/s
                              RUNNING to all consumed:               %.1f s = %,.0f observations/s
                            state on disk after closing: %,d MB; heap after GC, aggregator running minus before it started: %,d MB
                        """, threads, measurements.size() > 1 ? " (after the configurations above in the same JVM)" : "",
                    m.firstSeconds(), endpoints / m.firstSeconds(), m.firstRunningSeconds(), endpoints / m.firstRunningSeconds(),
                    m.rescanSeconds(), endpoints / m.rescanSeconds(), m.rescanRunningSeconds(), endpoints / m.rescanRunningSeconds(),
                    m.stateBytes() >> 20, m.heapUsed() >> 20));
        }
        log.info("\n{}", report);
        Path out = Path.of("target", "aggregator-benchmark.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        for (Measurement m : measurements) {
            assertThat(endpoints / m.firstSeconds()).as("observations per second").isGreaterThan(100);
        }
    }

    /** The first sight of every endpoint, then (after a restart) a second scan round with nothing changed. */
    private Measurement measure(EmbeddedKafkaBroker broker, Map<String, Object> kafka, Topics topics, AggregatorConfig config,
                                int endpoints, Instant now) throws Exception {
        System.gc();
        long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long start = System.nanoTime();
        double firstSeconds;
        double firstRunningSeconds;
        long heapUsed;
        try (Admin progress = Admin.create(kafka);
             AggregatorApp app = new AggregatorApp(kafka, topics, config, Clock.systemUTC())) {
            app.start();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(app::isReady);
            long running = System.nanoTime();
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(250)).until(() -> consumedAll(progress, topics, config));
            long end = System.nanoTime();
            firstSeconds = seconds(end - start);
            firstRunningSeconds = seconds(end - running);
            var endpointStore = app.streams().store(StoreQueryParameters.fromNameAndType(StoreNames.ENDPOINTS,
                    QueryableStoreTypes.keyValueStore()));
            assertThat(endpointStore.approximateNumEntries()).as("endpoints held").isGreaterThanOrEqualTo(endpoints * 9L / 10);
            System.gc();
            heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - heapBefore;
        }
        long stateBytes = directorySize(config.stateDir());

        produceRound(broker, topics, endpoints, now, now.plus(Duration.ofHours(6)));
        long restart = System.nanoTime();
        try (Admin progress = Admin.create(kafka);
             AggregatorApp app = new AggregatorApp(kafka, topics, config, Clock.systemUTC())) {
            app.start();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(app::isReady);
            long running = System.nanoTime();
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(250)).until(() -> consumedAll(progress, topics, config));
            long end = System.nanoTime();
            return new Measurement(config.streamThreads(), firstSeconds, firstRunningSeconds, seconds(end - restart),
                    seconds(end - running), stateBytes, heapUsed);
        }
    }

    /** One observation per endpoint, all of one scan round observed at {@code observedAt}. */
    private static void produceRound(EmbeddedKafkaBroker broker, Topics topics, int endpoints, Instant issued, Instant observedAt) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < endpoints; i++) {
                int service = i / ENDPOINTS_PER_SERVICE;
                String name = "svc-" + service;
                Endpoint[] found = new Endpoint[ENDPOINTS_PER_SERVICE];
                for (int k = 0; k < found.length; k++) {
                    found[k] = endpoint(service * ENDPOINTS_PER_SERVICE + k, name);
                }
                Observation o = Obs.lifetime(issued, Duration.ofDays(90), Duration.ofDays(5 + (service % 80)))
                        .service(name).target("tls://" + name + ":443").host(name)
                        .endpoint(endpoint(i, name)).scanEndpoints(found).subject("CN=" + name).serial(name).build();
                o.setObservedAt(observedAt);
                o.setScanId("scan-" + observedAt.toEpochMilli());
                producer.send(new ProducerRecord<>(topics.observations().name(), name,
                        topics.observations().valueSerde().serializer().serialize(topics.observations().name(), o)));
            }
            producer.flush();
        }
    }

    private static Endpoint endpoint(int i, String sni) {
        return Obs.endpoint("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 443, sni);
    }

    private static double plainConsumer(EmbeddedKafkaBroker broker, Topics topics, int expected, Deserializer<Observation> decoder) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "plain-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        long start = System.nanoTime();
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.observations().name()));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (seen < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (decoder != null) {
                        decoder.deserialize(r.topic(), r.value());
                    }
                    seen++;
                }
            }
        }
        assertThat(seen).isEqualTo(expected);
        return expected / seconds(System.nanoTime() - start);
    }

    /**
     * The aggregator's committed offsets reached the end of the observations topic and of its internal topics keyed by
     * service. Asks through one admin client for the whole measurement, since a client per question would take CPU
     * from the aggregator.
     */
    private static boolean consumedAll(Admin admin, Topics topics, AggregatorConfig config) throws Exception {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(config.applicationId())
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (String topic : List.of(topics.observations().name(), repartition(config, ExpiryTopology.SERVICE_INPUT),
                    repartition(config, ExpiryTopology.OBSERVATIONS_BY_SERVICE))) {
                var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                description.partitions().forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            }
            var endOffsets = admin.listOffsets(ends).all().get();
            for (var e : endOffsets.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                // under exactly-once the end offset counts the transaction marker, so committed is at most one short
                if (e.getValue().offset() > 0 && (c == null || c.offset() < e.getValue().offset() - 1)) {
                    return false;
                }
            }
            return !committed.isEmpty();
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    private static String repartition(AggregatorConfig config, String name) {
        return config.applicationId() + "-" + name + "-repartition";
    }

    private static long directorySize(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}

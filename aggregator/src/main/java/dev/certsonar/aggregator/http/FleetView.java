package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.avro.ScannerHeartbeat;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet as the HTTP API, the console and the metrics show it: the compacted scanner-heartbeats topic, read from its
 * start and followed ({@link TopicFollower}), each scanner's latest heartbeat. A scanner is live while its last
 * heartbeat is at most {@code downAfter} old. Meters, one series per zone seen:
 * {@code certsonar_fleet_scanners_live{zone}} (live scanners) and {@code certsonar_fleet_heartbeat_age_seconds{zone}}
 * (the age of the zone's newest heartbeat).
 */
public final class FleetView implements AutoCloseable, TopicFollower.Reader {

    /** One scanner as the fleet shows it. */
    public record Scanner(ScannerHeartbeat heartbeat, Duration age, boolean live) {
    }

    private final Topic<String, ScannerHeartbeat> topic;
    private final Duration downAfter;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, ScannerHeartbeat> scanners = new ConcurrentHashMap<>();
    private final Set<String> zonesMetered = ConcurrentHashMap.newKeySet();
    /** Zone → its newest heartbeat's sending time, kept when its scanners sign off, so the age goes on growing. */
    private final Map<String, Instant> newest = new ConcurrentHashMap<>();
    private final TopicFollower follower;

    public FleetView(Map<String, Object> kafkaProps, Topic<String, ScannerHeartbeat> topic, Duration downAfter, Clock clock,
                     MeterRegistry registry, String deadLetterTopic, String component) {
        this.topic = topic;
        this.downAfter = downAfter;
        this.clock = clock;
        this.registry = registry;
        this.follower = kafkaProps == null ? null : new TopicFollower(kafkaProps, topic.name(), "certsonar-aggregator-fleet-view",
                "the fleet no longer changes", this, deadLetterTopic, component);
    }

    public void start() {
        if (follower != null) {
            follower.start();
        }
    }

    @Override
    public void begin(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        consumer.seekToBeginning(partitions);
    }

    @Override
    public void record(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        String scannerId = topic.keySerde().deserializer().deserialize(r.topic(), r.key());
        if (r.value() == null) {
            scanners.remove(scannerId);
            return;
        }
        // a heartbeat that cannot be read throws a SerializationException: the follower dead-letters it
        put(scannerId, topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
    }

    /** Holds a scanner's heartbeat. */
    void put(String scannerId, ScannerHeartbeat beat) {
        scanners.put(scannerId, beat);
        String zone = beat.getZone();
        newest.merge(zone, beat.getSentAt(), (a, b) -> a.isAfter(b) ? a : b);
        if (zonesMetered.add(zone)) {
            Gauge.builder("certsonar.fleet.scanners.live", () -> live(zone))
                    .description("Scanners of the zone whose last heartbeat is recent enough").tag("zone", zone).register(registry);
            Gauge.builder("certsonar.fleet.heartbeat.age", () -> age(zone))
                    .description("Seconds since the zone's newest heartbeat was sent").baseUnit("seconds").tag("zone", zone)
                    .register(registry);
        }
    }

    private long live(String zone) {
        Instant now = clock.instant();
        return scanners.values().stream().filter(b -> zone.equals(b.getZone()) && isLive(b, now)).count();
    }

    private double age(String zone) {
        Instant last = newest.get(zone);
        return last == null ? Double.NaN : Math.max(0, Duration.between(last, clock.instant()).toMillis() / 1000.0);
    }

    private boolean isLive(ScannerHeartbeat b, Instant now) {
        return !b.getSentAt().plus(downAfter).isBefore(now);
    }

    /** Every scanner, by zone then id. */
    public List<Scanner> scanners() {
        Instant now = clock.instant();
        return scanners.values().stream()
                .sorted(Comparator.comparing(ScannerHeartbeat::getZone).thenComparing(ScannerHeartbeat::getScannerId))
                .map(b -> new Scanner(b, Duration.between(b.getSentAt(), now).isNegative() ? Duration.ZERO
                        : Duration.between(b.getSentAt(), now), isLive(b, now)))
                .toList();
    }

    /** {@code GET /api/scanners}: a JSON array of the scanners, by zone then id. */
    public ArrayNode json() {
        ArrayNode out = ApiJson.MAPPER.createArrayNode();
        Instant now = clock.instant();
        scanners().forEach(s -> out.add(json(s.heartbeat(), now, downAfter)));
        return out;
    }

    /**
     * One scanner as {@code GET /api/scanners} and {@code certsonar scanners --json} show it: its heartbeat, how old it
     * is, and whether the scanner is live (its last heartbeat at most {@code downAfter} old).
     */
    public static ObjectNode json(ScannerHeartbeat b, Instant now, Duration downAfter) {
        Duration age = Duration.between(b.getSentAt(), now);
        ObjectNode n = ApiJson.MAPPER.createObjectNode();
        n.put("scannerId", b.getScannerId());
        n.put("zone", b.getZone());
        n.put("version", b.getVersion());
        n.put("host", b.getHost());
        n.put("startedAt", b.getStartedAt().toString());
        n.put("lastHeartbeat", b.getSentAt().toString());
        n.put("ageSeconds", age.isNegative() ? 0.0 : age.toMillis() / 1000.0);
        n.put("live", !b.getSentAt().plus(downAfter).isBefore(now));
        n.put("inFlight", b.getInFlight());
        n.put("probesPerSecond", b.getProbesPerSecond());
        n.put("backlog", b.getBacklog());
        n.put("tlsLibrary", b.getTlsLibrary());
        n.put("heartbeatIntervalSeconds", b.getIntervalMillis() / 1000.0);
        return n;
    }

    @Override
    public void close() {
        if (follower != null) {
            follower.close();
        }
    }

    /** Whether reading the topic works (see {@link TopicFollower#healthy()}). */
    public boolean healthy() {
        return follower == null || follower.healthy();
    }

    /** The follower of the topic, for its health and failures; null when there is none. */
    public TopicFollower follower() {
        return follower;
    }
}

package dev.certsonar.scanner.worker;

import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.ScannerHeartbeat;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * A scanner's heartbeats: at a fixed interval, its {@link ScannerHeartbeat} (zone, version, start, probes in flight,
 * probes per second over the last interval, TLS library, backlog of unread requests) on the compacted scanner-heartbeats topic, keyed by its id;
 * a tombstone when it stops cleanly. A heartbeat that cannot be sent is logged and the next one tried at its time.
 */
final class Heartbeats implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

    /** What the scanner says about itself in every heartbeat. */
    record Identity(String scannerId, String zone, String version, String tlsLibrary) {
        Identity {
            Objects.requireNonNull(scannerId, "scannerId");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(tlsLibrary, "tlsLibrary");
        }
    }

    private final Topics topics;
    private final Identity identity;
    private final Duration interval;
    private final RequestHandler.Output output;
    private final IntSupplier inFlight;
    private final LongSupplier probes;
    private final LongSupplier backlog;
    private final Clock clock;
    private final Instant startedAt;
    private final String host;
    private final Serializer<String> keys;
    private final Serializer<ScannerHeartbeat> values;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("scanner-heartbeat").daemon().factory());
    private long lastProbes;
    private long lastNanos;

    /**
     * @param output   where the heartbeats go ({@code producer::send})
     * @param inFlight the probes in flight now
     * @param probes   the probes completed so far
     * @param backlog  the requests of its partitions not read yet
     */
    Heartbeats(Topics topics, Identity identity, Duration interval, RequestHandler.Output output, IntSupplier inFlight,
               LongSupplier probes, LongSupplier backlog, Clock clock) {
        this.backlog = Objects.requireNonNull(backlog, "backlog");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.output = Objects.requireNonNull(output, "output");
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
        this.probes = Objects.requireNonNull(probes, "probes");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startedAt = clock.instant();
        this.host = localHost();
        this.keys = topics.scannerHeartbeats().keySerde().serializer();
        this.values = topics.scannerHeartbeats().valueSerde().serializer();
    }

    /** Sends the first heartbeat now and the next ones every interval. */
    void start() {
        lastNanos = System.nanoTime();
        lastProbes = probes.getAsLong();
        timer.scheduleAtFixedRate(this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The heartbeat as it would be sent now. */
    ScannerHeartbeat heartbeat(double probesPerSecond) {
        return ScannerHeartbeat.newBuilder()
                .setScannerId(identity.scannerId())
                .setZone(identity.zone())
                .setVersion(identity.version())
                .setHost(host)
                .setStartedAt(startedAt)
                .setSentAt(clock.instant())
                .setIntervalMillis(interval.toMillis())
                .setInFlight(inFlight.getAsInt())
                .setProbesPerSecond(probesPerSecond)
                .setTlsLibrary(identity.tlsLibrary())
                .setBacklog(backlog.getAsLong())
                .build();
    }

    private void beat() {
        try {
            long nanos = System.nanoTime();
            long done = probes.getAsLong();
            double seconds = (nanos - lastNanos) / 1e9;
            double rate = seconds > 0 ? Math.round((done - lastProbes) / seconds * 100) / 100.0 : 0.0;
            lastNanos = nanos;
            lastProbes = done;
            ScannerHeartbeat beat = heartbeat(rate);
            String topic = topics.scannerHeartbeats().name();
            output.send(new ProducerRecord<>(topic, null, beat.getSentAt().toEpochMilli(),
                    keys.serialize(topic, identity.scannerId()), values.serialize(topic, beat)));
        } catch (RuntimeException e) {
            log.warn("Heartbeat of scanner {} not sent: {}", identity.scannerId(), e.toString());
        }
    }

    /** Stops the heartbeats; when {@code cleanly}, says so with a tombstone of this scanner. */
    void stop(boolean cleanly) {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (cleanly) {
            try {
                String topic = topics.scannerHeartbeats().name();
                output.send(new ProducerRecord<byte[], byte[]>(topic, null, clock.millis(), keys.serialize(topic, identity.scannerId()), null))
                        .get(5, TimeUnit.SECONDS);
                log.info("Scanner {} of zone {} signed off", identity.scannerId(), identity.zone());
            } catch (Exception e) {
                log.warn("Scanner {} could not sign off: {}", identity.scannerId(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        stop(false);
    }

    /** The host as the environment names it (no resolver is asked). */
    private static String localHost() {
        String name = System.getenv("HOSTNAME");
        return name == null || name.isBlank() ? null : name;
    }
}

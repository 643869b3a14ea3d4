package dev.certsonar.scanner.worker;

import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Timings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The worker's meters: requests by result, probes by outcome (their rate is the probes per second), scans in flight,
 * the latency of each probe and of each target's scan.
 */
final class WorkerMetrics {

    static final String REQUESTS = "certsonar.scanner.requests";
    static final String PROBES = "certsonar.scanner.probes";
    static final String IN_FLIGHT = "certsonar.scanner.in.flight";
    static final String SCAN_DURATION = "certsonar.scanner.scan.duration";
    static final String PROBE_DURATION = "certsonar.scanner.probe.duration";

    private final Counter probed;
    private final Counter deadLettered;
    private final Counter expired;
    private final Counter retried;
    private final Map<Outcome, Counter> probes = new EnumMap<>(Outcome.class);
    private final Timer scanDuration;
    private final Timer probeDuration;
    private final java.util.concurrent.atomic.AtomicLong probesDone = new java.util.concurrent.atomic.AtomicLong();

    WorkerMetrics(MeterRegistry registry, Supplier<Number> inFlight) {
        probed = requests(registry, "probed", "scan requests probed and their observations acknowledged");
        deadLettered = requests(registry, "dead_lettered", "scan requests sent to the dead-letter topic");
        expired = requests(registry, "expired", "scan requests dropped unprobed because their deadline had passed");
        retried = requests(registry, "retried", "scan requests read again because their observations could not be written");
        for (Outcome outcome : Outcome.values()) {
            probes.put(outcome, Counter.builder(PROBES).description("observations produced, by probe outcome")
                    .tag("outcome", outcome.name()).register(registry));
        }
        Gauge.builder(IN_FLIGHT, inFlight).description("scan requests being probed now").register(registry);
        scanDuration = Timer.builder(SCAN_DURATION).description("time to probe every endpoint of one target")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        probeDuration = Timer.builder(PROBE_DURATION)
                .description("time of one probe (resolution, connect, STARTTLS and handshake) of an observation sent")
                .publishPercentileHistogram().publishPercentiles(0.5, 0.9, 0.99)
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    private static Counter requests(MeterRegistry registry, String result, String description) {
        return Counter.builder(REQUESTS).description(description).tag("result", result).register(registry);
    }

    void probed() {
        probed.increment();
    }

    void deadLettered() {
        deadLettered.increment();
    }

    void expired() {
        expired.increment();
    }

    void retried() {
        retried.increment();
    }

    void observation(Observation observation) {
        Outcome outcome = observation.getOutcome();
        probes.get(outcome == null ? Outcome.UNKNOWN : outcome).increment();
        probesDone.incrementAndGet();
        Timings timings = observation.getTimings();
        if (timings != null) {
            probeDuration.record(Duration.ofMillis(timings.getTotalMillis()));
        }
    }

    /** Observations produced so far. */
    long probesDone() {
        return probesDone.get();
    }

    void scanTook(long nanos) {
        scanDuration.record(Duration.ofNanos(nanos));
    }
}

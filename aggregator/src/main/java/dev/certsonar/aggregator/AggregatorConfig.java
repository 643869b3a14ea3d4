package dev.certsonar.aggregator;

import dev.certsonar.schemas.policy.ExpiryPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the aggregator.
 *
 * @param policy               expiry thresholds and scan interval used where a target has no override
 * @param applicationId        Kafka Streams application id (consumer group, internal topic prefix)
 * @param stateDir             where RocksDB state lives
 * @param httpBind             address the HTTP API binds to
 * @param httpPort             HTTP API port; 0 picks a free port, -1 serves no HTTP
 * @param replicationFactor    replication of internal topics; -1 uses the broker default
 * @param punctuationInterval  how often the scheduler and the state clock look at their indexes
 * @param jitterFraction       scans of one target come up to this fraction of the interval early, fixed per target
 * @param staleIntervals       an endpoint without observation for this many intervals is STALE
 * @param maxScansPerTick      at most this many scan requests per scheduler tick (a bounded rate)
 * @param consecutiveReported  consecutive counts up to this value are written to service-status as they change
 * @param rolloutGrace         endpoints may serve an older certificate this long after a newer one appeared
 * @param applicationServer    host:port other instances reach this one's HTTP API on (null: single instance)
 * @param streamThreads        Kafka Streams threads
 * @param rangeBlockSize       a CIDR target of more addresses is scanned as blocks of this many, within maxScansPerTick
 */
public record AggregatorConfig(
        ExpiryPolicy policy,
        String applicationId,
        Path stateDir,
        String httpBind,
        int httpPort,
        int replicationFactor,
        Duration punctuationInterval,
        double jitterFraction,
        int staleIntervals,
        int maxScansPerTick,
        int consecutiveReported,
        Duration rolloutGrace,
        String applicationServer,
        int streamThreads,
        int rangeBlockSize) {

    public static final AggregatorConfig DEFAULT = new AggregatorConfig(
            ExpiryPolicy.DEFAULT,
            "certsonar-aggregator",
            Path.of("certsonar-data", "aggregator"),
            "127.0.0.1",
            8080,
            -1,
            Duration.ofSeconds(1),
            0.1,
            3,
            10_000,
            3,
            Duration.ofHours(1),
            null,
            1,
            256);

    public AggregatorConfig {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(httpBind, "httpBind");
        Objects.requireNonNull(punctuationInterval, "punctuationInterval");
        Objects.requireNonNull(rolloutGrace, "rolloutGrace");
        if (applicationId.isBlank()) {
            throw new IllegalArgumentException("applicationId must not be blank");
        }
        if (httpPort < -1 || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort must be -1 (off), 0 (any free port) or a port number, was " + httpPort);
        }
        if (replicationFactor == 0 || replicationFactor < -1) {
            throw new IllegalArgumentException("replicationFactor must be -1 (broker default) or positive, was " + replicationFactor);
        }
        if (punctuationInterval.isNegative() || punctuationInterval.isZero()) {
            throw new IllegalArgumentException("punctuationInterval must be positive, was " + punctuationInterval);
        }
        if (!(jitterFraction >= 0 && jitterFraction < 1)) {
            throw new IllegalArgumentException("jitterFraction must be in [0, 1), was " + jitterFraction);
        }
        if (staleIntervals < 1) {
            throw new IllegalArgumentException("staleIntervals must be at least 1, was " + staleIntervals);
        }
        if (maxScansPerTick < 1) {
            throw new IllegalArgumentException("maxScansPerTick must be at least 1, was " + maxScansPerTick);
        }
        if (consecutiveReported < 1) {
            throw new IllegalArgumentException("consecutiveReported must be at least 1, was " + consecutiveReported);
        }
        if (rolloutGrace.isNegative()) {
            throw new IllegalArgumentException("rolloutGrace must not be negative, was " + rolloutGrace);
        }
        if (rangeBlockSize < 1) {
            throw new IllegalArgumentException("rangeBlockSize must be at least 1, was " + rangeBlockSize);
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("streamThreads must be at least 1, was " + streamThreads);
        }
    }

    public AggregatorConfig withPolicy(ExpiryPolicy value) {
        return new AggregatorConfig(value, applicationId, stateDir, httpBind, httpPort, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize);
    }

    public AggregatorConfig withApplicationId(String value) {
        return new AggregatorConfig(policy, value, stateDir, httpBind, httpPort, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize);
    }

    public AggregatorConfig withStateDir(Path value) {
        return new AggregatorConfig(policy, applicationId, value, httpBind, httpPort, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize);
    }

    public AggregatorConfig withHttp(String bind, int port) {
        return new AggregatorConfig(policy, applicationId, stateDir, bind, port, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize);
    }

    public AggregatorConfig withReplicationFactor(int value) {
        return new AggregatorConfig(policy, applicationId, stateDir, httpBind, httpPort, value, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize);
    }

    public AggregatorConfig withPunctuationInterval(Duration value) {
        return new AggregatorConfig(policy, applicationId, stateDir, httpBind, httpPort, replicationFactor, value,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize);
    }

    public AggregatorConfig withJitterFraction(double value) {
        return new AggregatorConfig(policy, applicationId, stateDir, httpBind, httpPort, replicationFactor, punctuationInterval,
                value, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize);
    }

    public AggregatorConfig withMaxScansPerTick(int value) {
        return new AggregatorConfig(policy, applicationId, stateDir, httpBind, httpPort, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, value, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize);
    }

    public AggregatorConfig withRolloutGrace(Duration value) {
        return new AggregatorConfig(policy, applicationId, stateDir, httpBind, httpPort, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, value, applicationServer, streamThreads, rangeBlockSize);
    }

    public AggregatorConfig withApplicationServer(String value) {
        return new AggregatorConfig(policy, applicationId, stateDir, httpBind, httpPort, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, value, streamThreads, rangeBlockSize);
    }

    public AggregatorConfig withStreamThreads(int value) {
        return new AggregatorConfig(policy, applicationId, stateDir, httpBind, httpPort, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, value, rangeBlockSize);
    }

    public AggregatorConfig withRangeBlockSize(int value) {
        return new AggregatorConfig(policy, applicationId, stateDir, httpBind, httpPort, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, value);
    }
}

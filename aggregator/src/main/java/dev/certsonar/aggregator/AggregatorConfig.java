package dev.certsonar.aggregator;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.ValueRules;
import dev.certsonar.schemas.policy.ExpiryPolicy;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the aggregator. A value that breaks the rule of its field is an {@link InvalidValueException} naming the
 * field.
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
        ValueRules.required("policy", policy);
        ValueRules.required("stateDir", stateDir);
        ValueRules.required("httpBind", httpBind);
        if (applicationId == null || applicationId.isBlank()) {
            throw new InvalidValueException("applicationId", "an empty application id");
        }
        if (httpPort < -1 || httpPort > 65535) {
            throw new InvalidValueException("httpPort", httpPort + " is not a port (0 to 65535, or -1 for no HTTP)");
        }
        if (replicationFactor == 0 || replicationFactor < -1) {
            throw new InvalidValueException("replicationFactor", replicationFactor
                    + " is not a replication factor (1 or more, or -1 for the broker's default)");
        }
        ValueRules.positive("punctuationInterval", punctuationInterval);
        if (!(jitterFraction >= 0 && jitterFraction < 1)) {
            throw new InvalidValueException("jitterFraction", jitterFraction + " is not a fraction from 0 up to, not including, 1");
        }
        ValueRules.atLeast("staleIntervals", staleIntervals, 1);
        ValueRules.atLeast("maxScansPerTick", maxScansPerTick, 1);
        ValueRules.atLeast("consecutiveReported", consecutiveReported, 1);
        ValueRules.notNegative("rolloutGrace", rolloutGrace);
        ValueRules.atLeast("rangeBlockSize", rangeBlockSize, 1);
        ValueRules.atLeast("streamThreads", streamThreads, 1);
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

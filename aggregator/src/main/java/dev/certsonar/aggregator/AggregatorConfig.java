package dev.certsonar.aggregator;

import dev.certsonar.aggregator.http.HttpSettings;
import dev.certsonar.aggregator.fleet.FleetConfig;
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
 * @param http                 where the HTTP API and console listen, and who may write through them
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
 * @param fleet                the scanners' heartbeats, when a zone is down or behind, and the watchdog; a zone is down
 *                             sooner than its endpoints would turn STALE ({@link FleetConfig#checkShorterThanStale})
 */
public record AggregatorConfig(
        ExpiryPolicy policy,
        String applicationId,
        Path stateDir,
        HttpSettings http,
        int replicationFactor,
        Duration punctuationInterval,
        double jitterFraction,
        int staleIntervals,
        int maxScansPerTick,
        int consecutiveReported,
        Duration rolloutGrace,
        String applicationServer,
        int streamThreads,
        int rangeBlockSize,
        FleetConfig fleet) {

    public static final AggregatorConfig DEFAULT = new AggregatorConfig(
            ExpiryPolicy.DEFAULT,
            "certsonar-aggregator",
            Path.of("certsonar-data", "aggregator"),
            HttpSettings.DEFAULT,
            -1,
            Duration.ofSeconds(1),
            0.1,
            3,
            10_000,
            3,
            Duration.ofHours(1),
            null,
            1,
            256,
            FleetConfig.DEFAULT);

    public AggregatorConfig {
        ValueRules.required("policy", policy);
        ValueRules.required("stateDir", stateDir);
        ValueRules.required("http", http);
        if (applicationId == null || applicationId.isBlank()) {
            throw new InvalidValueException("applicationId", "an empty application id");
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
        ValueRules.required("fleet", fleet);
    }

    public AggregatorConfig withFleet(FleetConfig value) {
        return new AggregatorConfig(policy, applicationId, stateDir, http, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize, value);
    }

    public AggregatorConfig withPolicy(ExpiryPolicy value) {
        return new AggregatorConfig(value, applicationId, stateDir, http, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize, fleet);
    }

    public AggregatorConfig withApplicationId(String value) {
        return new AggregatorConfig(policy, value, stateDir, http, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize, fleet);
    }

    public AggregatorConfig withStateDir(Path value) {
        return new AggregatorConfig(policy, applicationId, value, http, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize, fleet);
    }

    /** This configuration with the HTTP server on another address and port (its token and allowed hosts kept). */
    public AggregatorConfig withHttp(String bind, int port) {
        try {
            return withHttp(new HttpSettings(bind, port, http.token(), http.allowedHosts()));
        } catch (InvalidValueException e) {
            throw e.under("http");
        }
    }

    public AggregatorConfig withHttp(HttpSettings value) {
        return new AggregatorConfig(policy, applicationId, stateDir, value, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize, fleet);
    }

    public AggregatorConfig withReplicationFactor(int value) {
        return new AggregatorConfig(policy, applicationId, stateDir, http, value, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize, fleet);
    }

    public AggregatorConfig withPunctuationInterval(Duration value) {
        return new AggregatorConfig(policy, applicationId, stateDir, http, replicationFactor, value,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize, fleet);
    }

    public AggregatorConfig withJitterFraction(double value) {
        return new AggregatorConfig(policy, applicationId, stateDir, http, replicationFactor, punctuationInterval,
                value, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize, fleet);
    }

    public AggregatorConfig withMaxScansPerTick(int value) {
        return new AggregatorConfig(policy, applicationId, stateDir, http, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, value, consecutiveReported, rolloutGrace, applicationServer, streamThreads, rangeBlockSize, fleet);
    }

    public AggregatorConfig withRolloutGrace(Duration value) {
        return new AggregatorConfig(policy, applicationId, stateDir, http, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, value, applicationServer, streamThreads, rangeBlockSize, fleet);
    }

    public AggregatorConfig withApplicationServer(String value) {
        return new AggregatorConfig(policy, applicationId, stateDir, http, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, value, streamThreads, rangeBlockSize, fleet);
    }

    public AggregatorConfig withStreamThreads(int value) {
        return new AggregatorConfig(policy, applicationId, stateDir, http, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, value, rangeBlockSize, fleet);
    }

    public AggregatorConfig withRangeBlockSize(int value) {
        return new AggregatorConfig(policy, applicationId, stateDir, http, replicationFactor, punctuationInterval,
                jitterFraction, staleIntervals, maxScansPerTick, consecutiveReported, rolloutGrace, applicationServer, streamThreads, value, fleet);
    }
}

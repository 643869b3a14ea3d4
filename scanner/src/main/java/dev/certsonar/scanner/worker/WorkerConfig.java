package dev.certsonar.scanner.worker;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.ValueRules;
import dev.certsonar.schemas.Zones;

import java.time.Duration;

/**
 * Settings of the Kafka scanner worker. A value that breaks the rule of its field (a blank group, a count below 1, a
 * duration not positive) is an {@link InvalidValueException} naming the field.
 *
 * @param groupId         consumer group shared by every scanner worker
 * @param maxInFlight     scan requests being probed at once; beyond it the worker pauses its partitions
 * @param revokeTimeout   how long a rebalance waits for the in-flight work of revoked partitions before giving them up
 * @param shutdownTimeout how long {@link ScannerWorker#close()} waits for in-flight work before abandoning it
 * @param commitInterval  how often completed offsets are committed while running
 * @param zone            the zone whose scan requests the worker consumes ({@link Zones}); the consumer group of a zone
 *                        other than the default is the group id followed by {@code .zone}
 * @param heartbeatInterval how often the worker publishes its heartbeat on scanner-heartbeats
 */
public record WorkerConfig(String groupId, int maxInFlight, Duration revokeTimeout, Duration shutdownTimeout,
                           Duration commitInterval, String zone, Duration heartbeatInterval) {

    public static final String DEFAULT_GROUP_ID = "certsonar-scanner";
    /** How often a scanner says it is alive, unless configured otherwise. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(15);
    public static final WorkerConfig DEFAULT = new WorkerConfig(DEFAULT_GROUP_ID, 1024,
            Duration.ofSeconds(20), Duration.ofSeconds(15), Duration.ofMillis(500));

    /** Settings of a worker of the default zone, with the default heartbeat interval. */
    public WorkerConfig(String groupId, int maxInFlight, Duration revokeTimeout, Duration shutdownTimeout,
                        Duration commitInterval) {
        this(groupId, maxInFlight, revokeTimeout, shutdownTimeout, commitInterval, Zones.DEFAULT, DEFAULT_HEARTBEAT_INTERVAL);
    }

    public WorkerConfig {
        Zones.check(zone);
        ValueRules.positive("heartbeatInterval", heartbeatInterval);
        if (groupId == null || groupId.isBlank()) {
            throw new InvalidValueException("groupId", "an empty consumer group");
        }
        ValueRules.atLeast("maxInFlight", maxInFlight, 1);
        ValueRules.positive("revokeTimeout", revokeTimeout);
        ValueRules.positive("shutdownTimeout", shutdownTimeout);
        ValueRules.positive("commitInterval", commitInterval);
    }

    /** The consumer group the worker joins: the group id, followed by {@code .zone} for a zone other than the default. */
    public String effectiveGroupId() {
        return Zones.DEFAULT.equals(zone) ? groupId : groupId + "." + zone;
    }

    public WorkerConfig withMaxInFlight(int value) {
        return new WorkerConfig(groupId, value, revokeTimeout, shutdownTimeout, commitInterval, zone, heartbeatInterval);
    }

    public WorkerConfig withGroupId(String value) {
        return new WorkerConfig(value, maxInFlight, revokeTimeout, shutdownTimeout, commitInterval, zone, heartbeatInterval);
    }

    public WorkerConfig withShutdownTimeout(Duration value) {
        return new WorkerConfig(groupId, maxInFlight, revokeTimeout, value, commitInterval, zone, heartbeatInterval);
    }

    public WorkerConfig withZone(String value) {
        return new WorkerConfig(groupId, maxInFlight, revokeTimeout, shutdownTimeout, commitInterval, value, heartbeatInterval);
    }

    public WorkerConfig withHeartbeatInterval(Duration value) {
        return new WorkerConfig(groupId, maxInFlight, revokeTimeout, shutdownTimeout, commitInterval, zone, value);
    }
}

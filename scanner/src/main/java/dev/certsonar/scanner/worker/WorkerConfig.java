package dev.certsonar.scanner.worker;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.ValueRules;

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
 */
public record WorkerConfig(String groupId, int maxInFlight, Duration revokeTimeout, Duration shutdownTimeout,
                           Duration commitInterval) {

    public static final String DEFAULT_GROUP_ID = "certsonar-scanner";
    public static final WorkerConfig DEFAULT = new WorkerConfig(DEFAULT_GROUP_ID, 1024,
            Duration.ofSeconds(20), Duration.ofSeconds(15), Duration.ofMillis(500));

    public WorkerConfig {
        if (groupId == null || groupId.isBlank()) {
            throw new InvalidValueException("groupId", "an empty consumer group");
        }
        ValueRules.atLeast("maxInFlight", maxInFlight, 1);
        ValueRules.positive("revokeTimeout", revokeTimeout);
        ValueRules.positive("shutdownTimeout", shutdownTimeout);
        ValueRules.positive("commitInterval", commitInterval);
    }

    public WorkerConfig withMaxInFlight(int value) {
        return new WorkerConfig(groupId, value, revokeTimeout, shutdownTimeout, commitInterval);
    }

    public WorkerConfig withGroupId(String value) {
        return new WorkerConfig(value, maxInFlight, revokeTimeout, shutdownTimeout, commitInterval);
    }

    public WorkerConfig withShutdownTimeout(Duration value) {
        return new WorkerConfig(groupId, maxInFlight, revokeTimeout, value, commitInterval);
    }
}

package dev.certsonar.scanner.worker;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the Kafka scanner worker.
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
        Objects.requireNonNull(groupId, "groupId");
        if (groupId.isBlank()) {
            throw new IllegalArgumentException("groupId must not be blank");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        requirePositive("revokeTimeout", revokeTimeout);
        requirePositive("shutdownTimeout", shutdownTimeout);
        requirePositive("commitInterval", commitInterval);
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

    private static void requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}

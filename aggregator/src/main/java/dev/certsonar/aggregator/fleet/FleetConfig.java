package dev.certsonar.aggregator.fleet;

import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.ValueRules;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of the fleet of scanners and of the watchdog (the configuration file's {@code fleet} section). A value that
 * breaks the rule of its field is an {@link InvalidValueException} naming the field.
 *
 * @param heartbeatInterval how often each scanner sends its heartbeat
 * @param downAfter         a zone with targets and no heartbeat for this long is FLEET_DOWN; null means three
 *                          heartbeat intervals. It must be shorter than the STALE threshold (checked by the aggregator's
 *                          configuration, which knows the scan interval)
 * @param behindAfter       a zone whose backlog of scan requests keeps growing for this long is FLEET_BEHIND
 * @param owner             the owner of the {@code zone:NAME} and {@code certsonar:watchdog} services (for routes)
 * @param labels            their labels (for routes)
 * @param watchdogInterval  how often the watchdog's alert repeats; zero turns the watchdog off
 */
public record FleetConfig(Duration heartbeatInterval, Duration downAfter, Duration behindAfter, String owner,
                          Map<String, String> labels, Duration watchdogInterval) {

    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(15);
    public static final FleetConfig DEFAULT = new FleetConfig(DEFAULT_HEARTBEAT_INTERVAL, null, Duration.ofMinutes(15),
            "certsonar", Map.of(), Duration.ZERO);

    public FleetConfig {
        ValueRules.positive("heartbeatInterval", heartbeatInterval);
        if (downAfter == null) {
            downAfter = heartbeatInterval.multipliedBy(3);
        }
        ValueRules.positive("downAfter", downAfter);
        if (downAfter.compareTo(heartbeatInterval) <= 0) {
            throw new InvalidValueException("downAfter", Durations.format(downAfter) + " is not longer than the heartbeat "
                    + "interval " + Durations.format(heartbeatInterval) + ": every zone would be down between two heartbeats");
        }
        ValueRules.positive("behindAfter", behindAfter);
        ValueRules.notNegative("watchdogInterval", watchdogInterval);
        if (owner == null || owner.isBlank()) {
            throw new InvalidValueException("owner", "an empty owner");
        }
        labels = Map.copyOf(labels == null ? Map.of() : labels);
    }

    /** Scan intervals without an observation after which an endpoint is STALE, as the aggregator counts them. */
    public static final int STALE_INTERVALS = 3;

    /**
     * Checks that a zone is down sooner than its endpoints would turn STALE ({@value #STALE_INTERVALS} scan intervals
     * of the policy), so that a zone without scanners raises its one FLEET_DOWN before any per-service STALE.
     *
     * @throws InvalidValueException naming {@code downAfter} when it is not shorter
     */
    public void checkShorterThanStale(Duration scanInterval) {
        Duration stale = scanInterval.multipliedBy(STALE_INTERVALS);
        if (downAfter.compareTo(stale) >= 0) {
            throw new InvalidValueException("downAfter", Durations.format(downAfter) + " is not shorter than the time "
                    + "after which an endpoint is STALE (" + STALE_INTERVALS + " scan intervals of "
                    + Durations.format(scanInterval) + " = " + Durations.format(stale) + "): a zone without scanners would "
                    + "raise a STALE alert per service before its one FLEET_DOWN");
        }
    }

    /** Whether the watchdog runs. */
    public boolean watchdog() {
        return !watchdogInterval.isZero();
    }

    public FleetConfig withHeartbeatInterval(Duration value) {
        return new FleetConfig(value, null, behindAfter, owner, labels, watchdogInterval);
    }

    public FleetConfig withDownAfter(Duration value) {
        return new FleetConfig(heartbeatInterval, value, behindAfter, owner, labels, watchdogInterval);
    }

    public FleetConfig withBehindAfter(Duration value) {
        return new FleetConfig(heartbeatInterval, downAfter, value, owner, labels, watchdogInterval);
    }

    public FleetConfig withWatchdogInterval(Duration value) {
        return new FleetConfig(heartbeatInterval, downAfter, behindAfter, owner, labels, value);
    }

    public FleetConfig withOwner(String value, Map<String, String> labelsValue) {
        return new FleetConfig(heartbeatInterval, downAfter, behindAfter, value, labelsValue, watchdogInterval);
    }
}

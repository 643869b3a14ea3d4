package dev.certsonar.aggregator.fleet;

import dev.certsonar.aggregator.state.ServiceInput;

import java.util.Objects;

/**
 * What the fleet emits: a status of a zone's or the watchdog's service for service-status (null bytes: a tombstone), a
 * zone's hold for every service-state task, and a zone back with a scanner, whose targets every scheduler task scans
 * again at once.
 */
public sealed interface FleetOutput {

    /** A service's status in Avro single-object encoding, or null for its tombstone. */
    record Status(String service, byte[] encoded) implements FleetOutput {
        public Status {
            Objects.requireNonNull(service, "service");
        }
    }

    /** A zone's hold begun or ended. */
    record Hold(ServiceInput.ZoneChanged change) implements FleetOutput {
        public Hold {
            Objects.requireNonNull(change, "change");
        }
    }

    /** A zone whose targets are to be scanned at once. */
    record Rescan(String zone) implements FleetOutput {
        public Rescan {
            Objects.requireNonNull(zone, "zone");
        }
    }
}

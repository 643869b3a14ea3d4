package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Target;

import java.util.Objects;

/**
 * What the service-state processor consumes, keyed by service: a target of the service added or
 * changed, a target removed from the service, or an observation of one of its endpoints; and, keyed by its id and
 * sent to every partition, an accepted exception written or removed, or a zone's hold begun or ended.
 */
public sealed interface ServiceInput {

    /** A target of the service, new or changed. */
    record TargetUpserted(String targetId, Target target) implements ServiceInput {
        public TargetUpserted {
            Objects.requireNonNull(targetId, "targetId");
            Objects.requireNonNull(target, "target");
        }
    }

    /** A target no longer belongs to the service (deleted, or moved to another service). */
    record TargetRemoved(String targetId) implements ServiceInput {
        public TargetRemoved {
            Objects.requireNonNull(targetId, "targetId");
        }
    }

    /**
     * An observation of one endpoint of the service.
     *
     * @param encoded the observation in Avro single-object encoding as it was read (any frozen writer version),
     *                or null when it was not read from bytes
     */
    record Observed(Observation observation, byte[] encoded) implements ServiceInput {
        public Observed {
            Objects.requireNonNull(observation, "observation");
        }

        public Observed(Observation observation) {
            this(observation, null);
        }
    }

    /** An accepted exception, new or changed; {@code exception} null when it was removed. */
    record ExceptionChanged(String id, AcceptedException exception) implements ServiceInput {
        public ExceptionChanged {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * A zone's hold, as the fleet decided it, sent to every partition: {@code heldSince} since when the zone has no
     * scanner (null when it has one), {@code resumedAt} when its last hold ended (null when it never had one).
     */
    record ZoneChanged(String zone, java.time.Instant heldSince, java.time.Instant resumedAt) implements ServiceInput {
        public ZoneChanged {
            Objects.requireNonNull(zone, "zone");
        }
    }
}

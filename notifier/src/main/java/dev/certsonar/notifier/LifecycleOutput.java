package dev.certsonar.notifier;

import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertLifecycle;

/** What the alert lifecycle writes, each to its topic: alert events, alert states, and acknowledgement tombstones. */
sealed interface LifecycleOutput {

    /** An event for the alerts topic, keyed by service. */
    record AlertEvent(Alert alert) implements LifecycleOutput {
    }

    /** An alert's state for the alert-states topic, keyed by alertId; null when the notifier forgets the alert. */
    record StateChange(AlertLifecycle state) implements LifecycleOutput {
    }

    /** The tombstone of an acknowledgement, keyed by alertId: it ended with its firing episode, or was refused. */
    record AckEnded() implements LifecycleOutput {
    }
}

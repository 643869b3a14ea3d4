package dev.certsonar.notifier;

import dev.certsonar.notifier.AlertRecord.Phase;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.LifecycleState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;

/** An alert's state as {@code alert-states} shows it, from its lifecycle record. */
final class AlertStates {

    private AlertStates() {
    }

    /**
     * The state: HELD while pending; RESOLVED once ended; while firing SILENCED when a silence mutes it, else
     * ACKNOWLEDGED when someone is on it, else FIRING. Its {@code updatedAt} is the epoch, for comparing two states
     * by their content; {@link #at} sets it.
     */
    static AlertLifecycle of(AlertRecord r) {
        Alert a = r.alert();
        LifecycleState state = switch (r.phase()) {
            case PENDING -> LifecycleState.HELD;
            case RESOLVED -> LifecycleState.RESOLVED;
            case FIRING -> !r.silences().isEmpty() ? LifecycleState.SILENCED
                    : r.ack() != null ? LifecycleState.ACKNOWLEDGED : LifecycleState.FIRING;
        };
        boolean reminded = r.phase() == Phase.FIRING && r.silences().isEmpty() && r.ack() == null
                && r.dueAt() != AlertRecord.NEVER;
        return AlertLifecycle.newBuilder()
                .setAlertId(a.getAlertId())
                .setState(state)
                .setSeverity(a.getSeverity())
                .setCondition(a.getCondition())
                .setLevel(a.getLevel())
                .setService(a.getService())
                .setOwner(a.getOwner())
                .setLabels(new HashMap<>(a.getLabels()))
                .setCertificate(a.getCertificate())
                .setEndpoints(new ArrayList<>(a.getEndpoints()))
                .setMessage(r.phase() == Phase.PENDING ? AlertMessages.firing(a, r.detail()) : a.getMessage())
                .setSince(Instant.ofEpochMilli(r.since()))
                .setFirstFiredAt(r.phase() == Phase.PENDING ? null : a.getFirstFiredAt())
                .setHeldUntil(r.phase() == Phase.PENDING ? instant(r.dueAt()) : null)
                .setLastNotifiedAt(instant(r.lastNotifiedAt()))
                .setNextReminderAt(reminded ? instant(r.dueAt()) : null)
                .setSilences(new ArrayList<>(r.silences()))
                .setAcknowledgement(r.phase() == Phase.FIRING ? r.ack() : null)
                .setResolvedAt(r.phase() == Phase.RESOLVED ? a.getAt() : null)
                .setUpdatedAt(Instant.EPOCH)
                .build();
    }

    /** The state with its {@code updatedAt}. */
    static AlertLifecycle at(AlertLifecycle state, long now) {
        return AlertLifecycle.newBuilder(state).setUpdatedAt(Instant.ofEpochMilli(now)).build();
    }

    private static Instant instant(long millis) {
        return millis == AlertRecord.NEVER ? null : Instant.ofEpochMilli(millis);
    }
}

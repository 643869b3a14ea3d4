package dev.certsonar.notifier;

import dev.certsonar.notifier.AlertRecord.Phase;
import dev.certsonar.notifier.LifecycleOutput.AckEnded;
import dev.certsonar.notifier.LifecycleOutput.AlertEvent;
import dev.certsonar.notifier.LifecycleOutput.StateChange;
import dev.certsonar.notifier.NotifierInput.AckChange;
import dev.certsonar.notifier.NotifierInput.SilenceChange;
import dev.certsonar.notifier.NotifierInput.StatusChange;
import dev.certsonar.schemas.Endpoints;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.EndpointStatus;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.policy.ConditionFacts;
import dev.certsonar.schemas.store.CompositeKeys;
import dev.certsonar.schemas.store.DueIndex;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns service statuses into alert events, and applies the operator's silences and acknowledgements to them. For
 * every condition of a status there is one alertId (service, certificate, condition, level); it fires once, is
 * reminded of on a schedule, and resolves when the condition is no longer in the service's status.
 * <p>
 * A silence mutes delivery: events it covers carry {@code silenced: true}, which the channels skip; when no silence
 * mutes a firing alert any more and a FIRING event of it was muted, one FIRING event goes to the channels then. A
 * RESOLVED event is muted exactly when the channels never got a FIRING event of its episode. An acknowledgement stops
 * the reminders of a firing alert until it resolves, when its tombstone is written. Every change of an alert's state
 * is published on {@code alert-states}, in the same transaction as the events.
 * <p>
 * The state lives in the lifecycle store by alertId, an index by service (escaped {@link CompositeKeys}, read by
 * prefix scan), the task's own copy of every silence ({@link SilenceBook}), and a {@link DueIndex} of when each alert is
 * looked at next and when a silence next starts or ends. Stores an earlier notifier wrote are brought to this layout
 * at the first record or punctuation ({@link AlertStoreUpgrade}).
 */
final class AlertLifecycleProcessor implements Processor<String, NotifierInput, String, LifecycleOutput> {

    private static final Logger log = LoggerFactory.getLogger(AlertLifecycleProcessor.class);
    private static final StringSerializer STRINGS = new StringSerializer();
    /** The name in the due index of the next start or end of a silence (no alertId: those are 32 hex digits). */
    static final String SILENCE_CHECK = "silence-check";

    private final NotifierConfig config;
    private ProcessorContext<String, LifecycleOutput> context;
    private KeyValueStore<String, AlertRecord> lifecycle;
    private KeyValueStore<String, String> byService;
    /** AlertId → when the wall-clock check looks at it next (fires a held-down alert, reminds, forgets). */
    private DueIndex due;
    private SilenceBook silences;
    private AlertStoreUpgrade upgrade;
    /** The silences active at {@link #mutingTime}, while the silences do not change. */
    private SilenceBook.Muting muting;
    private long mutingTime;

    AlertLifecycleProcessor(NotifierConfig config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, LifecycleOutput> context) {
        this.context = context;
        lifecycle = context.getStateStore(AlertTopology.LIFECYCLE_STORE);
        byService = context.getStateStore(AlertTopology.BY_SERVICE_STORE);
        KeyValueStore<Bytes, String> dueByTime = context.getStateStore(AlertTopology.DUE_STORE);
        due = new DueIndex(dueByTime, context.getStateStore(AlertTopology.DUE_AT_STORE));
        silences = new SilenceBook(context.getStateStore(AlertTopology.SILENCES_STORE));
        muting = null;
        upgrade = new AlertStoreUpgrade(lifecycle, byService, dueByTime, due,
                (r, now) -> publish(r.alert().getAlertId(), AlertStates.of(r), now));
        context.schedule(config.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, NotifierInput> record) {
        upgrade.once(record.timestamp());
        switch (record.value()) {
            case StatusChange s -> onStatus(record.key(), s.status(), record.timestamp());
            case SilenceChange s -> onSilence(s, record.timestamp());
            case AckChange a -> onAck(a, record.timestamp());
            case null, default -> log.atWarn().addKeyValue("key", record.key()).addKeyValue("timestamp", record.timestamp())
                    .log("skipping a record the alert lifecycle does not take");
        }
    }

    private void onStatus(String key, ServiceStatus status, long timestamp) {
        String service = key != null ? key : status != null ? status.getService() : null;
        if (service == null) {
            log.atWarn().addKeyValue("timestamp", timestamp).log("skipping a service status without key and value");
            return;
        }
        if (status == null) {
            for (AlertRecord existing : alertsOf(service)) {
                end(existing, timestamp, "the service is no longer monitored");
            }
            return;
        }
        long now = status.getUpdatedAt().toEpochMilli();
        Map<String, Wanted> wanted = wanted(service, status);
        for (Wanted w : wanted.values()) {
            AlertRecord existing = lifecycle.get(w.alert().getAlertId());
            if (existing == null || existing.phase() != Phase.FIRING) {
                if (mayFire(w.condition(), now)) {
                    fire(existing, w.alert(), w.detail(), w.condition().getSince().toEpochMilli(), w.targets(), now);
                } else {
                    hold(existing, w, now);
                }
            } else if (w.condition().getType() == ConditionType.WATCHDOG && now > existing.alert().getAt().toEpochMilli()) {
                // the watchdog's status comes again every interval: each is a repeat of its alert, whatever the reminders
                remind(existing, now, true);
            } else {
                AlertRecord updated = existing.withAlert(withFiringFields(w.alert(), existing.alert()), w.detail())
                        .withTargets(w.targets());
                settle(existing, updated, mutingAt(now).ids(facts(updated)), now);
            }
        }
        for (AlertRecord existing : alertsOf(service)) {
            if (!wanted.containsKey(existing.alert().getAlertId())) {
                end(existing, now, resolutionReason(existing.alert(), status));
            }
        }
    }

    /** The alerts a status asks for, by alertId; of EXPIRING levels of one certificate only the highest. */
    private Map<String, Wanted> wanted(String service, ServiceStatus status) {
        Map<String, Condition> highest = new LinkedHashMap<>();
        for (Condition c : status.getConditions()) {
            String sha = c.getCertificate() == null ? "" : c.getCertificate().getSha256();
            String key = c.getType() + "|" + sha;
            Condition seen = highest.get(key);
            if (seen == null || rank(c.getLevel()) > rank(seen.getLevel())) {
                highest.put(key, c);
            }
        }
        Map<String, Wanted> wanted = new LinkedHashMap<>();
        Instant at = status.getUpdatedAt();
        for (Condition c : highest.values()) {
            String sha = c.getCertificate() == null ? null : c.getCertificate().getSha256();
            String alertId = AlertIds.alertId(service, sha, c.getType(), c.getLevel());
            Alert alert = Alert.newBuilder()
                    .setAlertId(alertId)
                    .setEventId("")
                    .setState(AlertState.FIRING)
                    .setReminder(false)
                    .setSeverity(AlertMessages.severity(c.getType(), c.getLevel()))
                    .setCondition(c.getType())
                    .setLevel(c.getLevel())
                    .setService(service)
                    .setOwner(status.getOwner())
                    .setLabels(new HashMap<>(status.getLabels()))
                    .setDaysLeft(AlertMessages.daysLeft(c.getCertificate(), at))
                    .setCertificate(c.getCertificate())
                    .setEndpoints(new ArrayList<>(c.getEndpoints()))
                    .setMessage("")
                    .setAt(at)
                    .setFirstFiredAt(null)
                    .setSilenced(false)
                    .build();
            wanted.put(alertId, new Wanted(c, alert, c.getMessage(), targetsOf(c, status)));
        }
        return wanted;
    }

    /**
     * The ids of the targets that found the endpoints the condition is about; of all the service's targets when the
     * condition names none of its endpoints.
     */
    private static List<String> targetsOf(Condition c, ServiceStatus status) {
        Set<String> named = new HashSet<>(c.getEndpoints());
        Set<String> targets = new TreeSet<>();
        for (EndpointStatus e : status.getEndpoints()) {
            if (named.contains(Endpoints.describe(e.getEndpoint()))) {
                targets.add(e.getTargetId());
            }
        }
        if (targets.isEmpty()) {
            status.getEndpoints().forEach(e -> targets.add(e.getTargetId()));
        }
        return List.copyOf(targets);
    }

    private boolean mayFire(Condition c, long now) {
        Optional<Duration> holdDown = config.holdDown(c.getType());
        return holdDown.isEmpty() || c.getConsecutive() >= config.holdDownObservations()
                || now - c.getSince().toEpochMilli() >= holdDown.get().toMillis();
    }

    private void hold(AlertRecord existing, Wanted w, long now) {
        long since = w.condition().getSince().toEpochMilli();
        long dueAt = since + config.holdDown(w.condition().getType()).orElseThrow().toMillis();
        String alertId = w.alert().getAlertId();
        List<String> muted = mutingAt(now).ids(ConditionFacts.of(w.alert(), w.targets()));
        AlertRecord pending = new AlertRecord(Phase.PENDING, -1, since, dueAt, w.detail(), w.alert(), since,
                AlertRecord.NEVER, muted, null, w.targets());
        save(existing, pending, now);
        byService.put(serviceKey(w.alert().getService(), alertId), alertId);
        scheduleDue(pending);
        log.atDebug().addKeyValue("alertId", alertId).addKeyValue("service", w.alert().getService())
                .addKeyValue("condition", w.alert().getCondition())
                .addKeyValue("consecutive", w.condition().getConsecutive())
                .log("holding a condition down before it fires");
    }

    private void fire(AlertRecord existing, Alert content, String detail, long since, List<String> targets, long now) {
        String alertId = content.getAlertId();
        Instant at = Instant.ofEpochMilli(now);
        List<String> muted = mutingAt(now).ids(ConditionFacts.of(content, targets));
        Alert alert = Alert.newBuilder(content)
                .setEventId(AlertIds.eventId(alertId, now, 0, AlertState.FIRING))
                .setState(AlertState.FIRING)
                .setReminder(false)
                .setAt(at)
                .setFirstFiredAt(at)
                .setDaysLeft(AlertMessages.daysLeft(content.getCertificate(), at))
                .setSilenced(!muted.isEmpty())
                .build();
        alert.setMessage(AlertMessages.firing(alert, detail));
        long dueAt = reminderInterval(alert).map(i -> now + i.toMillis()).orElse(AlertRecord.NEVER);
        AlertRecord firing = new AlertRecord(Phase.FIRING, 0, now, dueAt, detail, alert, since,
                muted.isEmpty() ? now : AlertRecord.NEVER, muted, null, targets);
        save(existing, firing, now);
        byService.put(serviceKey(alert.getService(), alertId), alertId);
        scheduleDue(firing);
        emit(alert);
    }

    /** What happens to an alert whose condition is gone: a held one is forgotten, a firing one resolves. */
    private void end(AlertRecord existing, long now, String reason) {
        switch (existing.phase()) {
            case PENDING -> {
                log.atDebug().addKeyValue("alertId", existing.alert().getAlertId())
                        .addKeyValue("service", existing.alert().getService())
                        .log("a held-down condition ended before it fired");
                forget(existing, now);
            }
            case FIRING -> resolve(existing, now, reason);
            case RESOLVED -> {
            }
        }
    }

    private void resolve(AlertRecord existing, long now, String reason) {
        Alert last = existing.alert();
        String alertId = last.getAlertId();
        Instant at = Instant.ofEpochMilli(now);
        long sequence = existing.sequence() + 1;
        Alert alert = Alert.newBuilder(last)
                .setEventId(AlertIds.eventId(alertId, existing.episodeStart(), sequence, AlertState.RESOLVED))
                .setState(AlertState.RESOLVED)
                .setReminder(false)
                .setAt(at)
                .setDaysLeft(AlertMessages.daysLeft(last.getCertificate(), at))
                .setSilenced(existing.lastNotifiedAt() == AlertRecord.NEVER)
                .build();
        alert.setMessage(AlertMessages.resolved(alert, reason));
        AlertRecord resolved = new AlertRecord(Phase.RESOLVED, sequence, existing.episodeStart(),
                now + config.keepResolved().toMillis(), existing.detail(), alert, existing.since(),
                existing.lastNotifiedAt(), List.of(), null, existing.targets());
        save(existing, resolved, now);
        scheduleDue(resolved);
        emit(alert);
        if (existing.ack() != null) {
            context.forward(new Record<>(alertId, new AckEnded(), now));
        }
    }

    /** Drops the alert from the stores, and from {@code alert-states}. */
    private void forget(AlertRecord existing, long now) {
        String alertId = existing.alert().getAlertId();
        due.cancel(alertId);
        lifecycle.delete(alertId);
        byService.delete(serviceKey(existing.alert().getService(), alertId));
        context.forward(new Record<>(alertId, new StateChange(null), now));
    }

    private void punctuate(long timestamp) {
        upgrade.once(timestamp);
        for (String name : due.due(Instant.ofEpochMilli(timestamp))) {
            due.cancel(name);
            if (name.equals(SILENCE_CHECK)) {
                recheckSilences(timestamp);
                continue;
            }
            AlertRecord r = lifecycle.get(name);
            if (r == null) {
                continue;
            }
            switch (r.phase()) {
                case PENDING -> fire(r, r.alert(), r.detail(), r.since(), r.targets(), timestamp);
                case FIRING -> remind(r, timestamp);
                case RESOLVED -> forget(r, timestamp);
            }
        }
    }

    private void remind(AlertRecord r, long now) {
        remind(r, now, false);
    }

    /**
     * A reminder of a firing alert, at its reminder interval; or, with {@code repeat}, a repeat its service asked for
     * (the watchdog's), which an acknowledgement does not stop and which schedules no reminder of its own.
     */
    private void remind(AlertRecord r, long now, boolean repeat) {
        Optional<Duration> interval = reminderInterval(r.alert());
        if (!repeat && (interval.isEmpty() || r.ack() != null)) {
            save(r, r.withDueAt(AlertRecord.NEVER), now);
            return;
        }
        Instant at = Instant.ofEpochMilli(now);
        long sequence = r.sequence() + 1;
        List<String> muted = mutingAt(now).ids(facts(r));
        Alert alert = Alert.newBuilder(r.alert())
                .setEventId(AlertIds.eventId(r.alert().getAlertId(), r.episodeStart(), sequence, AlertState.FIRING))
                .setState(AlertState.FIRING)
                .setReminder(!muted.isEmpty() || r.lastNotifiedAt() != AlertRecord.NEVER)
                .setAt(at)
                .setDaysLeft(AlertMessages.daysLeft(r.alert().getCertificate(), at))
                .setSilenced(!muted.isEmpty())
                .build();
        alert.setMessage(AlertMessages.firing(alert, r.detail()));
        long next;
        if (repeat) {
            next = r.dueAt();
        } else {
            next = r.dueAt() + interval.get().toMillis();
            if (next <= now) {
                next = now + interval.get().toMillis();
            }
        }
        AlertRecord reminded = new AlertRecord(Phase.FIRING, sequence, r.episodeStart(), next, r.detail(), alert,
                r.since(), muted.isEmpty() ? now : r.lastNotifiedAt(), muted, repeat ? r.ack() : null, r.targets());
        save(r, reminded, now);
        scheduleDue(reminded);
        emit(alert);
    }

    /** A silence was written or deleted: every alert of this task is looked at again. */
    private void onSilence(SilenceChange change, long now) {
        if (change.silence() == null) {
            silences.remove(change.id());
        } else {
            if (!change.id().equals(change.silence().getId())) {
                log.atWarn().addKeyValue("key", change.id()).addKeyValue("id", change.silence().getId())
                        .log("a silence whose id is not its key; the key names it");
            }
            silences.put(change.id(), change.silence());
        }
        muting = null;
        recheckSilences(now);
    }

    /**
     * Looks at every alert again as the silences stand at {@code now}: a firing alert that no silence mutes any more
     * and whose last FIRING event was muted goes to the channels now; any other change of the silences that mute an
     * alert is published. Then the check is due again at the next start or end of a silence.
     */
    private void recheckSilences(long now) {
        silences.dropEnded(Instant.ofEpochMilli(now));
        muting = null;
        SilenceBook.Muting active = mutingAt(now);
        List<AlertRecord> records = new ArrayList<>();
        try (KeyValueIterator<String, AlertRecord> it = lifecycle.all()) {
            it.forEachRemaining(kv -> records.add(kv.value));
        }
        for (AlertRecord r : records) {
            if (r.phase() == Phase.RESOLVED) {
                continue;
            }
            List<String> muted = active.ids(facts(r));
            if (!muted.equals(r.silences()) || muted.isEmpty() && r.alert().getSilenced()) {
                settle(r, r, muted, now);
            }
        }
        silences.nextChange(Instant.ofEpochMilli(now)).ifPresentOrElse(
                at -> due.schedule(SILENCE_CHECK, at), () -> due.cancel(SILENCE_CHECK));
    }

    /**
     * Writes {@code r} (the record {@code before} becomes) with the silences that mute it now; when none does and the
     * last FIRING event of a firing alert was muted, the channels get it now.
     */
    private void settle(AlertRecord before, AlertRecord r, List<String> muted, long now) {
        if (r.phase() == Phase.FIRING && muted.isEmpty() && r.alert().getSilenced()) {
            unmute(before, r, now);
        } else {
            save(before, r.withSilences(muted), now);
        }
    }

    /** The FIRING event the channels are owed once no silence mutes the alert. */
    private void unmute(AlertRecord before, AlertRecord r, long now) {
        Instant at = Instant.ofEpochMilli(now);
        long sequence = r.sequence() + 1;
        Alert alert = Alert.newBuilder(r.alert())
                .setEventId(AlertIds.eventId(r.alert().getAlertId(), r.episodeStart(), sequence, AlertState.FIRING))
                .setState(AlertState.FIRING)
                .setReminder(r.lastNotifiedAt() != AlertRecord.NEVER)
                .setAt(at)
                .setDaysLeft(AlertMessages.daysLeft(r.alert().getCertificate(), at))
                .setSilenced(false)
                .build();
        alert.setMessage(AlertMessages.firing(alert, r.detail()));
        long dueAt = r.ack() == null
                ? reminderInterval(alert).map(i -> now + i.toMillis()).orElse(AlertRecord.NEVER) : AlertRecord.NEVER;
        AlertRecord delivered = new AlertRecord(Phase.FIRING, sequence, r.episodeStart(), dueAt, r.detail(), alert,
                r.since(), now, List.of(), r.ack(), r.targets());
        save(before, delivered, now);
        scheduleDue(delivered);
        emit(alert);
    }

    /**
     * An acknowledgement of an alert of this task's services: a firing alert takes it (its reminders stop) or gives it
     * up (its reminders go on from now); an acknowledgement of an alert that is not firing is withdrawn.
     */
    private void onAck(AckChange change, long now) {
        String alertId = change.alertId();
        AlertRecord r = lifecycle.get(alertId);
        Acknowledgement ack = change.ack();
        if (ack == null) {
            if (r != null && r.phase() == Phase.FIRING && r.ack() != null) {
                long next = reminderInterval(r.alert())
                        .map(i -> Math.max(r.alert().getAt().toEpochMilli() + i.toMillis(), now))
                        .orElse(AlertRecord.NEVER);
                AlertRecord unacknowledged = r.withAck(null, next);
                save(r, unacknowledged, now);
                scheduleDue(unacknowledged);
            }
            return;
        }
        if (r == null || r.phase() != Phase.FIRING) {
            log.atInfo().addKeyValue("alertId", alertId).addKeyValue("by", ack.getBy())
                    .addKeyValue("state", r == null ? "unknown" : AlertStates.of(r).getState())
                    .log("an acknowledgement of an alert that is not firing is withdrawn");
            context.forward(new Record<>(alertId, new AckEnded(), now));
            return;
        }
        if (ack.equals(r.ack())) {
            return;
        }
        save(r, r.withAck(ack, AlertRecord.NEVER), now);
        due.cancel(alertId);
    }

    /** Writes the record; when the state {@code alert-states} shows changes with it, publishes the new state. */
    private void save(AlertRecord before, AlertRecord after, long now) {
        String alertId = after.alert().getAlertId();
        lifecycle.put(alertId, after);
        AlertLifecycle state = AlertStates.of(after);
        if (before == null || !state.equals(AlertStates.of(before))) {
            publish(alertId, state, now);
        }
    }

    private void publish(String alertId, AlertLifecycle state, long now) {
        context.forward(new Record<>(alertId, new StateChange(AlertStates.at(state, now)), now));
    }

    private void emit(Alert alert) {
        log.atDebug().addKeyValue("alertId", alert.getAlertId()).addKeyValue("eventId", alert.getEventId())
                .addKeyValue("state", alert.getState()).addKeyValue("reminder", alert.getReminder())
                .addKeyValue("silenced", alert.getSilenced()).log("alert event");
        context.forward(new Record<>(alert.getService(), new AlertEvent(alert), alert.getAt().toEpochMilli()));
    }

    private SilenceBook.Muting mutingAt(long now) {
        if (muting == null || mutingTime != now) {
            muting = silences.at(Instant.ofEpochMilli(now));
            mutingTime = now;
        }
        return muting;
    }

    private static ConditionFacts facts(AlertRecord r) {
        return ConditionFacts.of(r.alert(), r.targets());
    }

    /**
     * The content of a status update applied to a firing alert, keeping what belongs to the episode. The alertId
     * fixes the service, certificate, condition and level; a status brings the rest.
     */
    private static Alert withFiringFields(Alert fromStatus, Alert firing) {
        Alert updated = Alert.newBuilder(firing).build();
        updated.setSeverity(fromStatus.getSeverity());
        updated.setOwner(fromStatus.getOwner());
        updated.setLabels(fromStatus.getLabels());
        updated.setCertificate(fromStatus.getCertificate());
        updated.setEndpoints(fromStatus.getEndpoints());
        return updated;
    }

    private Optional<Duration> reminderInterval(Alert alert) {
        return config.reminderInterval(alert.getSeverity(), alert.getCondition());
    }

    private List<AlertRecord> alertsOf(String service) {
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, String> it = byService.prefixScan(CompositeKeys.prefix(service), STRINGS)) {
            it.forEachRemaining(kv -> ids.add(kv.value));
        }
        List<AlertRecord> records = new ArrayList<>(ids.size());
        for (String id : ids) {
            AlertRecord r = lifecycle.get(id);
            if (r == null) {
                byService.delete(serviceKey(service, id));
            } else {
                records.add(r);
            }
        }
        return records;
    }

    /** Makes the alert due when its record says, or not at all. */
    private void scheduleDue(AlertRecord r) {
        String alertId = r.alert().getAlertId();
        if (r.dueAt() == AlertRecord.NEVER) {
            due.cancel(alertId);
        } else {
            due.schedule(alertId, Instant.ofEpochMilli(r.dueAt()));
        }
    }

    /** Why an alert's condition is gone from a status, in words. */
    private static String resolutionReason(Alert alert, ServiceStatus status) {
        CertificateRef cert = alert.getCertificate();
        String sha = cert == null ? null : cert.getSha256();
        for (Condition c : status.getConditions()) {
            String otherSha = c.getCertificate() == null ? null : c.getCertificate().getSha256();
            if (c.getType() == alert.getCondition() && Objects.equals(sha, otherSha)
                    && c.getLevel() != alert.getLevel()) {
                return "now at level " + c.getLevel();
            }
            if (sha != null && sha.equals(otherSha) && alert.getCondition() == ConditionType.EXPIRING
                    && c.getType() == ConditionType.EXPIRED) {
                return "the certificate has expired";
            }
        }
        if (cert != null) {
            CertificateRef renewal = renewalOf(cert, status);
            if (renewal != null) {
                return "renewed, " + renewal.getSubject() + " is served now, valid until "
                        + AlertMessages.formatDate(renewal.getNotAfter());
            }
        }
        return switch (alert.getCondition()) {
            case UNREACHABLE -> "reachable again";
            case STALE -> "observed again";
            case ROLLOUT_INCOMPLETE -> "the rollout is complete";
            default -> "the condition no longer holds";
        };
    }

    /** A leaf served now with the subject of {@code cert} but another fingerprint: its renewal. */
    private static CertificateRef renewalOf(CertificateRef cert, ServiceStatus status) {
        CertificateRef renewal = null;
        for (EndpointStatus e : status.getEndpoints()) {
            CertificateRef leaf = e.getLeaf();
            if (leaf == null) {
                continue;
            }
            if (leaf.getSha256().equals(cert.getSha256())) {
                return null;
            }
            if (leaf.getSubject().equals(cert.getSubject())) {
                renewal = leaf;
            }
        }
        return renewal;
    }

    private static int rank(Severity s) {
        return switch (s) {
            case CRITICAL -> 3;
            case WARNING -> 2;
            case INFO -> 1;
            case UNKNOWN -> 0;
        };
    }

    static String serviceKey(String service, String alertId) {
        return CompositeKeys.of(service, alertId);
    }

    private record Wanted(Condition condition, Alert alert, String detail, List<String> targets) {
    }
}

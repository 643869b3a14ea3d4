package dev.certsonar.notifier;

import dev.certsonar.notifier.AlertRecord.Phase;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.EndpointStatus;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns service statuses into alert events. For every condition of a status there is one alertId (service,
 * certificate, condition, level); it fires once, is reminded of on a schedule, and resolves when the condition is no
 * longer in the service's status. The state lives in the lifecycle store by alertId, an index by service (escaped
 * {@link CompositeKeys}, read by prefix scan) and a {@link DueIndex} of when each alert is looked at next. Stores an
 * earlier notifier wrote are brought to this layout at the first record or punctuation ({@link AlertStoreUpgrade}).
 */
final class AlertLifecycleProcessor implements Processor<String, ServiceStatus, String, Alert> {

    private static final Logger log = LoggerFactory.getLogger(AlertLifecycleProcessor.class);
    private static final StringSerializer STRINGS = new StringSerializer();

    private final NotifierConfig config;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, AlertRecord> lifecycle;
    private KeyValueStore<String, String> byService;
    /** AlertId → when the wall-clock check looks at it next (fires a held-down alert, or reminds). */
    private DueIndex due;
    private AlertStoreUpgrade upgrade;

    AlertLifecycleProcessor(NotifierConfig config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        lifecycle = context.getStateStore(AlertTopology.LIFECYCLE_STORE);
        byService = context.getStateStore(AlertTopology.BY_SERVICE_STORE);
        KeyValueStore<Bytes, String> dueByTime = context.getStateStore(AlertTopology.DUE_STORE);
        due = new DueIndex(dueByTime, context.getStateStore(AlertTopology.DUE_AT_STORE));
        upgrade = new AlertStoreUpgrade(lifecycle, byService, dueByTime, due);
        context.schedule(config.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, ServiceStatus> record) {
        upgrade.once();
        ServiceStatus status = record.value();
        String service = record.key() != null ? record.key() : status != null ? status.getService() : null;
        if (service == null) {
            log.atWarn().addKeyValue("timestamp", record.timestamp())
                    .log("skipping a service status without key and value");
            return;
        }
        if (status == null) {
            long now = record.timestamp();
            for (AlertRecord existing : alertsOf(service)) {
                resolve(existing, now, "the service is no longer monitored");
            }
            return;
        }
        long now = status.getUpdatedAt().toEpochMilli();
        Map<String, Wanted> wanted = wanted(service, status);
        for (Wanted w : wanted.values()) {
            AlertRecord existing = lifecycle.get(w.alert().getAlertId());
            if (existing == null || existing.phase() == Phase.PENDING) {
                if (mayFire(w.condition(), now)) {
                    fire(w.alert(), w.detail(), now);
                } else {
                    hold(w);
                }
            } else {
                lifecycle.put(w.alert().getAlertId(), existing.withAlert(
                        withFiringFields(w.alert(), existing.alert()), w.detail()));
            }
        }
        for (AlertRecord existing : alertsOf(service)) {
            if (!wanted.containsKey(existing.alert().getAlertId())) {
                resolve(existing, now, resolutionReason(existing.alert(), status));
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
                    .build();
            wanted.put(alertId, new Wanted(c, alert, c.getMessage()));
        }
        return wanted;
    }

    private boolean mayFire(Condition c, long now) {
        if (!config.heldDown(c.getType())) {
            return true;
        }
        return c.getConsecutive() >= config.holdDownObservations()
                || now - c.getSince().toEpochMilli() >= config.holdDownDuration().toMillis();
    }

    private void hold(Wanted w) {
        long dueAt = w.condition().getSince().toEpochMilli() + config.holdDownDuration().toMillis();
        String alertId = w.alert().getAlertId();
        AlertRecord pending = new AlertRecord(Phase.PENDING, -1, w.condition().getSince().toEpochMilli(), dueAt,
                w.detail(), w.alert());
        lifecycle.put(alertId, pending);
        byService.put(serviceKey(w.alert().getService(), alertId), alertId);
        scheduleDue(pending);
        log.atDebug().addKeyValue("alertId", alertId).addKeyValue("service", w.alert().getService())
                .addKeyValue("condition", w.alert().getCondition())
                .addKeyValue("consecutive", w.condition().getConsecutive())
                .log("holding a condition down before it fires");
    }

    private void fire(Alert content, String detail, long now) {
        String alertId = content.getAlertId();
        Instant at = Instant.ofEpochMilli(now);
        Alert alert = Alert.newBuilder(content)
                .setEventId(AlertIds.eventId(alertId, now, 0, AlertState.FIRING))
                .setState(AlertState.FIRING)
                .setReminder(false)
                .setAt(at)
                .setFirstFiredAt(at)
                .setDaysLeft(AlertMessages.daysLeft(content.getCertificate(), at))
                .build();
        alert.setMessage(AlertMessages.firing(alert, detail));
        long dueAt = reminderInterval(alert).map(i -> now + i.toMillis()).orElse(AlertRecord.NEVER);
        AlertRecord firing = new AlertRecord(Phase.FIRING, 0, now, dueAt, detail, alert);
        lifecycle.put(alertId, firing);
        byService.put(serviceKey(alert.getService(), alertId), alertId);
        scheduleDue(firing);
        emit(alert);
    }

    private void resolve(AlertRecord existing, long now, String reason) {
        Alert last = existing.alert();
        String alertId = last.getAlertId();
        due.cancel(alertId);
        lifecycle.delete(alertId);
        byService.delete(serviceKey(last.getService(), alertId));
        if (existing.phase() == Phase.PENDING) {
            log.atDebug().addKeyValue("alertId", alertId).addKeyValue("service", last.getService())
                    .log("a held-down condition ended before it fired");
            return;
        }
        Instant at = Instant.ofEpochMilli(now);
        long sequence = existing.sequence() + 1;
        Alert alert = Alert.newBuilder(last)
                .setEventId(AlertIds.eventId(alertId, existing.episodeStart(), sequence, AlertState.RESOLVED))
                .setState(AlertState.RESOLVED)
                .setReminder(false)
                .setAt(at)
                .setDaysLeft(AlertMessages.daysLeft(last.getCertificate(), at))
                .build();
        alert.setMessage(AlertMessages.resolved(alert, reason));
        emit(alert);
    }

    private void punctuate(long timestamp) {
        upgrade.once();
        for (String alertId : due.due(Instant.ofEpochMilli(timestamp))) {
            due.cancel(alertId);
            AlertRecord r = lifecycle.get(alertId);
            if (r == null) {
                continue;
            }
            if (r.phase() == Phase.PENDING) {
                fire(r.alert(), r.detail(), timestamp);
            } else {
                remind(r, timestamp);
            }
        }
    }

    private void remind(AlertRecord r, long now) {
        Optional<Duration> interval = reminderInterval(r.alert());
        if (interval.isEmpty()) {
            lifecycle.put(r.alert().getAlertId(), r.withDueAt(AlertRecord.NEVER));
            return;
        }
        Instant at = Instant.ofEpochMilli(now);
        long sequence = r.sequence() + 1;
        Alert alert = Alert.newBuilder(r.alert())
                .setEventId(AlertIds.eventId(r.alert().getAlertId(), r.episodeStart(), sequence, AlertState.FIRING))
                .setState(AlertState.FIRING)
                .setReminder(true)
                .setAt(at)
                .setDaysLeft(AlertMessages.daysLeft(r.alert().getCertificate(), at))
                .build();
        alert.setMessage(AlertMessages.firing(alert, r.detail()));
        long next = r.dueAt() + interval.get().toMillis();
        if (next <= now) {
            next = now + interval.get().toMillis();
        }
        AlertRecord reminded = new AlertRecord(Phase.FIRING, sequence, r.episodeStart(), next, r.detail(), alert);
        lifecycle.put(alert.getAlertId(), reminded);
        scheduleDue(reminded);
        emit(alert);
    }

    private void emit(Alert alert) {
        log.atDebug().addKeyValue("alertId", alert.getAlertId()).addKeyValue("eventId", alert.getEventId())
                .addKeyValue("state", alert.getState()).addKeyValue("reminder", alert.getReminder())
                .log("alert event");
        context.forward(new Record<>(alert.getService(), alert, alert.getAt().toEpochMilli()));
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

    private record Wanted(Condition condition, Alert alert, String detail) {
    }
}

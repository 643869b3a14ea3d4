package dev.certsonar.aggregator.fleet;

import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.aggregator.StoreNames;
import dev.certsonar.aggregator.state.ServiceInput;
import dev.certsonar.schemas.AvroSerde;
import dev.certsonar.schemas.AvroSerdes;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.ScannerHeartbeat;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import org.apache.kafka.streams.KeyValue;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fleet of scanners, in one task: which zones have targets, each scanner's latest heartbeat, and each zone's
 * health, published on service-status as the service {@code zone:NAME} (owner and labels from {@link FleetConfig}), so
 * that the notifier's lifecycle and routes apply to it as to any service:
 * <ul>
 *     <li>a zone with targets and no heartbeat for {@link FleetConfig#downAfter()} is FLEET_DOWN (CRITICAL); its
 *     endpoints are held (every service-state task is told), so they get no STALE condition however long it lasts;</li>
 *     <li>the first heartbeat of a scanner of a down zone ends it: the hold is lifted and the zone's targets are scanned
 *     again at once;</li>
 *     <li>a zone whose backlog (its scanners' unread requests) grows without falling back below where it began for
 *     {@link FleetConfig#behindAfter()} is FLEET_BEHIND (WARNING), until it falls back.</li>
 * </ul>
 * With a watchdog interval, it also publishes the service {@code certsonar:watchdog}, whose WATCHDOG condition always
 * holds, once every interval. Zones are watched from the fleet's first heartbeat on, so scanners that send no heartbeat
 * (of an earlier version) are not taken for a dead fleet. Time is the record's timestamp or the punctuation's, never a
 * clock.
 */
public final class FleetProcessor implements Processor<String, FleetInput, String, FleetOutput> {

    private static final Logger log = LoggerFactory.getLogger(FleetProcessor.class);
    /** The watchdog's service. */
    public static final String WATCHDOG_SERVICE = "certsonar:watchdog";
    private static final AvroSerde<ServiceStatus> STATUSES = AvroSerdes.serde(ServiceStatus.class);
    private static final AvroSerde<ScannerHeartbeat> HEARTBEATS = AvroSerdes.serde(ScannerHeartbeat.class);
    private static final String WATCHDOG_FIRST = "first";
    private static final String WATCHDOG_LAST = "last";
    private static final String WATCHDOG_COUNT = "count";
    /** When the fleet heard its first heartbeat: before it, no zone is watched (scanners that send none are not judged). */
    private static final String FIRST_HEARTBEAT = "first-heartbeat";

    private final AggregatorConfig config;
    private final FleetConfig fleet;
    private ProcessorContext<String, FleetOutput> context;
    /**
     * When this processor started (or took the task over): a zone is not found down before {@code downAfter} from
     * then, since the heartbeats sent while no aggregator read them are still to be read.
     */
    private Instant watchingSince;
    private KeyValueStore<String, String> targetZones;
    private KeyValueStore<String, byte[]> zones;
    private KeyValueStore<String, byte[]> scanners;
    private KeyValueStore<String, Long> watchdog;

    public FleetProcessor(AggregatorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.fleet = config.fleet();
    }

    @Override
    public void init(ProcessorContext<String, FleetOutput> context) {
        this.context = context;
        this.targetZones = context.getStateStore(StoreNames.FLEET_TARGETS);
        this.zones = context.getStateStore(StoreNames.FLEET_ZONES);
        this.scanners = context.getStateStore(StoreNames.FLEET_SCANNERS);
        this.watchdog = context.getStateStore(StoreNames.FLEET_WATCHDOG);
        this.watchingSince = Instant.ofEpochMilli(context.currentSystemTimeMs());
        context.schedule(config.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, at -> tick(Instant.ofEpochMilli(at)));
    }

    @Override
    public void process(Record<String, FleetInput> record) {
        if (record.value() == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(record.timestamp());
        switch (record.value()) {
            case FleetInput.TargetZone t -> targetZone(t, now);
            case FleetInput.Heartbeat h -> heartbeat(h, now);
        }
    }

    private ZoneRecord zone(String zone) {
        return ZoneRecord.decode(zones.get(zone));
    }

    private void targetZone(FleetInput.TargetZone t, Instant now) {
        String before = targetZones.get(t.targetId());
        if (Objects.equals(before, t.zone())) {
            return;
        }
        if (before != null) {
            ZoneRecord z = zone(before);
            if (z != null) {
                z = z.withTargets(Math.max(0, z.targets() - 1));
                if (z.targets() == 0 && z.heldSince() != null) {
                    z = resume(before, z, now, false);
                }
                save(before, z);
            }
        }
        if (t.zone() == null) {
            targetZones.delete(t.targetId());
            return;
        }
        targetZones.put(t.targetId(), t.zone());
        ZoneRecord z = zone(t.zone());
        boolean created = z == null;
        if (z == null) {
            z = ZoneRecord.fresh(now);
        } else if (z.targets() == 0) {
            z = z.heard(now);
        }
        z = z.withTargets(z.targets() + 1);
        save(t.zone(), z);
        if (created) {
            log.info("Zone {} has its first target", t.zone());
            if (fleetHeard()) {
                publish(t.zone(), z, now);
            }
        }
    }

    private void heartbeat(FleetInput.Heartbeat h, Instant now) {
        ScannerHeartbeat before = HEARTBEATS.decode(scanners.get(h.scannerId()));
        ScannerHeartbeat beat = h.heartbeat();
        if (beat == null) {
            scanners.delete(h.scannerId());
            if (before != null) {
                log.info("Scanner {} of zone {} signed off", h.scannerId(), before.getZone());
                ZoneRecord z = zone(before.getZone());
                if (z != null) {
                    save(before.getZone(), backlog(before.getZone(), z, now));
                }
            }
            return;
        }
        String zoneName = beat.getZone() == null || beat.getZone().isEmpty() ? Zones.DEFAULT : beat.getZone();
        if (!fleetHeard()) {
            firstHeartbeat(now);
        }
        if (before == null) {
            log.info("Scanner {} of zone {} joined the fleet", h.scannerId(), zoneName);
        }
        scanners.put(h.scannerId(), HEARTBEATS.encode(beat));
        ZoneRecord z = zone(zoneName);
        boolean created = z == null;
        // heard when this aggregator reads the heartbeat, not when it was sent: an aggregator that falls behind its
        // inputs (a backlog, a slow broker) would otherwise find every zone down while their scanners beat on time
        Instant heardAt = Instant.ofEpochMilli(Math.max(now.toEpochMilli(), context.currentSystemTimeMs()));
        z = (created ? ZoneRecord.fresh(now) : z).heard(heardAt);
        if (z.heldSince() != null && now.plus(fleet.downAfter()).isAfter(z.heldSince())) {
            // sent within downAfter of the hold: a scanner of the zone is back (or was never gone, only late);
            // a heartbeat from before that, read late, says nothing of now
            z = resume(zoneName, z, now, true);
        }
        boolean wasBehind = z.behindSince() != null;
        z = backlog(zoneName, z, now);
        save(zoneName, z);
        if (created || wasBehind != (z.behindSince() != null)) {
            publish(zoneName, z, now);
        }
    }

    private boolean fleetHeard() {
        return watchdog.get(FIRST_HEARTBEAT) != null;
    }

    /**
     * The fleet's first heartbeat: from now on the zones are watched, each from now on (a zone with targets and no
     * scanner is down {@code downAfter} from now), and each zone's service is published.
     */
    private void firstHeartbeat(Instant now) {
        watchdog.put(FIRST_HEARTBEAT, now.toEpochMilli());
        log.info("The fleet heard its first heartbeat: zones are watched from now on");
        List<KeyValue<String, byte[]>> all = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = zones.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, byte[]> kv : all) {
            ZoneRecord z = ZoneRecord.decode(kv.value).heard(now);
            save(kv.key, z);
            publish(kv.key, z, now);
        }
    }

    /** Lifts a zone's hold: every service-state task is told, and with {@code rescan} every scheduler task. */
    private ZoneRecord resume(String zone, ZoneRecord z, Instant now, boolean rescan) {
        log.info("Zone {} {}: its endpoints are no longer held (held since {})", zone,
                rescan ? "has a scanner again" : "has no targets left", z.heldSince());
        ZoneRecord resumed = z.resumed(now);
        context.forward(new Record<>(zone, new FleetOutput.Hold(new ServiceInput.ZoneChanged(zone, null, now)), now.toEpochMilli()));
        if (rescan) {
            context.forward(new Record<>(zone, new FleetOutput.Rescan(zone), now.toEpochMilli()));
        }
        publish(zone, resumed, now);
        return resumed;
    }

    /**
     * The zone's backlog from the latest heartbeats of its live scanners, and whether it keeps growing: growing since
     * the first sample above the one before, until it falls below where it began; behind once it grew for
     * {@code behindAfter}.
     */
    private ZoneRecord backlog(String zone, ZoneRecord z, Instant now) {
        long backlog = 0;
        for (ScannerHeartbeat beat : liveScanners(zone, now)) {
            backlog += Math.max(0, beat.getBacklog());
        }
        long base = z.growthBase();
        Instant growing = z.growingSince();
        Instant behind = z.behindSince();
        if (backlog == 0) {
            growing = null;
            base = 0;
        } else if (growing == null) {
            if (backlog > z.backlog()) {
                growing = now;
                base = z.backlog();
            }
        } else if (backlog < base) {
            growing = null;
            base = backlog;
        }
        if (growing == null) {
            behind = null;
        } else if (behind == null && backlog > base && !now.isBefore(growing.plus(fleet.behindAfter()))) {
            behind = now;
            log.warn("Zone {} falls behind: its backlog grew from {} to {} scan requests since {}", zone, base, backlog, growing);
        }
        return z.withBacklog(backlog, base, growing, behind);
    }

    private List<ScannerHeartbeat> liveScanners(String zone, Instant now) {
        List<ScannerHeartbeat> live = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = scanners.all()) {
            while (it.hasNext()) {
                ScannerHeartbeat beat = HEARTBEATS.decode(it.next().value);
                if (beat != null && zone.equals(beat.getZone()) && live(beat, now)) {
                    live.add(beat);
                }
            }
        }
        return live;
    }

    private boolean live(ScannerHeartbeat beat, Instant now) {
        return !beat.getSentAt().plus(fleet.downAfter()).isBefore(now);
    }

    private void save(String zone, ZoneRecord z) {
        zones.put(zone, z.encode());
    }

    /** Looks at every zone at the punctuation's time: down, behind, gone; and the watchdog. */
    private void tick(Instant now) {
        watchdog(now);
        if (!fleetHeard()) {
            return;
        }
        Map<String, ZoneRecord> all = new LinkedHashMap<>();
        try (KeyValueIterator<String, byte[]> it = zones.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                all.put(kv.key, ZoneRecord.decode(kv.value));
            }
        }
        for (Map.Entry<String, ZoneRecord> e : all.entrySet()) {
            String zone = e.getKey();
            ZoneRecord z = e.getValue();
            Instant heard = z.lastHeard().isAfter(watchingSince) ? z.lastHeard() : watchingSince;
            if (z.targets() > 0 && z.heldSince() == null && now.isAfter(heard.plus(fleet.downAfter()))) {
                z = z.held(now);
                save(zone, z);
                log.warn("Zone {} is down: no heartbeat since {}; its {} targets are held", zone, z.lastHeard(), z.targets());
                context.forward(new Record<>(zone, new FleetOutput.Hold(new ServiceInput.ZoneChanged(zone, now, z.resumedAt())),
                        now.toEpochMilli()));
                publish(zone, z, now);
                continue;
            }
            if (z.behindSince() == null && z.growingSince() != null && z.backlog() > z.growthBase()
                    && !now.isBefore(z.growingSince().plus(fleet.behindAfter()))) {
                z = z.withBacklog(z.backlog(), z.growthBase(), z.growingSince(), now);
                save(zone, z);
                publish(zone, z, now);
                continue;
            }
            if (z.targets() == 0 && z.heldSince() == null && liveScanners(zone, now).isEmpty()) {
                zones.delete(zone);
                context.forward(new Record<>(zone, new FleetOutput.Status(Zones.service(zone), null), now.toEpochMilli()));
                log.info("Zone {} has neither targets nor live scanners: its service is withdrawn", zone);
            }
        }
    }

    /** The zone's health as the status of its service. */
    private void publish(String zone, ZoneRecord z, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        List<Condition> conditions = new ArrayList<>();
        if (z.heldSince() != null) {
            conditions.add(condition(ConditionType.FLEET_DOWN, Severity.CRITICAL, z.heldSince(), "zone " + zone
                    + " has no live scanner: no heartbeat since " + z.lastHeard() + " (for more than "
                    + Durations.format(fleet.downAfter()) + "); its " + z.targets() + " targets are held"));
        }
        if (z.behindSince() != null) {
            conditions.add(condition(ConditionType.FLEET_BEHIND, Severity.WARNING, z.behindSince(), "zone " + zone
                    + " falls behind: its backlog grew from " + z.growthBase() + " to " + z.backlog()
                    + " scan requests since " + z.growingSince()));
        }
        Status status = z.heldSince() != null ? Status.CRITICAL : z.behindSince() != null ? Status.WARNING : Status.OK;
        Map<String, String> labels = new LinkedHashMap<>(fleet.labels());
        labels.put("zone", zone);
        ServiceStatus s = ServiceStatus.newBuilder()
                .setService(Zones.service(zone))
                .setOwner(fleet.owner())
                .setLabels(labels)
                .setStatus(status)
                .setConditions(conditions)
                .setEndpoints(List.of())
                .setProblems(conditions.stream().map(Condition::getMessage).toList())
                .setZones(List.of(zone))
                .setUpdatedAt(at)
                .build();
        context.forward(new Record<>(s.getService(), new FleetOutput.Status(s.getService(), STATUSES.encode(s)), at.toEpochMilli()));
    }

    private static Condition condition(ConditionType type, Severity level, Instant since, String message) {
        return Condition.newBuilder()
                .setType(type)
                .setLevel(level)
                .setCertificate(null)
                .setEndpoints(List.of())
                .setSince(since.truncatedTo(ChronoUnit.MILLIS))
                .setConsecutive(1)
                .setMessage(message)
                .build();
    }

    /** The watchdog's status, once every watchdog interval: its WATCHDOG condition always holds. */
    private void watchdog(Instant now) {
        if (!fleet.watchdog()) {
            return;
        }
        Long last = watchdog.get(WATCHDOG_LAST);
        Duration interval = fleet.watchdogInterval();
        if (last != null && now.isBefore(Instant.ofEpochMilli(last).plus(interval))) {
            return;
        }
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        Long first = watchdog.get(WATCHDOG_FIRST);
        if (first == null) {
            first = at.toEpochMilli();
            watchdog.put(WATCHDOG_FIRST, first);
        }
        long count = watchdog.get(WATCHDOG_COUNT) == null ? 1 : watchdog.get(WATCHDOG_COUNT) + 1;
        watchdog.put(WATCHDOG_COUNT, count);
        watchdog.put(WATCHDOG_LAST, at.toEpochMilli());
        String message = "certsonar's pipeline is running: this alert always fires, every "
                + Durations.format(interval) + "; when it stops arriving, a part of certsonar stopped";
        Condition condition = Condition.newBuilder()
                .setType(ConditionType.WATCHDOG)
                .setLevel(Severity.INFO)
                .setCertificate(null)
                .setEndpoints(List.of())
                .setSince(Instant.ofEpochMilli(first))
                .setConsecutive((int) Math.min(Integer.MAX_VALUE, count))
                .setMessage(message)
                .build();
        ServiceStatus s = ServiceStatus.newBuilder()
                .setService(WATCHDOG_SERVICE)
                .setOwner(fleet.owner())
                .setLabels(fleet.labels())
                .setStatus(Status.OK)
                .setConditions(List.of(condition))
                .setEndpoints(List.of())
                .setProblems(List.of(message))
                .setUpdatedAt(at)
                .build();
        context.forward(new Record<>(WATCHDOG_SERVICE, new FleetOutput.Status(WATCHDOG_SERVICE, STATUSES.encode(s)), at.toEpochMilli()));
    }
}

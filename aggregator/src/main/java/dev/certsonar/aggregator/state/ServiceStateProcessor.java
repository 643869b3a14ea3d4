package dev.certsonar.aggregator.state;

import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.aggregator.StoreNames;
import dev.certsonar.schemas.AvroSerde;
import dev.certsonar.schemas.AvroSerdes;
import dev.certsonar.schemas.Endpoints;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.store.CompositeKeys;
import dev.certsonar.schemas.store.DueIndex;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Keeps the state of every endpoint and service, keyed by service, and writes a service's status (in Avro
 * single-object encoding) when something a person cares about changed. A wall-clock punctuator revisits services whose
 * status changes by time alone (thresholds, expiry, staleness, rollout grace), in the order of a {@link DueIndex} of
 * their next transition times. Time is the record's timestamp or the punctuation's, never earlier than the time of the
 * service's last status (a record that arrives late is judged at the time the service has reached): the same input
 * gives the same statuses, and a service's time never runs backwards.
 *
 * <p>Every task receives every accepted exception (the exceptions are sent to all partitions) and keeps those in force
 * in a store of its own, so a status and the exceptions it was judged with change in one transaction. When an
 * exception is written or removed, the services it matched or matches are evaluated again at once; when its
 * {@code until} passes, a {@link DueIndex} of ends brings it up at the punctuation, and the services it matched are
 * evaluated again. The services to look at come from an {@link ExceptionScope}: only services with conditions.
 */
public final class ServiceStateProcessor implements Processor<String, ServiceInput, String, byte[]> {

    private static final Logger log = LoggerFactory.getLogger(ServiceStateProcessor.class);
    private static final StringSerializer PREFIX_SERIALIZER = new StringSerializer();
    /**
     * How long the removal of a target from its service is remembered: observations of scans requested before it,
     * probed late (a scanner catching up after an outage), are ignored for that long.
     */
    static final java.time.Duration REMOVAL_REMEMBERED = java.time.Duration.ofDays(7);
    /** Statuses are encoded once, for the services store and for service-status alike. */
    private static final AvroSerde<ServiceStatus> STATUSES = AvroSerdes.serde(ServiceStatus.class);
    private static final AvroSerde<AcceptedException> EXCEPTIONS = AvroSerdes.serde(AcceptedException.class);
    /**
     * Endpoint observations kept decoded per stream task (those of the most recently used services). A decoded
     * observation with its chain takes several KB of heap; a service not held is read back with one prefix scan of the
     * store when it is next evaluated, a small cost at the rate a fleet is observed (each service every few minutes).
     */
    private static final int DECODED_ENDPOINTS = 1_024;
    /** Services whose targets are kept decoded per stream task. */
    private static final int DECODED_TARGET_SETS = 256;
    /** Most recently used service statuses kept decoded per stream task. */
    private static final int DECODED_SERVICES = 256;

    private final AggregatorConfig config;
    private final ServiceEvaluator evaluator;

    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, Target> targets;
    /** The targets of the most recently used services by target id, as {@link #targets} holds them; every write goes through here. */
    private final Map<String, SortedMap<String, Target>> recentTargets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SortedMap<String, Target>> eldest) {
            return size() > DECODED_TARGET_SETS;
        }
    };
    private EndpointStore endpoints;
    /** Service → its status in Avro single-object encoding, the same bytes as written to service-status. */
    private KeyValueStore<String, byte[]> services;
    /** The statuses last written to {@link #services}, most recently used first out; every write goes through here. */
    private final Map<String, HeldStatus> recentStatuses = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, HeldStatus> eldest) {
            return size() > DECODED_SERVICES;
        }
    };
    /** Service → when its status next changes by time alone. */
    private DueIndex transitions;
    private KeyValueStore<String, String> inventory;
    /** The targets removed from their service in the last {@link #REMOVAL_REMEMBERED}, so late observations of them are ignored. */
    private DueIndex removedTargets;
    /** Exception id → the exception in force, in Avro single-object encoding; every write goes through {@link #exceptions} too. */
    private KeyValueStore<String, byte[]> exceptionsInForce;
    private final AcceptedExceptions exceptions = new AcceptedExceptions();
    /** Exception id → when it ends. */
    private DueIndex exceptionEnds;
    private ExceptionScope exceptionScope;
    /** Zone → its hold (16 bytes: held since, resumed at; Long.MIN_VALUE for none); every write goes through {@link #holds} too. */
    private KeyValueStore<String, byte[]> zoneHolds;
    private final ZoneHolds holds = new ZoneHolds();

    public ServiceStateProcessor(AggregatorConfig config) {
        this.config = config;
        this.evaluator = new ServiceEvaluator(config, DECODED_ENDPOINTS);
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.targets = context.getStateStore(StoreNames.SERVICE_TARGETS);
        this.endpoints = new EndpointStore(context.getStateStore(StoreNames.ENDPOINTS), DECODED_ENDPOINTS);
        this.services = context.getStateStore(StoreNames.SERVICES);
        this.transitions = new DueIndex(context.getStateStore(StoreNames.TRANSITION_INDEX), context.getStateStore(StoreNames.NEXT_TRANSITION));
        this.inventory = context.getStateStore(StoreNames.INVENTORY);
        this.removedTargets = new DueIndex(context.getStateStore(StoreNames.REMOVED_TARGETS_INDEX), context.getStateStore(StoreNames.REMOVED_TARGETS));
        this.exceptionsInForce = context.getStateStore(StoreNames.EXCEPTIONS_IN_FORCE);
        this.exceptionEnds = new DueIndex(context.getStateStore(StoreNames.EXCEPTION_ENDS), context.getStateStore(StoreNames.EXCEPTION_END_AT));
        this.exceptionScope = new ExceptionScope(context.getStateStore(StoreNames.EXCEPTION_CANDIDATES));
        this.exceptions.clear();
        try (KeyValueIterator<String, byte[]> it = exceptionsInForce.all()) {
            it.forEachRemaining(kv -> exceptions.put(EXCEPTIONS.decode(kv.value)));
        }
        this.zoneHolds = context.getStateStore(StoreNames.ZONE_HOLDS);
        this.holds.clear();
        try (KeyValueIterator<String, byte[]> it = zoneHolds.all()) {
            it.forEachRemaining(kv -> holds.put(kv.key, decodeHold(kv.value)));
        }
        this.recentStatuses.clear();
        this.recentTargets.clear();
        context.schedule(config.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::advanceTime);
    }

    @Override
    public void close() {
        if (endpoints != null) {
            endpoints.clearDecoded();
        }
        recentStatuses.clear();
        recentTargets.clear();
        exceptions.clear();
        holds.clear();
    }

    private static byte[] encodeHold(ZoneHolds.ZoneState state) {
        return java.nio.ByteBuffer.allocate(16)
                .putLong(state.heldSince() == null ? Long.MIN_VALUE : state.heldSince().toEpochMilli())
                .putLong(state.resumedAt() == null ? Long.MIN_VALUE : state.resumedAt().toEpochMilli()).array();
    }

    private static ZoneHolds.ZoneState decodeHold(byte[] bytes) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
        long held = b.getLong();
        long resumed = b.getLong();
        return new ZoneHolds.ZoneState(held == Long.MIN_VALUE ? null : Instant.ofEpochMilli(held),
                resumed == Long.MIN_VALUE ? null : Instant.ofEpochMilli(resumed));
    }

    /**
     * Holds a zone's endpoints or lets them go, as the fleet decided, and evaluates again every service with a target
     * in the zone (rare: a zone goes down or comes back).
     */
    private void zoneChanged(ServiceInput.ZoneChanged change, long timestamp) {
        ZoneHolds.ZoneState state = new ZoneHolds.ZoneState(change.heldSince(), change.resumedAt());
        if (state.equals(holds.state(change.zone()).orElse(null))) {
            return;
        }
        if (state.heldSince() == null && state.resumedAt() == null) {
            zoneHolds.delete(change.zone());
        } else {
            zoneHolds.put(change.zone(), encodeHold(state));
        }
        holds.put(change.zone(), state);
        Set<String> affected = new java.util.TreeSet<>();
        try (KeyValueIterator<String, Target> it = targets.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && Zones.of(kv.value).equals(change.zone())) {
                    affected.add(kv.value.getService());
                }
            });
        }
        log.info("Zone {} {}; evaluating its {} services again", change.zone(),
                state.heldSince() != null ? "has no scanner since " + state.heldSince() + ": its endpoints are held" : "has a scanner",
                affected.size());
        for (String service : affected) {
            evaluate(service, Set.of(), timeOf(service, timestamp));
        }
    }

    /** A status as last written, with what a person cares about in it once worked out. */
    private static final class HeldStatus {
        final ServiceStatus status;
        private Significance significance;

        HeldStatus(ServiceStatus status) {
            this.status = status;
        }

        Significance significance(int consecutiveCap) {
            if (significance == null) {
                significance = Significance.of(status, consecutiveCap);
            }
            return significance;
        }
    }

    /** The service's status as last computed, or null. */
    private ServiceStatus status(String service) {
        HeldStatus held = heldStatus(service);
        return held != null ? held.status : null;
    }

    private HeldStatus heldStatus(String service) {
        HeldStatus held = recentStatuses.get(service);
        if (held == null) {
            ServiceStatus stored = STATUSES.decode(services.get(service));
            if (stored != null) {
                held = new HeldStatus(stored);
                recentStatuses.put(service, held);
            }
        }
        return held;
    }

    /** Writes the service's new status and forwards it when it differs from the previous one in what a person cares about. */
    private void write(String service, ServiceStatus status, Instant now) {
        HeldStatus previous = heldStatus(service);
        HeldStatus next = new HeldStatus(status);
        byte[] encoded = STATUSES.encode(status);
        services.put(service, encoded);
        recentStatuses.put(service, next);
        int cap = config.consecutiveReported();
        if (previous == null || !previous.significance(cap).equals(next.significance(cap))) {
            exceptionScope.update(service, status);
            context.forward(new Record<>(service, encoded, now.toEpochMilli()));
        }
    }

    /** The service's targets by id (not to be modified), read from the store the first time. */
    private SortedMap<String, Target> targetsOf(String service) {
        SortedMap<String, Target> held = recentTargets.get(service);
        if (held == null) {
            held = new TreeMap<>();
            String servicePrefix = StateKeys.servicePrefix(service);
            try (KeyValueIterator<String, Target> it = targets.prefixScan(servicePrefix, PREFIX_SERIALIZER)) {
                while (it.hasNext()) {
                    KeyValue<String, Target> kv = it.next();
                    held.put(CompositeKeys.unescape(kv.key.substring(servicePrefix.length())), kv.value);
                }
            }
            recentTargets.put(service, held);
        }
        return held;
    }

    private void putTarget(String service, String targetId, Target target) {
        targets.put(StateKeys.serviceTarget(service, targetId), target);
        SortedMap<String, Target> held = recentTargets.get(service);
        if (held != null) {
            held.put(targetId, target);
        }
    }

    private void deleteTarget(String service, String targetId) {
        targets.delete(StateKeys.serviceTarget(service, targetId));
        SortedMap<String, Target> held = recentTargets.get(service);
        if (held != null) {
            held.remove(targetId);
        }
    }

    @Override
    public void process(Record<String, ServiceInput> record) {
        if (record.value() instanceof ServiceInput.ExceptionChanged change) {
            exceptionChanged(change, record.timestamp());
            return;
        }
        if (record.value() instanceof ServiceInput.ZoneChanged change) {
            zoneChanged(change, record.timestamp());
            return;
        }
        String service = record.key();
        if (service == null || record.value() == null) {
            return;
        }
        Instant now = timeOf(service, record.timestamp());
        switch (record.value()) {
            case ServiceInput.TargetUpserted t -> {
                removedTargets.cancel(StateKeys.serviceTarget(service, t.targetId()));
                Target before = targetsOf(service).get(t.targetId());
                if (before != null && !before.getHost().equals(t.target().getHost())) {
                    removeEndpoints(service, t.targetId());
                }
                putTarget(service, t.targetId(), t.target());
                evaluate(service, Set.of(), now);
            }
            case ServiceInput.TargetRemoved t -> removeTarget(service, t.targetId(), now);
            case ServiceInput.Observed o -> observe(service, o.observation(), o.encoded(), now);
            case ServiceInput.ExceptionChanged e -> throw new IllegalStateException("handled above");
            case ServiceInput.ZoneChanged z -> throw new IllegalStateException("handled above");
        }
    }

    /**
     * Holds the exception (or forgets it, when removed or already ended) and evaluates again every service it matched
     * before or matches now.
     */
    private void exceptionChanged(ServiceInput.ExceptionChanged change, long timestamp) {
        Instant at = Instant.ofEpochMilli(timestamp);
        Optional<AcceptedExceptions.Held> before = exceptions.remove(change.id());
        AcceptedException exception = change.exception();
        Optional<AcceptedExceptions.Held> after = Optional.empty();
        if (exception != null && (exception.getUntil() == null || at.isBefore(exception.getUntil()))) {
            exceptionsInForce.put(change.id(), EXCEPTIONS.encode(exception));
            after = Optional.of(exceptions.put(exception));
            if (exception.getUntil() != null) {
                exceptionEnds.schedule(change.id(), exception.getUntil());
            } else {
                exceptionEnds.cancel(change.id());
            }
        } else {
            exceptionsInForce.delete(change.id());
            exceptionEnds.cancel(change.id());
        }
        Set<String> affected = new java.util.TreeSet<>();
        before.ifPresent(held -> affected.addAll(exceptionScope.servicesMatching(held)));
        after.ifPresent(held -> affected.addAll(exceptionScope.servicesMatching(held)));
        log.info("Accepted exception {} {}; evaluating {} services it matches again", change.id(),
                after.isPresent() ? "in force" : "removed or ended", affected.size());
        for (String service : affected) {
            evaluate(service, Set.of(), timeOf(service, timestamp));
        }
    }

    /** Forgets the exceptions whose {@code until} has come and evaluates again the services each matched. */
    private void endExceptions(long punctuatedAt) {
        for (String id : exceptionEnds.due(Instant.ofEpochMilli(punctuatedAt))) {
            exceptionEnds.cancel(id);
            exceptionsInForce.delete(id);
            Optional<AcceptedExceptions.Held> ended = exceptions.remove(id);
            if (ended.isPresent()) {
                List<String> affected = exceptionScope.servicesMatching(ended.get());
                log.info("Accepted exception {} ended; evaluating {} services it matched again", id, affected.size());
                for (String service : affected) {
                    evaluate(service, Set.of(), timeOf(service, punctuatedAt));
                }
            }
        }
    }

    /** @param encoded the observation as read, in Avro single-object encoding, or null */
    private void observe(String service, Observation o, byte[] encoded, Instant now) {
        if (!targetsOf(service).containsKey(o.getTargetId())
                && removedTargets.dueAt(StateKeys.serviceTarget(service, o.getTargetId())).isPresent()) {
            // A scan requested before its target was removed (or moved to another service) can be observed after
            // (a restart of the aggregator, a scanner behind): taking it would bring the service back, and with it
            // the alerts its removal resolved.
            log.debug("Ignoring an observation of target {} of service {}: the target was removed from the service",
                    o.getTargetId(), service);
            return;
        }
        String endpointKey = StateKeys.endpointKey(o);
        String key = StateKeys.endpoint(service, o.getTargetId(), endpointKey);
        Observation previous = endpoints.get(service, key);
        if (previous == null && o.getOutcome() != Outcome.OK && isRangeBlock(o)) {
            retire(service, o, endpointKey);
            return;
        }
        if (previous != null && o.getObservedAt().isBefore(previous.getObservedAt())) {
            log.debug("Ignoring an observation of {} from {}, older than the one held from {}", key, o.getObservedAt(), previous.getObservedAt());
            return;
        }
        if (previous != null && sameFindings(previous, o)) {
            ServiceStatus held = status(service);
            if (held != null && held.getConditions().isEmpty()) {
                // nothing to count and nothing changed: only the time of the last observation moves on
                endpoints.put(service, key, o, encoded);
                return;
            }
        }
        endpoints.put(service, key, o, encoded);
        updateInventory(service, o.getTargetId(), endpointKey, previous, o);
        retire(service, o, endpointKey);
        evaluate(service, Set.of(endpointKey), now);
    }

    /** Whether a new observation of an endpoint found exactly what the previous one did (certificates, checks, outcome, endpoints). */
    static boolean sameFindings(Observation a, Observation b) {
        return a.getOutcome() == b.getOutcome()
                && Objects.equals(a.getEndpoint(), b.getEndpoint())
                && Objects.equals(a.getHost(), b.getHost())
                && Objects.equals(a.getNotAfter(), b.getNotAfter())
                && Objects.equals(a.getServedChainNotAfter(), b.getServedChainNotAfter())
                && Objects.equals(a.getExpiryCertificate(), b.getExpiryCertificate())
                && Objects.equals(a.getChecks(), b.getChecks())
                && Objects.equals(a.getError(), b.getError())
                && Objects.equals(a.getOwner(), b.getOwner())
                && Objects.equals(a.getLabels(), b.getLabels())
                && Objects.equals(a.getScanEndpoints(), b.getScanEndpoints())
                && a.getChain().stream().map(Certificate::getSha256).toList()
                        .equals(b.getChain().stream().map(Certificate::getSha256).toList())
                && Objects.equals(a.getAlternateChains(), b.getAlternateChains());
    }

    /**
     * Whether the observation comes from a scan of an address range (its host is a CIDR block): there, an address
     * that does not answer with TLS is not an endpoint, unless it was one before.
     */
    private static boolean isRangeBlock(Observation o) {
        return o.getHost() != null && o.getHost().indexOf('/') > 0;
    }

    /**
     * Removes the endpoints of the observation's target, scanned under the same host, that its scan no longer
     * found (a range target is scanned block by block, each block its own host).
     */
    private void retire(String service, Observation o, String endpointKey) {
        if (o.getEndpoint() != null && o.getScanEndpoints().isEmpty()) {
            return;
        }
        Set<String> found = new HashSet<>();
        found.add(endpointKey);
        for (Endpoint e : o.getScanEndpoints()) {
            found.add(Endpoints.key(e));
        }
        String prefix = StateKeys.targetPrefix(service, o.getTargetId());
        List<KeyValue<String, Observation>> retired = new ArrayList<>();
        for (KeyValue<String, Observation> kv : endpoints.withPrefix(service, prefix)) {
            String other = kv.key.substring(prefix.length());
            if (!found.contains(other) && kv.value.getHost().equals(o.getHost()) && kv.value.getObservedAt().isBefore(o.getObservedAt())) {
                retired.add(kv);
            }
        }
        for (KeyValue<String, Observation> kv : retired) {
            log.info("Retiring endpoint {} of service {}: scan {} of target {} no longer finds it",
                    kv.key.substring(prefix.length()), service, o.getScanId(), o.getTargetId());
            endpoints.delete(service, kv.key);
            updateInventory(service, o.getTargetId(), kv.key.substring(prefix.length()), kv.value, null);
        }
    }

    private void removeTarget(String service, String targetId, Instant now) {
        removedTargets.schedule(StateKeys.serviceTarget(service, targetId), now.plus(REMOVAL_REMEMBERED));
        deleteTarget(service, targetId);
        removeEndpoints(service, targetId);
        if (targetsOf(service).isEmpty()) {
            drop(service, now);
        } else {
            evaluate(service, Set.of(), now);
        }
    }

    /** Forgets every endpoint of the target. */
    private void removeEndpoints(String service, String targetId) {
        String prefix = StateKeys.targetPrefix(service, targetId);
        for (KeyValue<String, Observation> kv : endpoints.withPrefix(service, prefix)) {
            endpoints.delete(service, kv.key);
            updateInventory(service, targetId, kv.key.substring(prefix.length()), kv.value, null);
        }
    }

    /** Forgets the service and writes a tombstone to service-status. */
    private void drop(String service, Instant now) {
        transitions.cancel(service);
        exceptionScope.remove(service);
        ServiceStatus previous = status(service);
        if (previous != null) {
            services.delete(service);
            recentStatuses.remove(service);
            context.forward(new Record<>(service, (byte[]) null, now.toEpochMilli()));
            log.info("Service {} has no targets or endpoints left; wrote its tombstone", service);
        }
    }

    private void evaluate(String service, Set<String> observedNow, Instant now) {
        evaluate(service, observedNow, now, false);
    }

    /** @param transitionDue the service's scheduled transition came due (called by the punctuator) */
    private void evaluate(String service, Set<String> observedNow, Instant now, boolean transitionDue) {
        SortedMap<String, Target> serviceTargets = targetsOf(service);
        List<ServiceEvaluator.EndpointObservation> observed = new ArrayList<>();
        for (KeyValue<String, Observation> kv : endpoints.ofService(service)) {
            Observation o = kv.value;
            String targetId = o.getTargetId();
            String endpointKey = kv.key.substring(StateKeys.targetPrefix(service, targetId).length());
            observed.add(new ServiceEvaluator.EndpointObservation(targetId, endpointKey, o));
        }
        if (observed.isEmpty()) {
            if (serviceTargets.isEmpty()) {
                drop(service, now);
            } else {
                unobserved(service, serviceTargets, now, transitionDue);
            }
            return;
        }
        ServiceStatus previous = status(service);
        ServiceEvaluator.Evaluation evaluation = evaluator.evaluate(service, serviceTargets, observed, previous, observedNow, now, exceptions, holds);
        write(service, evaluation.status(), now);
        scheduleTransition(service, evaluation.nextTransition());
    }

    /**
     * A service with targets and no endpoint observed: no status until {@code staleIntervals} scan intervals passed
     * since it had none, then STALE. A status it held with endpoints (all since removed) is withdrawn with a tombstone.
     */
    private void unobserved(String service, SortedMap<String, Target> serviceTargets, Instant now, boolean transitionDue) {
        ServiceStatus previous = status(service);
        boolean neverObservedHeld = previous != null && previous.getEndpoints().isEmpty();
        if (transitionDue && !neverObservedHeld && serviceTargets.values().stream().allMatch(t -> holds.held(Zones.of(t)))) {
            // every target is in a zone without scanner: no STALE; the zone's return evaluates the service again
            transitions.cancel(service);
            return;
        }
        if (neverObservedHeld || transitionDue) {
            ServiceStatus stale = evaluator.neverObserved(service, serviceTargets, now);
            if (neverObservedHeld) {
                stale.setConditions(previous.getConditions());
            }
            write(service, stale, now);
            return;
        }
        if (previous != null) {
            drop(service, now);
        }
        if (transitions.dueAt(service).isEmpty()) {
            scheduleTransition(service, Optional.of(evaluator.neverObservedStaleAt(serviceTargets, now)));
        }
    }

    private void scheduleTransition(String service, Optional<Instant> at) {
        at.ifPresentOrElse(t -> transitions.schedule(service, t), () -> transitions.cancel(service));
    }

    /** Revisits every service whose next transition is due at the punctuation's time. */
    private void advanceTime(long punctuatedAt) {
        endExceptions(punctuatedAt);
        for (String removed : removedTargets.due(Instant.ofEpochMilli(punctuatedAt), 10_000)) {
            removedTargets.cancel(removed);
        }
        for (String service : transitions.due(Instant.ofEpochMilli(punctuatedAt))) {
            transitions.cancel(service);
            evaluate(service, Set.of(), timeOf(service, punctuatedAt), true);
        }
    }

    /** {@code epochMillis}, or the time of the service's last status when that is later. */
    private Instant timeOf(String service, long epochMillis) {
        Instant at = Instant.ofEpochMilli(epochMillis);
        ServiceStatus held = status(service);
        return held != null && held.getUpdatedAt().isAfter(at) ? held.getUpdatedAt() : at;
    }

    private void updateInventory(String service, String targetId, String endpointKey, Observation before, Observation after) {
        Set<String> had = new HashSet<>();
        if (before != null) {
            StateKeys.served(before).forEach(c -> had.add(c.getSha256()));
        }
        Set<String> has = new HashSet<>();
        if (after != null) {
            for (Certificate c : StateKeys.served(after)) {
                has.add(c.getSha256());
                if (!had.contains(c.getSha256())) {
                    inventory.put(StateKeys.inventory(c.getSha256(), service, targetId, endpointKey), endpointKey);
                }
            }
        }
        for (String sha : had) {
            if (!has.contains(sha)) {
                inventory.delete(StateKeys.inventory(sha, service, targetId, endpointKey));
            }
        }
    }
}

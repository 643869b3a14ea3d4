package dev.certsonar.aggregator.state;

import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.aggregator.StoreNames;
import dev.certsonar.schemas.Endpoints;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.common.utils.Bytes;
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

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * Keeps the state of every endpoint and service, keyed by service, and writes a service's status
 * when something a person cares about changed. A wall-clock punctuator revisits services whose
 * status changes by time alone (thresholds, expiry, staleness, rollout grace), in the order of an
 * index keyed by the next transition time.
 */
public final class ServiceStateProcessor implements Processor<String, ServiceInput, String, ServiceStatus> {

    private static final Logger log = LoggerFactory.getLogger(ServiceStateProcessor.class);
    private static final StringSerializer PREFIX_SERIALIZER = new StringSerializer();
    /** Most recently used endpoint observations kept decoded per stream task. */
    private static final int DECODED_ENDPOINTS = 4_096;
    /** Most recently used service statuses kept decoded per stream task. */
    private static final int DECODED_SERVICES = 1_024;

    private final AggregatorConfig config;
    private final Clock clock;
    private final ServiceEvaluator evaluator;

    private ProcessorContext<String, ServiceStatus> context;
    private KeyValueStore<String, Target> targets;
    private EndpointStore endpoints;
    private KeyValueStore<String, ServiceStatus> services;
    /** The statuses last written to {@link #services}, most recently used first out; every write goes through here. */
    private final Map<String, ServiceStatus> recentStatuses = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ServiceStatus> eldest) {
            return size() > DECODED_SERVICES;
        }
    };
    private KeyValueStore<Bytes, String> transitions;
    private KeyValueStore<String, Long> nextTransition;
    private KeyValueStore<String, String> inventory;

    public ServiceStateProcessor(AggregatorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.evaluator = new ServiceEvaluator(config);
    }

    @Override
    public void init(ProcessorContext<String, ServiceStatus> context) {
        this.context = context;
        this.targets = context.getStateStore(StoreNames.SERVICE_TARGETS);
        this.endpoints = new EndpointStore(context.getStateStore(StoreNames.ENDPOINTS), DECODED_ENDPOINTS);
        this.services = context.getStateStore(StoreNames.SERVICES);
        this.transitions = context.getStateStore(StoreNames.TRANSITION_INDEX);
        this.nextTransition = context.getStateStore(StoreNames.NEXT_TRANSITION);
        this.inventory = context.getStateStore(StoreNames.INVENTORY);
        this.recentStatuses.clear();
        context.schedule(config.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, ignored -> advanceTime());
    }

    @Override
    public void close() {
        if (endpoints != null) {
            endpoints.clearDecoded();
        }
        recentStatuses.clear();
    }

    /** The service's status as last computed, or null. */
    private ServiceStatus status(String service) {
        ServiceStatus held = recentStatuses.get(service);
        if (held == null) {
            held = services.get(service);
            if (held != null) {
                recentStatuses.put(service, held);
            }
        }
        return held;
    }

    @Override
    public void process(Record<String, ServiceInput> record) {
        String service = record.key();
        if (service == null || record.value() == null) {
            return;
        }
        Instant now = now();
        switch (record.value()) {
            case ServiceInput.TargetUpserted t -> {
                Target before = targets.get(StateKeys.serviceTarget(service, t.targetId()));
                if (before != null && !before.getHost().equals(t.target().getHost())) {
                    removeEndpoints(service, t.targetId());
                }
                targets.put(StateKeys.serviceTarget(service, t.targetId()), t.target());
                evaluate(service, Set.of(), now);
            }
            case ServiceInput.TargetRemoved t -> removeTarget(service, t.targetId(), now);
            case ServiceInput.Observed o -> observe(service, o.observation(), now);
        }
    }

    private void observe(String service, Observation o, Instant now) {
        String endpointKey = StateKeys.endpointKey(o);
        String key = StateKeys.endpoint(service, o.getTargetId(), endpointKey);
        Observation previous = endpoints.get(key);
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
                endpoints.put(key, o);
                return;
            }
        }
        endpoints.put(key, o);
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
                        .equals(b.getChain().stream().map(Certificate::getSha256).toList());
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
        for (KeyValue<String, Observation> kv : endpoints.prefixScan(prefix)) {
            String other = kv.key.substring(prefix.length());
            if (!found.contains(other) && kv.value.getHost().equals(o.getHost()) && kv.value.getObservedAt().isBefore(o.getObservedAt())) {
                retired.add(kv);
            }
        }
        for (KeyValue<String, Observation> kv : retired) {
            log.info("Retiring endpoint {} of service {}: scan {} of target {} no longer finds it",
                    kv.key.substring(prefix.length()), service, o.getScanId(), o.getTargetId());
            endpoints.delete(kv.key);
            updateInventory(service, o.getTargetId(), kv.key.substring(prefix.length()), kv.value, null);
        }
    }

    private void removeTarget(String service, String targetId, Instant now) {
        targets.delete(StateKeys.serviceTarget(service, targetId));
        removeEndpoints(service, targetId);
        if (!hasAny(targets, StateKeys.servicePrefix(service))) {
            drop(service, now);
        } else {
            evaluate(service, Set.of(), now);
        }
    }

    /** Forgets every endpoint of the target. */
    private void removeEndpoints(String service, String targetId) {
        String prefix = StateKeys.targetPrefix(service, targetId);
        for (KeyValue<String, Observation> kv : endpoints.prefixScan(prefix)) {
            endpoints.delete(kv.key);
            updateInventory(service, targetId, kv.key.substring(prefix.length()), kv.value, null);
        }
    }

    /** Forgets the service and writes a tombstone to service-status. */
    private void drop(String service, Instant now) {
        clearTransition(service);
        ServiceStatus previous = status(service);
        if (previous != null) {
            services.delete(service);
            recentStatuses.remove(service);
            context.forward(new Record<>(service, (ServiceStatus) null, now.toEpochMilli()));
            log.info("Service {} has no targets or endpoints left; wrote its tombstone", service);
        }
    }

    private void evaluate(String service, Set<String> observedNow, Instant now) {
        evaluate(service, observedNow, now, false);
    }

    /** @param transitionDue the service's scheduled transition came due (called by the punctuator) */
    private void evaluate(String service, Set<String> observedNow, Instant now, boolean transitionDue) {
        SortedMap<String, Target> serviceTargets = new TreeMap<>();
        String servicePrefix = StateKeys.servicePrefix(service);
        try (KeyValueIterator<String, Target> it = targets.prefixScan(servicePrefix, PREFIX_SERIALIZER)) {
            it.forEachRemaining(kv -> serviceTargets.put(StateKeys.unescape(kv.key.substring(servicePrefix.length())), kv.value));
        }
        List<ServiceEvaluator.EndpointObservation> observed = new ArrayList<>();
        for (KeyValue<String, Observation> kv : endpoints.prefixScan(servicePrefix)) {
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
        ServiceEvaluator.Evaluation evaluation = evaluator.evaluate(service, serviceTargets, observed, previous, observedNow, now);
        ServiceStatus status = evaluation.status();
        services.put(service, status);
        recentStatuses.put(service, status);
        scheduleTransition(service, evaluation.nextTransition());
        if (Significance.changed(previous, status, config.consecutiveReported())) {
            context.forward(new Record<>(service, status, now.toEpochMilli()));
        }
    }

    /**
     * A service with targets and no endpoint observed: no status until {@code staleIntervals} scan intervals passed
     * since it had none, then STALE. A status it held with endpoints (all since removed) is withdrawn with a tombstone.
     */
    private void unobserved(String service, SortedMap<String, Target> serviceTargets, Instant now, boolean transitionDue) {
        ServiceStatus previous = status(service);
        boolean neverObservedHeld = previous != null && previous.getEndpoints().isEmpty();
        if (neverObservedHeld || transitionDue) {
            ServiceStatus stale = evaluator.neverObserved(service, serviceTargets, now);
            if (neverObservedHeld) {
                stale.setConditions(previous.getConditions());
            }
            services.put(service, stale);
            recentStatuses.put(service, stale);
            if (Significance.changed(previous, stale, config.consecutiveReported())) {
                context.forward(new Record<>(service, stale, now.toEpochMilli()));
            }
            return;
        }
        if (previous != null) {
            drop(service, now);
        }
        if (nextTransition.get(service) == null) {
            scheduleTransition(service, Optional.of(evaluator.neverObservedStaleAt(serviceTargets, now)));
        }
    }

    private void scheduleTransition(String service, Optional<Instant> at) {
        Long current = nextTransition.get(service);
        if (current != null && at.isPresent() && current == at.get().toEpochMilli()) {
            return;
        }
        clearTransition(service);
        at.ifPresent(t -> {
            transitions.put(Bytes.wrap(StateKeys.timeKey(t, service)), service);
            nextTransition.put(service, t.toEpochMilli());
        });
    }

    private void clearTransition(String service) {
        Long current = nextTransition.get(service);
        if (current != null) {
            transitions.delete(Bytes.wrap(StateKeys.timeKey(Instant.ofEpochMilli(current), service)));
            nextTransition.delete(service);
        }
    }

    /** Revisits every service whose next transition is due. */
    private void advanceTime() {
        Instant now = now();
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, String> it = transitions.range(Bytes.wrap(StateKeys.timeLowerBound()),
                Bytes.wrap(StateKeys.timeUpperBound(now)))) {
            while (it.hasNext()) {
                due.add(it.next().value);
            }
        }
        for (String service : due) {
            clearTransition(service);
            evaluate(service, Set.of(), now, true);
        }
    }

    private void updateInventory(String service, String targetId, String endpointKey, Observation before, Observation after) {
        Set<String> had = new HashSet<>();
        if (before != null) {
            before.getChain().forEach(c -> had.add(c.getSha256()));
        }
        Set<String> has = new HashSet<>();
        if (after != null) {
            for (Certificate c : after.getChain()) {
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

    private static boolean hasAny(KeyValueStore<String, ?> store, String prefix) {
        try (KeyValueIterator<String, ?> it = store.prefixScan(prefix, PREFIX_SERIALIZER)) {
            return it.hasNext();
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}

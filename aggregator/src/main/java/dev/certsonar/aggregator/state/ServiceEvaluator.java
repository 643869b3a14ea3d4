package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.Zones;
import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.schemas.avro.AcceptedCondition;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.EndpointStatus;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Rollout;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ConditionFacts;
import dev.certsonar.schemas.policy.ExpiryPolicy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes a service's status from its targets and the last observation of each endpoint: the worst
 * endpoint status, the earliest notAfter, the conditions with the endpoints that cause them and since
 * when (and for how many consecutive observations) each holds. A condition that an accepted exception in force accepts
 * is set apart as accepted: shown with the exception's reason, it counts neither among the conditions nor in the
 * status of its endpoints and so of the service. Pure: time, the previous status and the exceptions are arguments.
 */
public final class ServiceEvaluator {

    /** One endpoint's last observation, with the id of the target that found it. */
    public record EndpointObservation(String targetId, String endpointKey, Observation observation) {
    }

    /** The new status and the next instant it may change by time alone. */
    public record Evaluation(ServiceStatus status, Optional<Instant> nextTransition) {
    }

    private final AggregatorConfig config;
    private final JudgementMemo judgements;

    public ServiceEvaluator(AggregatorConfig config) {
        this(config, 0);
    }

    /**
     * @param memoSize how many endpoint judgements to remember, to be reused while nothing in them can have changed
     *                 (0: none); with a memo, the evaluator is for one thread only
     */
    public ServiceEvaluator(AggregatorConfig config, int memoSize) {
        this.config = Objects.requireNonNull(config, "config");
        this.judgements = memoSize > 0 ? new JudgementMemo(memoSize) : null;
    }

    private EndpointJudgement judge(String endpointKey, Observation o, ExpiryPolicy policy, Instant at, String zone, ZoneHolds holds) {
        boolean held = holds.held(zone);
        Instant staleBase = holds.staleBase(zone, o.getObservedAt());
        if (held || !staleBase.equals(o.getObservedAt())) {
            return EndpointJudgement.judge(endpointKey, o, policy, config.staleIntervals(), at, staleBase, held);
        }
        if (judgements == null) {
            return EndpointJudgement.judge(endpointKey, o, policy, config.staleIntervals(), at);
        }
        return judgements.judge(endpointKey, o, policy, config.staleIntervals(), at);
    }

    /**
     * @param targets     the service's targets by id
     * @param endpoints   the last observation of each endpoint of the service (not empty)
     * @param previous    the status computed before, or null
     * @param observedNow endpoint keys for which a new observation arrived with this evaluation
     */
    public Evaluation evaluate(String service, SortedMap<String, Target> targets, List<EndpointObservation> endpoints,
                               ServiceStatus previous, Set<String> observedNow, Instant now) {
        return evaluate(service, targets, endpoints, previous, observedNow, now, AcceptedExceptions.NONE);
    }

    /** @param exceptions the accepted exceptions known; those in force at {@code now} apply */
    public Evaluation evaluate(String service, SortedMap<String, Target> targets, List<EndpointObservation> endpoints,
                               ServiceStatus previous, Set<String> observedNow, Instant now, AcceptedExceptions exceptions) {
        return evaluate(service, targets, endpoints, previous, observedNow, now, exceptions, ZoneHolds.NONE);
    }

    /** @param holds the zones whose endpoints are held (not judged stale) and when each was last resumed */
    public Evaluation evaluate(String service, SortedMap<String, Target> targets, List<EndpointObservation> endpoints,
                               ServiceStatus previous, Set<String> observedNow, Instant now, AcceptedExceptions exceptions,
                               ZoneHolds holds) {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        List<EndpointJudgement> judgements = new ArrayList<>();
        List<EndpointObservation> sorted = new ArrayList<>(endpoints);
        sorted.sort(Comparator.comparing(EndpointObservation::endpointKey).thenComparing(EndpointObservation::targetId));
        List<String> zonesOfEndpoints = new ArrayList<>();
        for (EndpointObservation e : sorted) {
            Target target = targets.get(e.targetId());
            String zone = target != null ? Zones.of(target) : Zones.DEFAULT;
            zonesOfEndpoints.add(zone);
            judgements.add(judge(e.endpointKey(), e.observation(), policyOf(target), at, zone, holds));
        }
        TreeSet<String> heldZones = new TreeSet<>();

        List<String> ownerProblems = new ArrayList<>();
        String owner = owner(targets, sorted, ownerProblems);
        Map<String, String> labels = labels(targets, sorted);
        Acceptance acceptance = new Acceptance(service, owner, labels, exceptions, at);

        Status status = Status.OK;
        Instant notAfter = null;
        Optional<Instant> next = Optional.empty();
        List<EndpointStatus> endpointStatuses = new ArrayList<>();
        List<List<Accepted>> acceptedByEndpoint = new ArrayList<>();
        for (int i = 0; i < judgements.size(); i++) {
            EndpointJudgement j = judgements.get(i);
            Observation o = j.observation();
            List<Accepted> accepted = new ArrayList<>();
            for (EndpointJudgement.EndpointCondition c : j.conditions()) {
                accepted.add(acceptance.of(c, List.of(sorted.get(i).targetId())));
            }
            acceptedByEndpoint.add(accepted);
            Status endpointStatus = statusWithout(j, accepted);
            if (endpointStatus.ordinal() > status.ordinal() && endpointStatus != Status.UNKNOWN) {
                status = endpointStatus;
            }
            if (o.getNotAfter() != null && (notAfter == null || o.getNotAfter().isBefore(notAfter))) {
                notAfter = o.getNotAfter();
            }
            if (j.nextTransition().isPresent() && (next.isEmpty() || j.nextTransition().get().isBefore(next.get()))) {
                next = j.nextTransition();
            }
            endpointStatuses.add(EndpointStatus.newBuilder()
                    .setEndpoint(endpointOf(o))
                    .setTargetId(sorted.get(i).targetId())
                    .setStatus(endpointStatus)
                    .setOutcome(o.getOutcome())
                    .setNotAfter(o.getNotAfter())
                    .setLeaf(EndpointJudgement.leaf(o))
                    .setAlternateLeaves(o.getAlternateChains().stream().filter(a -> !a.getChain().isEmpty())
                            .map(a -> EndpointJudgement.ref(a.getChain().get(0))).toList())
                    .setLastObservedAt(o.getObservedAt())
                    .setProblems(endpointProblems(o))
                    .setLeafKeyAlgorithm(leafCertificate(o).map(Certificate::getKeyAlgorithm).orElse(null))
                    .setLeafKeyBits(leafCertificate(o).map(Certificate::getKeyBits).orElse(null))
                    .setScannerId(o.getScannerId())
                    .setZone(zonesOfEndpoints.get(i))
                    .setHeld(holds.held(zonesOfEndpoints.get(i)) ? ZoneHolds.holdText(zonesOfEndpoints.get(i)) : null)
                    .build());
            if (holds.held(zonesOfEndpoints.get(i))) {
                heldZones.add(zonesOfEndpoints.get(i));
            }
        }

        Rollout rollout = RolloutTracker.rollout(judgements, previous, at);
        List<Extra> extra = new ArrayList<>();
        if (rollout != null) {
            Instant graceEnds = rollout.getSince().plus(config.rolloutGrace());
            if (RolloutTracker.incomplete(rollout, config.rolloutGrace(), at)) {
                CertificateRef old = RolloutTracker.oldCertificate(rollout, judgements);
                EndpointJudgement.EndpointCondition incomplete = new EndpointJudgement.EndpointCondition(
                        ConditionType.ROLLOUT_INCOMPLETE, Severity.WARNING, old,
                        "renewed certificate " + rollout.getNewCertificate().getSubject() + " is not served everywhere yet: "
                                + rollout.getEndpointsOld().size() + " of "
                                + (rollout.getEndpointsOld().size() + rollout.getEndpointsNew().size())
                                + " endpoints still serve an older certificate");
                TreeSet<String> oldEndpoints = new TreeSet<>(rollout.getEndpointsOld());
                TreeSet<String> oldTargets = new TreeSet<>();
                for (EndpointObservation e : sorted) {
                    if (oldEndpoints.contains(e.endpointKey())) {
                        oldTargets.add(e.targetId());
                    }
                }
                extra.add(new Extra(incomplete, oldEndpoints, acceptance.of(incomplete, oldTargets)));
            } else {
                Instant t = graceEnds.plusMillis(1);
                if (next.isEmpty() || t.isBefore(next.get())) {
                    next = Optional.of(t);
                }
            }
        }
        List<AcceptedCondition> accepted = new ArrayList<>();
        List<Condition> conditions = conditions(judgements, acceptedByEndpoint, extra, previous, observedNow, at, accepted);

        List<String> problems = new ArrayList<>();
        for (Condition c : conditions) {
            problems.add(c.getMessage());
        }
        for (AcceptedCondition a : accepted) {
            problems.add(a.getCondition().getMessage() + "; " + AcceptedExceptions.describe(a.getReason(), a.getCreatedBy(), a.getUntil()));
        }
        problems.addAll(ownerProblems);
        for (String zone : heldZones) {
            problems.add(ZoneHolds.holdText(zone));
        }

        ServiceStatus result = ServiceStatus.newBuilder()
                .setService(service)
                .setOwner(owner)
                .setLabels(labels)
                .setStatus(status)
                .setNotAfter(notAfter)
                .setDaysLeft(EndpointJudgement.daysLeft(notAfter, at))
                .setConditions(conditions)
                .setEndpoints(endpointStatuses)
                .setRollout(rollout)
                .setAccepted(accepted)
                .setProblems(problems)
                .setZones(zones(targets))
                .setUpdatedAt(at)
                .build();
        return new Evaluation(result, next);
    }

    /**
     * The status of a service whose targets were never observed for more than {@code staleIntervals} scan intervals:
     * STALE, without endpoints, with one STALE condition.
     */
    public ServiceStatus neverObserved(String service, SortedMap<String, Target> targets, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        String message = "no observation of " + (targets.size() == 1 ? "target " + targets.firstKey() : targets.size() + " targets")
                + " for more than " + config.staleIntervals() + " scan intervals since " + (targets.size() == 1 ? "it" : "they")
                + " appeared";
        List<String> problems = new ArrayList<>();
        problems.add(message);
        String owner = owner(targets, List.of(), problems);
        return ServiceStatus.newBuilder()
                .setService(service)
                .setOwner(owner)
                .setLabels(labels(targets, List.of()))
                .setStatus(Status.STALE)
                .setNotAfter(null)
                .setDaysLeft(null)
                .setConditions(List.of(Condition.newBuilder()
                        .setType(ConditionType.STALE)
                        .setLevel(Severity.WARNING)
                        .setCertificate(null)
                        .setEndpoints(List.of())
                        .setSince(at)
                        .setConsecutive(1)
                        .setMessage(message)
                        .build()))
                .setEndpoints(List.of())
                .setRollout(null)
                .setProblems(problems)
                .setZones(zones(targets))
                .setUpdatedAt(at)
                .build();
    }

    /** The zones of the targets, sorted. */
    public static List<String> zones(SortedMap<String, Target> targets) {
        TreeSet<String> zones = new TreeSet<>();
        for (Target t : targets.values()) {
            zones.add(Zones.of(t));
        }
        return List.copyOf(zones);
    }

    /** When a service whose targets have no observation turns STALE: {@code staleIntervals} of its shortest interval after now, plus 1 ms. */
    public Instant neverObservedStaleAt(SortedMap<String, Target> targets, Instant now) {
        java.time.Duration interval = null;
        for (Target t : targets.values()) {
            java.time.Duration i = policyOf(t).interval();
            if (interval == null || i.compareTo(interval) < 0) {
                interval = i;
            }
        }
        java.time.Duration shortest = interval != null ? interval : config.policy().interval();
        return now.truncatedTo(ChronoUnit.MILLIS).plus(shortest.multipliedBy(config.staleIntervals())).plusMillis(1);
    }

    public ExpiryPolicy policyOf(Target target) {
        return target == null ? config.policy() : config.policy().withOverrides(target);
    }

    /**
     * The conditions that count, grouped by type, level and certificate across endpoints, with since when and for
     * how many consecutive observations each holds (carried over from the previous status, where it may have been
     * accepted); those an exception accepts go to {@code acceptedOut}, grouped the same way per exception.
     */
    private List<Condition> conditions(List<EndpointJudgement> judgements, List<List<Accepted>> acceptedByEndpoint, List<Extra> extra,
                                       ServiceStatus previous, Set<String> observedNow, Instant at, List<AcceptedCondition> acceptedOut) {
        record Group(CertificateRef certificate, String message, TreeSet<String> endpoints, AcceptedException exception) {
        }
        Map<GroupKey, Group> groups = new LinkedHashMap<>();
        for (int i = 0; i < judgements.size(); i++) {
            EndpointJudgement j = judgements.get(i);
            for (int k = 0; k < j.conditions().size(); k++) {
                EndpointJudgement.EndpointCondition c = j.conditions().get(k);
                AcceptedException by = acceptedByEndpoint.get(i).get(k).exception();
                groups.computeIfAbsent(GroupKey.of(c, by), g -> new Group(c.certificate(), c.message(), new TreeSet<>(), by))
                        .endpoints().add(j.endpointKey());
            }
        }
        for (Extra x : extra) {
            EndpointJudgement.EndpointCondition c = x.condition();
            AcceptedException by = x.accepted().exception();
            groups.computeIfAbsent(GroupKey.of(c, by), g -> new Group(c.certificate(), c.message(), new TreeSet<>(), by))
                    .endpoints().addAll(x.endpoints());
        }
        Map<GroupKey, Condition> before = new HashMap<>();
        if (previous != null) {
            for (Condition c : previous.getConditions()) {
                before.put(GroupKey.of(c), c);
            }
            for (AcceptedCondition a : previous.getAccepted()) {
                before.putIfAbsent(GroupKey.of(a.getCondition()), a.getCondition());
            }
        }
        List<Condition> out = new ArrayList<>();
        for (Map.Entry<GroupKey, Group> e : groups.entrySet()) {
            Group g = e.getValue();
            Condition held = before.get(e.getKey().counted());
            boolean observed = g.endpoints().stream().anyMatch(observedNow::contains);
            Instant since = held != null ? held.getSince() : at;
            int consecutive = held == null ? 1 : held.getConsecutive() + (observed ? 1 : 0);
            Condition condition = Condition.newBuilder()
                    .setType(e.getKey().type())
                    .setLevel(e.getKey().level())
                    .setCertificate(g.certificate())
                    .setEndpoints(List.copyOf(g.endpoints()))
                    .setSince(since)
                    .setConsecutive(consecutive)
                    .setMessage(g.endpoints().size() == 1 ? g.message() + " on " + g.endpoints().first()
                            : g.message() + " on " + g.endpoints().size() + " endpoints")
                    .build();
            if (g.exception() == null) {
                out.add(condition);
            } else {
                acceptedOut.add(AcceptedCondition.newBuilder()
                        .setCondition(condition)
                        .setExceptionId(g.exception().getId())
                        .setReason(g.exception().getReason())
                        .setCreatedBy(g.exception().getCreatedBy())
                        .setUntil(g.exception().getUntil())
                        .build());
            }
        }
        Comparator<Condition> order = Comparator.comparing((Condition c) -> c.getType().ordinal())
                .thenComparing(c -> -c.getLevel().ordinal())
                .thenComparing(c -> c.getCertificate() != null ? c.getCertificate().getSha256() : "");
        out.sort(order);
        acceptedOut.sort(Comparator.comparing(AcceptedCondition::getCondition, order).thenComparing(AcceptedCondition::getExceptionId));
        return out;
    }

    /** A group of conditions: type, level and certificate, and the exception that accepts them (null when they count). */
    private record GroupKey(ConditionType type, Severity level, String sha256, String exceptionId) {
        static GroupKey of(EndpointJudgement.EndpointCondition c, AcceptedException by) {
            return new GroupKey(c.type(), c.level(), c.certificate() != null ? c.certificate().getSha256() : null,
                    by != null ? by.getId() : null);
        }

        static GroupKey of(Condition c) {
            return new GroupKey(c.getType(), c.getLevel(), c.getCertificate() != null ? c.getCertificate().getSha256() : null, null);
        }

        GroupKey counted() {
            return exceptionId == null ? this : new GroupKey(type, level, sha256, null);
        }
    }

    /** Whether an exception accepts one condition of one endpoint (or of several, for a condition no endpoint causes alone). */
    private record Accepted(AcceptedException exception) {
    }

    /** Finds the exception that accepts a condition of the service. */
    private record Acceptance(String service, String owner, Map<String, String> labels, AcceptedExceptions exceptions, Instant at) {
        Accepted of(EndpointJudgement.EndpointCondition c, java.util.Collection<String> targets) {
            if (exceptions.all().isEmpty()) {
                return new Accepted(null);
            }
            ConditionFacts facts = ConditionFacts.of(service, owner, labels, c.type(), c.level(), c.certificate(), targets);
            return new Accepted(exceptions.accepting(facts, at).orElse(null));
        }
    }

    /** The endpoint's status once the conditions an exception accepts are set aside. */
    private static Status statusWithout(EndpointJudgement j, List<Accepted> accepted) {
        if (accepted.stream().allMatch(a -> a.exception() == null)) {
            return j.status();
        }
        Status status = Status.OK;
        for (int k = 0; k < j.conditions().size(); k++) {
            if (accepted.get(k).exception() == null) {
                Status s = statusOf(j.conditions().get(k));
                if (s.ordinal() > status.ordinal()) {
                    status = s;
                }
            }
        }
        return status;
    }

    /**
     * The status a condition gives an endpoint, as {@link dev.certsonar.schemas.policy.StatusRules} gives it from the
     * same findings; a condition of a type without a rule of its own gives its level (CRITICAL or WARNING).
     */
    static Status statusOf(EndpointJudgement.EndpointCondition c) {
        return switch (c.type()) {
            case EXPIRED -> Status.EXPIRED;
            case UNTRUSTED, HOSTNAME_MISMATCH, INCOMPLETE_CHAIN, NOT_YET_VALID, WEAK_CRYPTO -> Status.INVALID;
            case UNREACHABLE -> Status.UNREACHABLE;
            case STALE -> Status.STALE;
            case ROLLOUT_INCOMPLETE -> Status.OK;
            default -> c.level() == Severity.CRITICAL ? Status.CRITICAL : c.level() == Severity.WARNING ? Status.WARNING : Status.OK;
        };
    }

    private static Optional<Certificate> leafCertificate(Observation o) {
        return o.getChain() == null || o.getChain().isEmpty() ? Optional.empty() : Optional.of(o.getChain().get(0));
    }

    /** A condition that no single endpoint causes alone, with the endpoints it concerns and whether it is accepted. */
    private record Extra(EndpointJudgement.EndpointCondition condition, TreeSet<String> endpoints, Accepted accepted) {
    }

    private static String owner(SortedMap<String, Target> targets, List<EndpointObservation> endpoints, List<String> problems) {
        TreeSet<String> owners = new TreeSet<>();
        for (Target t : targets.values()) {
            if (t.getOwner() != null && !t.getOwner().isBlank()) {
                owners.add(t.getOwner());
            }
        }
        if (owners.isEmpty()) {
            for (EndpointObservation e : endpoints) {
                if (e.observation().getOwner() != null && !e.observation().getOwner().isBlank()) {
                    owners.add(e.observation().getOwner());
                }
            }
        }
        if (owners.size() > 1) {
            problems.add("targets name different owners (" + String.join(", ", owners) + "); using " + owners.first());
        }
        return owners.isEmpty() ? null : owners.first();
    }

    private static Map<String, String> labels(SortedMap<String, Target> targets, List<EndpointObservation> endpoints) {
        TreeMap<String, String> labels = new TreeMap<>();
        if (!targets.isEmpty()) {
            for (Target t : targets.values()) {
                t.getLabels().forEach(labels::putIfAbsent);
            }
        } else {
            for (EndpointObservation e : endpoints) {
                e.observation().getLabels().forEach(labels::putIfAbsent);
            }
        }
        return labels;
    }

    private static List<String> endpointProblems(Observation o) {
        List<String> problems = new ArrayList<>();
        if (o.getError() != null && !o.getError().isBlank()) {
            problems.add(o.getError());
        }
        if (o.getChecks() != null) {
            problems.addAll(o.getChecks().getProblems());
        }
        return problems;
    }

    /** The observation's endpoint; for a probe that found none, the host with the target's first port. */
    static Endpoint endpointOf(Observation o) {
        if (o.getEndpoint() != null) {
            return o.getEndpoint();
        }
        return Endpoint.newBuilder().setAddress(o.getHost()).setPort(0).setSni(null).build();
    }
}

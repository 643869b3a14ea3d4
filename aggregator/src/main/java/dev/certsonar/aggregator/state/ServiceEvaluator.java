package dev.certsonar.aggregator.state;

import dev.certsonar.aggregator.AggregatorConfig;
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
 * when (and for how many consecutive observations) each holds. Pure: time and the previous status are arguments.
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

    private EndpointJudgement judge(String endpointKey, Observation o, ExpiryPolicy policy, Instant at) {
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
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        List<EndpointJudgement> judgements = new ArrayList<>();
        List<EndpointObservation> sorted = new ArrayList<>(endpoints);
        sorted.sort(Comparator.comparing(EndpointObservation::endpointKey).thenComparing(EndpointObservation::targetId));
        for (EndpointObservation e : sorted) {
            judgements.add(judge(e.endpointKey(), e.observation(), policyOf(targets.get(e.targetId())), at));
        }

        Status status = Status.OK;
        Instant notAfter = null;
        Optional<Instant> next = Optional.empty();
        List<EndpointStatus> endpointStatuses = new ArrayList<>();
        for (int i = 0; i < judgements.size(); i++) {
            EndpointJudgement j = judgements.get(i);
            Observation o = j.observation();
            if (j.status().ordinal() > status.ordinal() && j.status() != Status.UNKNOWN) {
                status = j.status();
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
                    .setStatus(j.status())
                    .setOutcome(o.getOutcome())
                    .setNotAfter(o.getNotAfter())
                    .setLeaf(EndpointJudgement.leaf(o))
                    .setLastObservedAt(o.getObservedAt())
                    .setProblems(endpointProblems(o))
                    .build());
        }

        Rollout rollout = RolloutTracker.rollout(judgements, previous, at);
        List<Extra> extra = new ArrayList<>();
        if (rollout != null) {
            Instant graceEnds = rollout.getSince().plus(config.rolloutGrace());
            if (RolloutTracker.incomplete(rollout, config.rolloutGrace(), at)) {
                CertificateRef old = RolloutTracker.oldCertificate(rollout, judgements);
                extra.add(new Extra(new EndpointJudgement.EndpointCondition(ConditionType.ROLLOUT_INCOMPLETE, Severity.WARNING, old,
                        "renewed certificate " + rollout.getNewCertificate().getSubject() + " is not served everywhere yet: "
                                + rollout.getEndpointsOld().size() + " of "
                                + (rollout.getEndpointsOld().size() + rollout.getEndpointsNew().size())
                                + " endpoints still serve an older certificate"),
                        new TreeSet<>(rollout.getEndpointsOld())));
            } else {
                Instant t = graceEnds.plusMillis(1);
                if (next.isEmpty() || t.isBefore(next.get())) {
                    next = Optional.of(t);
                }
            }
        }
        List<Condition> conditions = conditions(judgements, extra, previous, observedNow, at);

        List<String> problems = new ArrayList<>();
        for (Condition c : conditions) {
            problems.add(c.getMessage());
        }
        String owner = owner(targets, sorted, problems);

        ServiceStatus result = ServiceStatus.newBuilder()
                .setService(service)
                .setOwner(owner)
                .setLabels(labels(targets, sorted))
                .setStatus(status)
                .setNotAfter(notAfter)
                .setDaysLeft(EndpointJudgement.daysLeft(notAfter, at))
                .setConditions(conditions)
                .setEndpoints(endpointStatuses)
                .setRollout(rollout)
                .setProblems(problems)
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
                .setUpdatedAt(at)
                .build();
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

    private List<Condition> conditions(List<EndpointJudgement> judgements, List<Extra> extra, ServiceStatus previous,
                                       Set<String> observedNow, Instant at) {
        record Key(ConditionType type, Severity level, String sha256) {
        }
        record Group(CertificateRef certificate, String message, TreeSet<String> endpoints) {
        }
        Map<Key, Group> groups = new LinkedHashMap<>();
        for (EndpointJudgement j : judgements) {
            for (EndpointJudgement.EndpointCondition c : j.conditions()) {
                Key key = new Key(c.type(), c.level(), c.certificate() != null ? c.certificate().getSha256() : null);
                groups.computeIfAbsent(key, k -> new Group(c.certificate(), c.message(), new TreeSet<>())).endpoints().add(j.endpointKey());
            }
        }
        for (Extra x : extra) {
            EndpointJudgement.EndpointCondition c = x.condition();
            Key key = new Key(c.type(), c.level(), c.certificate() != null ? c.certificate().getSha256() : null);
            groups.computeIfAbsent(key, k -> new Group(c.certificate(), c.message(), new TreeSet<>())).endpoints().addAll(x.endpoints());
        }
        Map<Key, Condition> before = new HashMap<>();
        if (previous != null) {
            for (Condition c : previous.getConditions()) {
                before.put(new Key(c.getType(), c.getLevel(), c.getCertificate() != null ? c.getCertificate().getSha256() : null), c);
            }
        }
        List<Condition> out = new ArrayList<>();
        for (Map.Entry<Key, Group> e : groups.entrySet()) {
            Group g = e.getValue();
            Condition held = before.get(e.getKey());
            boolean observed = g.endpoints().stream().anyMatch(observedNow::contains);
            Instant since = held != null ? held.getSince() : at;
            int consecutive = held == null ? 1 : held.getConsecutive() + (observed ? 1 : 0);
            out.add(Condition.newBuilder()
                    .setType(e.getKey().type())
                    .setLevel(e.getKey().level())
                    .setCertificate(g.certificate())
                    .setEndpoints(List.copyOf(g.endpoints()))
                    .setSince(since)
                    .setConsecutive(consecutive)
                    .setMessage(g.endpoints().size() == 1 ? g.message() + " on " + g.endpoints().first()
                            : g.message() + " on " + g.endpoints().size() + " endpoints")
                    .build());
        }
        out.sort(Comparator.comparing((Condition c) -> c.getType().ordinal())
                .thenComparing(c -> -c.getLevel().ordinal())
                .thenComparing(c -> c.getCertificate() != null ? c.getCertificate().getSha256() : ""));
        return out;
    }

    /** A condition that no single endpoint causes alone, with the endpoints it concerns. */
    private record Extra(EndpointJudgement.EndpointCondition condition, TreeSet<String> endpoints) {
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

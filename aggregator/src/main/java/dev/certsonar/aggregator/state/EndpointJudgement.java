package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import dev.certsonar.schemas.policy.StatusRules;
import dev.certsonar.schemas.policy.Verdicts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The state of one endpoint at an instant, judged from its last observation: its status and the
 * conditions it causes, as {@link Verdicts} reads them (the one reading that {@code scan} shares), and
 * STALE when no observation came for too long.
 *
 * @param stale        no observation for {@code staleIntervals} scan intervals
 * @param staleAt      the instant after which the endpoint is stale
 */
public record EndpointJudgement(String endpointKey, Observation observation, Status status, List<EndpointCondition> conditions,
                                boolean stale, Instant staleAt, Optional<Instant> nextTransition) {

    /** One condition caused by one endpoint. */
    public record EndpointCondition(ConditionType type, Severity level, CertificateRef certificate, String message) {
    }

    public static EndpointJudgement judge(String endpointKey, Observation o, ExpiryPolicy policy, int staleIntervals, Instant now) {
        return judge(endpointKey, o, policy, staleIntervals, now, o.getObservedAt(), false);
    }

    /**
     * @param staleBase the instant staleness counts from: the observation's, or later when its zone was held since
     * @param held      the endpoint's zone has no scanner: it is not stale, however long ago it was observed
     */
    public static EndpointJudgement judge(String endpointKey, Observation o, ExpiryPolicy policy, int staleIntervals, Instant now,
                                          Instant staleBase, boolean held) {
        Instant staleAt = held ? Instant.MAX : staleBase.plus(policy.interval().multipliedBy(staleIntervals));
        boolean stale = !held && now.isAfter(staleAt);
        Verdicts.Verdict verdict = Verdicts.of(o, policy, now);
        Status status = verdict.status();
        if (stale && status.ordinal() < Status.STALE.ordinal()) {
            status = Status.STALE;
        }
        List<EndpointCondition> conditions = new ArrayList<>();
        for (Verdicts.Finding f : verdict.conditions()) {
            conditions.add(new EndpointCondition(f.type(), f.level(), f.certificate(), f.message()));
        }
        if (stale) {
            conditions.add(new EndpointCondition(ConditionType.STALE, Severity.WARNING, null,
                    "no observation for more than " + staleIntervals + " scan intervals"));
        }
        return new EndpointJudgement(endpointKey, o, status, List.copyOf(conditions), stale, staleAt,
                nextTransition(o, policy, staleAt, now));
    }

    /**
     * The first instant after {@code now} at which the status or a condition may change by time alone:
     * a threshold crossed (also one that leaves the status as it is, such as a warning under an INVALID
     * status), notAfter passed, validity begun, or the endpoint going stale.
     */
    private static Optional<Instant> nextTransition(Observation o, ExpiryPolicy policy, Instant staleAt, Instant now) {
        List<Instant> candidates = new ArrayList<>();
        StatusRules.nextTransition(o, policy, now).ifPresent(candidates::add);
        if (o.getNotAfter() != null) {
            candidates.add(StatusRules.warnAt(o, policy).plusMillis(1));
            candidates.add(StatusRules.criticalAt(o, policy).plusMillis(1));
            candidates.add(o.getNotAfter().plusMillis(1));
        }
        if (!staleAt.equals(Instant.MAX)) {
            candidates.add(staleAt.plusMillis(1));
        }
        return candidates.stream().filter(t -> t.isAfter(now)).min(Instant::compareTo);
    }

    /** The served leaf as a reference; null when no chain was received. */
    public static CertificateRef leaf(Observation o) {
        return Verdicts.leaf(o);
    }

    public static CertificateRef ref(Certificate c) {
        return Verdicts.ref(c);
    }

    /** Days from {@code now} to the observation's notAfter, or null without one. */
    public static Double daysLeft(Instant notAfter, Instant now) {
        if (notAfter == null) {
            return null;
        }
        return (notAfter.toEpochMilli() - now.toEpochMilli()) / (double) Duration.ofDays(1).toMillis();
    }
}

package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Checks;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import dev.certsonar.schemas.policy.StatusRules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The state of one endpoint at an instant, judged from its last observation: its status and the
 * conditions it causes. One cause gives one condition: a self-signed leaf is UNTRUSTED (not also an
 * incomplete chain), a chain that lacks an intermediate is INCOMPLETE_CHAIN (not also untrusted).
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
        Instant staleAt = o.getObservedAt().plus(policy.interval().multipliedBy(staleIntervals));
        boolean stale = now.isAfter(staleAt);
        Status status = StatusRules.status(o, policy, now);
        if (stale && status.ordinal() < Status.STALE.ordinal()) {
            status = Status.STALE;
        }
        List<EndpointCondition> conditions = conditions(o, policy, now);
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
        candidates.add(staleAt.plusMillis(1));
        return candidates.stream().filter(t -> t.isAfter(now)).min(Instant::compareTo);
    }

    private static List<EndpointCondition> conditions(Observation o, ExpiryPolicy policy, Instant now) {
        List<EndpointCondition> out = new ArrayList<>();
        if (o.getOutcome() != Outcome.OK) {
            out.add(new EndpointCondition(ConditionType.UNREACHABLE, Severity.WARNING, null,
                    "not reachable over TLS (" + o.getOutcome() + ")"));
        }
        CertificateRef leaf = leaf(o);
        String leafName = leaf != null ? leaf.getSubject() : "the certificate";
        if (o.getNotAfter() != null) {
            CertificateRef expiring = o.getExpiryCertificate() != null ? o.getExpiryCertificate() : leaf;
            String name = expiring != null ? expiring.getSubject() : "the certificate";
            if (now.isAfter(o.getNotAfter())) {
                out.add(new EndpointCondition(ConditionType.EXPIRED, Severity.CRITICAL, expiring,
                        "certificate " + name + " expired at " + o.getNotAfter()));
            } else if (now.isAfter(StatusRules.criticalAt(o, policy))) {
                out.add(new EndpointCondition(ConditionType.EXPIRING, Severity.CRITICAL, expiring,
                        "certificate " + name + " expires at " + o.getNotAfter() + " (critical threshold passed)"));
            } else if (now.isAfter(StatusRules.warnAt(o, policy))) {
                out.add(new EndpointCondition(ConditionType.EXPIRING, Severity.WARNING, expiring,
                        "certificate " + name + " expires at " + o.getNotAfter() + " (warning threshold passed)"));
            }
        }
        Checks c = o.getChecks();
        if (c != null) {
            boolean selfSigned = c.getSelfSigned();
            if (selfSigned) {
                out.add(new EndpointCondition(ConditionType.UNTRUSTED, Severity.CRITICAL, leaf,
                        "certificate " + leafName + " is self-signed"));
            } else if (!c.getTrusted() && c.getChainComplete()) {
                out.add(new EndpointCondition(ConditionType.UNTRUSTED, Severity.CRITICAL, leaf,
                        "certificate " + leafName + " does not chain to a trusted anchor"));
            }
            if (!c.getChainComplete() && !selfSigned) {
                out.add(new EndpointCondition(ConditionType.INCOMPLETE_CHAIN, Severity.CRITICAL, leaf,
                        "the chain served with " + leafName + " lacks an intermediate certificate"));
            }
            if (!c.getHostnameMatch()) {
                String checked = c.getHostnameChecked();
                out.add(new EndpointCondition(ConditionType.HOSTNAME_MISMATCH, Severity.CRITICAL, leaf,
                        "certificate " + leafName + " does not match " + (checked != null ? "the name " + checked : "the host name")));
            }
            if (StatusRules.notYetValid(o, now)) {
                out.add(new EndpointCondition(ConditionType.NOT_YET_VALID, Severity.CRITICAL, leaf,
                        "certificate " + leafName + " is not valid yet"));
            }
            if (c.getWeakKey() || c.getWeakSignature()) {
                String what = c.getWeakKey() && c.getWeakSignature() ? "a weak key and a weak signature"
                        : c.getWeakKey() ? "a weak key" : "a weak signature";
                out.add(new EndpointCondition(ConditionType.WEAK_CRYPTO, Severity.CRITICAL, leaf,
                        "the chain of " + leafName + " uses " + what));
            }
        }
        return out;
    }

    /** The served leaf as a reference; null when no chain was received. */
    public static CertificateRef leaf(Observation o) {
        if (o.getChain() == null || o.getChain().isEmpty()) {
            return null;
        }
        return ref(o.getChain().get(0));
    }

    public static CertificateRef ref(Certificate c) {
        return CertificateRef.newBuilder()
                .setSha256(c.getSha256())
                .setSubject(c.getSubject())
                .setIssuer(c.getIssuer())
                .setNotBefore(c.getNotBefore())
                .setNotAfter(c.getNotAfter())
                .build();
    }

    /** Days from {@code now} to the observation's notAfter, or null without one. */
    public static Double daysLeft(Instant notAfter, Instant now) {
        if (notAfter == null) {
            return null;
        }
        return (notAfter.toEpochMilli() - now.toEpochMilli()) / (double) Duration.ofDays(1).toMillis();
    }
}

package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.EndpointStatus;
import dev.certsonar.schemas.avro.ServiceStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a person cares about in a service status: status, owner, labels, the certificate (notAfter and
 * leaves), the conditions with their levels and endpoints, the set of endpoints and their states, the rollout, the
 * conditions accepted and by which exception (with its reason and end).
 * Not the days left ticking down, not when it was computed, and consecutive counts only up to a cap.
 * A new service-status record is written only when this changes.
 */
public record Significance(String status, String owner, Map<String, String> labels, Instant notAfter,
                           List<ConditionView> conditions, List<EndpointView> endpoints, RolloutView rollout, List<String> problems,
                           List<AcceptedView> accepted) {

    record ConditionView(String type, String level, String certificate, List<String> endpoints, Instant since, int consecutive) {
    }

    record EndpointView(String endpoint, String targetId, String status, String outcome, Instant notAfter, String leaf,
                        List<String> problems, List<String> alternateLeaves) {
    }

    record AcceptedView(String type, String level, String certificate, List<String> endpoints, String exceptionId, String reason,
                        String createdBy, Instant until) {
    }

    record RolloutView(String newCertificate, List<String> endpointsNew, List<String> endpointsOld, Instant since) {
    }

    public static Significance of(ServiceStatus s, int consecutiveCap) {
        List<ConditionView> conditions = s.getConditions().stream()
                .map((Condition c) -> new ConditionView(c.getType().name(), c.getLevel().name(),
                        c.getCertificate() != null ? c.getCertificate().getSha256() : null, List.copyOf(c.getEndpoints()),
                        c.getSince(), Math.min(c.getConsecutive(), consecutiveCap)))
                .toList();
        List<EndpointView> endpoints = s.getEndpoints().stream()
                .map((EndpointStatus e) -> new EndpointView(StateKeys.endpointKeyOf(e), e.getTargetId(), e.getStatus().name(),
                        e.getOutcome().name(), e.getNotAfter(), e.getLeaf() != null ? e.getLeaf().getSha256() : null,
                        List.copyOf(e.getProblems()), e.getAlternateLeaves().stream().map(CertificateRef::getSha256).toList()))
                .toList();
        RolloutView rollout = s.getRollout() == null ? null : new RolloutView(s.getRollout().getNewCertificate().getSha256(),
                List.copyOf(s.getRollout().getEndpointsNew()), List.copyOf(s.getRollout().getEndpointsOld()), s.getRollout().getSince());
        List<AcceptedView> accepted = s.getAccepted().stream()
                .map(a -> new AcceptedView(a.getCondition().getType().name(), a.getCondition().getLevel().name(),
                        a.getCondition().getCertificate() != null ? a.getCondition().getCertificate().getSha256() : null,
                        List.copyOf(a.getCondition().getEndpoints()), a.getExceptionId(), a.getReason(), a.getCreatedBy(), a.getUntil()))
                .toList();
        return new Significance(s.getStatus().name(), s.getOwner(), Map.copyOf(s.getLabels()), s.getNotAfter(), conditions, endpoints,
                rollout, List.copyOf(s.getProblems()), accepted);
    }

    /** Whether {@code next} differs from {@code previous} in anything a person cares about. */
    public static boolean changed(ServiceStatus previous, ServiceStatus next, int consecutiveCap) {
        return previous == null || !of(previous, consecutiveCap).equals(of(next, consecutiveCap));
    }
}

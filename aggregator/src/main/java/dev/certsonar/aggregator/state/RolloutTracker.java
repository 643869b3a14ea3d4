package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Rollout;
import dev.certsonar.schemas.avro.ServiceStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A certificate renewal under way: endpoints of one service serving different leaf certificates for
 * the same names. The newest certificate is the one issued last (latest notBefore, then latest notAfter);
 * every endpoint serving another one for the same names is still on an older certificate.
 */
public final class RolloutTracker {

    private RolloutTracker() {
    }

    /**
     * The rollout of the service, or null when every endpoint serves the same certificate for its names.
     * {@code since} carries over from the previous status while the newest certificate stays the same.
     */
    public static Rollout rollout(List<EndpointJudgement> judgements, ServiceStatus previous, Instant now) {
        Map<String, List<EndpointJudgement>> byNames = new TreeMap<>();
        for (EndpointJudgement j : judgements) {
            Observation o = j.observation();
            if (o.getOutcome() != Outcome.OK || o.getChain() == null || o.getChain().isEmpty()) {
                continue;
            }
            byNames.computeIfAbsent(names(o.getChain().get(0)), k -> new ArrayList<>()).add(j);
        }
        for (List<EndpointJudgement> group : byNames.values()) {
            Map<String, Certificate> leaves = new LinkedHashMap<>();
            for (EndpointJudgement j : group) {
                Certificate leaf = j.observation().getChain().get(0);
                leaves.putIfAbsent(leaf.getSha256(), leaf);
            }
            if (leaves.size() < 2) {
                continue;
            }
            Certificate newest = leaves.values().stream()
                    .max(Comparator.comparing(Certificate::getNotBefore).thenComparing(Certificate::getNotAfter)
                            .thenComparing(Certificate::getSha256))
                    .orElseThrow();
            TreeSet<String> endpointsNew = new TreeSet<>();
            TreeSet<String> endpointsOld = new TreeSet<>();
            for (EndpointJudgement j : group) {
                (j.observation().getChain().get(0).getSha256().equals(newest.getSha256()) ? endpointsNew : endpointsOld)
                        .add(j.endpointKey());
            }
            Instant since = now;
            if (previous != null && previous.getRollout() != null
                    && previous.getRollout().getNewCertificate().getSha256().equals(newest.getSha256())) {
                since = previous.getRollout().getSince();
            }
            return Rollout.newBuilder()
                    .setNewCertificate(EndpointJudgement.ref(newest))
                    .setEndpointsNew(List.copyOf(endpointsNew))
                    .setEndpointsOld(List.copyOf(endpointsOld))
                    .setSince(since)
                    .build();
        }
        return null;
    }

    /** Whether endpoints have served an older certificate for longer than the grace period. */
    public static boolean incomplete(Rollout rollout, Duration grace, Instant now) {
        return rollout != null && now.isAfter(rollout.getSince().plus(grace));
    }

    /** The oldest certificate still served by an endpoint of the rollout's old side. */
    public static CertificateRef oldCertificate(Rollout rollout, List<EndpointJudgement> judgements) {
        return judgements.stream()
                .filter(j -> rollout.getEndpointsOld().contains(j.endpointKey()))
                .filter(j -> j.observation().getChain() != null && !j.observation().getChain().isEmpty())
                .map(j -> j.observation().getChain().get(0))
                .min(Comparator.comparing(Certificate::getNotBefore).thenComparing(Certificate::getSha256))
                .map(EndpointJudgement::ref)
                .orElse(null);
    }

    private static String names(Certificate leaf) {
        if (leaf.getSans() != null && !leaf.getSans().isEmpty()) {
            return String.join(",", new TreeSet<>(leaf.getSans()));
        }
        return leaf.getSubject();
    }
}

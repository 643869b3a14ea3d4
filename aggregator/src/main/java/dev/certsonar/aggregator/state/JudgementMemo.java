package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.policy.ExpiryPolicy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the judgement of each endpoint observation (by the observation's identity) and hands it out again
 * while it cannot have changed: same observation, endpoint key, policy and stale intervals, and a time from the
 * instant it was judged up to, not including, its next transition. An endpoint's status and conditions change by
 * time alone only at the instants its next transition considers (warning and critical thresholds, notAfter,
 * staleness, the status-changing end of a not-yet-valid period); an observation with a certificate not yet valid is
 * judged anew each time, since its condition may end at an instant that leaves its status as it is.
 * Bounded, least recently used out; one thread only.
 */
final class JudgementMemo {

    private record Judged(Observation observation, String endpointKey, ExpiryPolicy policy, int staleIntervals, Instant judgedAt,
                          EndpointJudgement judgement) {

        boolean holdsFor(String key, ExpiryPolicy p, int intervals, Instant at) {
            return endpointKey.equals(key) && staleIntervals == intervals && policy.equals(p) && !at.isBefore(judgedAt)
                    && judgement.nextTransition().map(at::isBefore).orElse(true);
        }
    }

    /** A key comparing observations by identity: a stored observation is replaced, never changed. */
    private record Identity(Observation observation) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity i && i.observation == observation;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(observation);
        }
    }

    private final Map<Identity, Judged> judged;

    JudgementMemo(int maxSize) {
        this.judged = new LinkedHashMap<>(Math.min(maxSize, 4096), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Identity, Judged> eldest) {
                return size() > maxSize;
            }
        };
    }

    EndpointJudgement judge(String endpointKey, Observation o, ExpiryPolicy policy, int staleIntervals, Instant at) {
        Identity key = new Identity(o);
        Judged held = judged.get(key);
        if (held != null && held.holdsFor(endpointKey, policy, staleIntervals, at)) {
            return held.judgement();
        }
        EndpointJudgement judgement = EndpointJudgement.judge(endpointKey, o, policy, staleIntervals, at);
        if (o.getChecks() == null || !o.getChecks().getNotYetValid()) {
            judged.put(key, new Judged(o, endpointKey, policy, staleIntervals, at, judgement));
        } else if (held != null) {
            judged.remove(key);
        }
        return judgement;
    }
}

package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.policy.ExpiryPolicy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the judgement of each endpoint's last observation (the observation compared by identity) and hands it out again
 * while it cannot have changed: same observation, endpoint key, policy and stale intervals, and a time from the
 * instant it was judged up to, not including, its next transition. An endpoint's status and conditions change by
 * time alone only at the instants its next transition considers (warning and critical thresholds, notAfter,
 * staleness, the status-changing end of a not-yet-valid period); an observation with a certificate not yet valid is
 * judged anew each time, since its condition may end at an instant that leaves its status as it is.
 * Bounded, least recently used out; one thread only.
 */
final class JudgementMemo {

    private record Judged(Observation observation, ExpiryPolicy policy, int staleIntervals, Instant judgedAt,
                          EndpointJudgement judgement) {

        /** Compares the observation by identity: a stored observation is replaced, never changed. */
        boolean holdsFor(Observation o, ExpiryPolicy p, int intervals, Instant at) {
            return observation == o && staleIntervals == intervals && policy.equals(p) && !at.isBefore(judgedAt)
                    && judgement.nextTransition().map(at::isBefore).orElse(true);
        }
    }

    /**
     * Endpoint key → the judgement of its last observation judged: one entry per endpoint, so an observation replaced
     * by a newer one is let go of at once instead of being held until the least recently used end reaches it.
     */
    private final Map<String, Judged> judged;

    JudgementMemo(int maxSize) {
        this.judged = new LinkedHashMap<>(Math.min(maxSize, 4096), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Judged> eldest) {
                return size() > maxSize;
            }
        };
    }

    /** How many judgements are held (at most one per endpoint key). */
    int size() {
        return judged.size();
    }

    EndpointJudgement judge(String endpointKey, Observation o, ExpiryPolicy policy, int staleIntervals, Instant at) {
        Judged held = judged.get(endpointKey);
        if (held != null && held.holdsFor(o, policy, staleIntervals, at)) {
            return held.judgement();
        }
        EndpointJudgement judgement = EndpointJudgement.judge(endpointKey, o, policy, staleIntervals, at);
        if (o.getChecks() == null || !o.getChecks().getNotYetValid()) {
            judged.put(endpointKey, new Judged(o, policy, staleIntervals, at, judgement));
        } else if (held != null) {
            judged.remove(endpointKey);
        }
        return judgement;
    }
}

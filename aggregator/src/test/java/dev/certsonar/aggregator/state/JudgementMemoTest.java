package dev.certsonar.aggregator.state;

import dev.certsonar.aggregator.Obs;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class JudgementMemoTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    private static Observation observedAt(Instant at) {
        return Obs.at(at, NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(80))).build();
    }

    @Test
    void handsOutTheJudgementOfTheSameObservationAgain() {
        JudgementMemo memo = new JudgementMemo(10);
        Observation o = observedAt(NOW);

        EndpointJudgement first = memo.judge("shop|a", o, ExpiryPolicy.DEFAULT, 3, NOW);

        assertThat(memo.judge("shop|a", o, ExpiryPolicy.DEFAULT, 3, NOW.plusSeconds(60))).isSameAs(first);
    }

    @Test
    void aNewerObservationOfAnEndpointReplacesTheOlderOneInsteadOfHoldingBoth() {
        JudgementMemo memo = new JudgementMemo(10);
        Observation older = observedAt(NOW);
        Observation newer = observedAt(NOW.plusSeconds(120));

        EndpointJudgement ofOlder = memo.judge("shop|a", older, ExpiryPolicy.DEFAULT, 3, NOW);
        EndpointJudgement ofNewer = memo.judge("shop|a", newer, ExpiryPolicy.DEFAULT, 3, NOW.plusSeconds(120));
        memo.judge("shop|b", older, ExpiryPolicy.DEFAULT, 3, NOW.plusSeconds(120));

        assertThat(ofNewer).isNotSameAs(ofOlder);
        assertThat(ofNewer.observation()).isSameAs(newer);
        assertThat(memo.size()).isEqualTo(2);
        assertThat(memo.judge("shop|a", newer, ExpiryPolicy.DEFAULT, 3, NOW.plusSeconds(180))).isSameAs(ofNewer);
    }

    @Test
    void holdsAtMostItsSize() {
        JudgementMemo memo = new JudgementMemo(3);
        for (int i = 0; i < 10; i++) {
            memo.judge("shop|" + i, observedAt(NOW), ExpiryPolicy.DEFAULT, 3, NOW);
        }
        assertThat(memo.size()).isEqualTo(3);
    }
}

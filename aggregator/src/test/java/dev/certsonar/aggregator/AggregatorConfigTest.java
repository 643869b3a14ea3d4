package dev.certsonar.aggregator;

import dev.certsonar.schemas.InvalidValueException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class AggregatorConfigTest {

    private static final AggregatorConfig D = AggregatorConfig.DEFAULT;

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                argumentSet("no policy", (Supplier<?>) () -> D.withPolicy(null), "policy", "missing"),
                argumentSet("a blank application id", (Supplier<?>) () -> D.withApplicationId(" "), "applicationId", "an empty application id"),
                argumentSet("no state folder", (Supplier<?>) () -> D.withStateDir(null), "stateDir", "missing"),
                argumentSet("a port too large", (Supplier<?>) () -> D.withHttp("127.0.0.1", 65536),
                        "httpPort", "65536 is not a port (0 to 65535, or -1 for no HTTP)"),
                argumentSet("a port below -1", (Supplier<?>) () -> D.withHttp("127.0.0.1", -2),
                        "httpPort", "-2 is not a port (0 to 65535, or -1 for no HTTP)"),
                argumentSet("no replicas", (Supplier<?>) () -> D.withReplicationFactor(0),
                        "replicationFactor", "0 is not a replication factor (1 or more, or -1 for the broker's default)"),
                argumentSet("a zero punctuation interval", (Supplier<?>) () -> D.withPunctuationInterval(Duration.ZERO),
                        "punctuationInterval", "0s is not a positive duration"),
                argumentSet("jitter of a whole interval", (Supplier<?>) () -> D.withJitterFraction(1),
                        "jitterFraction", "1.0 is not a fraction from 0 up to, not including, 1"),
                argumentSet("negative jitter", (Supplier<?>) () -> D.withJitterFraction(-0.1),
                        "jitterFraction", "-0.1 is not a fraction from 0 up to, not including, 1"),
                argumentSet("no scan per tick", (Supplier<?>) () -> D.withMaxScansPerTick(0), "maxScansPerTick", "0 is too small (at least 1)"),
                argumentSet("a negative rollout grace", (Supplier<?>) () -> D.withRolloutGrace(Duration.ofMinutes(-1)),
                        "rolloutGrace", "PT-1M is a negative duration"),
                argumentSet("no stream thread", (Supplier<?>) () -> D.withStreamThreads(0), "streamThreads", "0 is too small (at least 1)"),
                argumentSet("empty range blocks", (Supplier<?>) () -> D.withRangeBlockSize(0), "rangeBlockSize", "0 is too small (at least 1)"));
    }

    @ParameterizedTest
    @MethodSource("brokenRules")
    void aBrokenRuleNamesItsField(Supplier<?> construction, String field, String problem) {
        assertThatThrownBy(construction::get)
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.problem()).isEqualTo(problem);
                });
    }
}

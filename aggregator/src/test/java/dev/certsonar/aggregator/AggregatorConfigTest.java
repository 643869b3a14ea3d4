package dev.certsonar.aggregator;

import dev.certsonar.schemas.InvalidValueException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class AggregatorConfigTest {

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                argumentSet("no policy", (UnaryOperator<AggregatorConfig>) c -> c.withPolicy(null), "policy: missing"),
                argumentSet("a blank application id", (UnaryOperator<AggregatorConfig>) c -> c.withApplicationId(" "),
                        "applicationId: an empty application id"),
                argumentSet("no state folder", (UnaryOperator<AggregatorConfig>) c -> c.withStateDir(null), "stateDir: missing"),
                argumentSet("a port too large", (UnaryOperator<AggregatorConfig>) c -> c.withHttp("127.0.0.1", 65536),
                        "http.port: 65536 is not a port (0 to 65535, or -1 for no HTTP)"),
                argumentSet("a port below -1", (UnaryOperator<AggregatorConfig>) c -> c.withHttp("127.0.0.1", -2),
                        "http.port: -2 is not a port (0 to 65535, or -1 for no HTTP)"),
                argumentSet("a wildcard address without a token", (UnaryOperator<AggregatorConfig>) c -> c.withHttp("0.0.0.0", 8080),
                        "http.token: the HTTP server would bind to 0.0.0.0, which is not a loopback address, and writes there "
                                + "need a bearer token: set http.token (at least 16 characters), or bind to 127.0.0.1 (http.bind, --http-bind)"),
                argumentSet("another address without a token", (UnaryOperator<AggregatorConfig>) c -> c.withHttp("192.0.2.7", 8080),
                        "http.token: the HTTP server would bind to 192.0.2.7, which is not a loopback address, and writes there "
                                + "need a bearer token: set http.token (at least 16 characters), or bind to 127.0.0.1 (http.bind, --http-bind)"),
                argumentSet("a short token", (UnaryOperator<AggregatorConfig>) c -> c.withHttp(
                                new dev.certsonar.aggregator.http.HttpSettings("127.0.0.1", 8080, "short", java.util.List.of())),
                        "token: a token of 5 characters is too short (at least 16)"),
                argumentSet("no replicas", (UnaryOperator<AggregatorConfig>) c -> c.withReplicationFactor(0),
                        "replicationFactor: 0 is not a replication factor (1 or more, or -1 for the broker's default)"),
                argumentSet("a zero punctuation interval", (UnaryOperator<AggregatorConfig>) c -> c.withPunctuationInterval(Duration.ZERO),
                        "punctuationInterval: 0s is not a positive duration"),
                argumentSet("jitter of a whole interval", (UnaryOperator<AggregatorConfig>) c -> c.withJitterFraction(1),
                        "jitterFraction: 1.0 is not a fraction from 0 up to, not including, 1"),
                argumentSet("negative jitter", (UnaryOperator<AggregatorConfig>) c -> c.withJitterFraction(-0.1),
                        "jitterFraction: -0.1 is not a fraction from 0 up to, not including, 1"),
                argumentSet("no scan per tick", (UnaryOperator<AggregatorConfig>) c -> c.withMaxScansPerTick(0),
                        "maxScansPerTick: 0 is too small (at least 1)"),
                argumentSet("a negative rollout grace", (UnaryOperator<AggregatorConfig>) c -> c.withRolloutGrace(Duration.ofMinutes(-1)),
                        "rolloutGrace: PT-1M is a negative duration"),
                argumentSet("no stream thread", (UnaryOperator<AggregatorConfig>) c -> c.withStreamThreads(0),
                        "streamThreads: 0 is too small (at least 1)"),
                argumentSet("empty range blocks", (UnaryOperator<AggregatorConfig>) c -> c.withRangeBlockSize(0),
                        "rangeBlockSize: 0 is too small (at least 1)"));
    }

    /** Each change of the default settings breaks one rule: the message is the field, then the problem. */
    @ParameterizedTest
    @MethodSource("brokenRules")
    void aBrokenRuleNamesItsField(UnaryOperator<AggregatorConfig> change, String message) {
        assertThatExceptionOfType(InvalidValueException.class).isThrownBy(() -> change.apply(AggregatorConfig.DEFAULT))
                .withMessage(message);
    }
}

package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.ValueRules;

import java.time.Duration;
import java.util.List;

/**
 * How often and how patiently a notification is tried: {@code maxAttempts} tries in all, waiting
 * {@code initialBackoff} after the first failure, doubling up to {@code maxBackoff}.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** 6 tries over about a minute: 1s, 2s, 4s, 8s, 16s between them. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(30));

    public RetryPolicy {
        ValueRules.atLeast("maxAttempts", maxAttempts, 1);
        ValueRules.notNegative("initialBackoff", initialBackoff);
        if (ValueRules.required("maxBackoff", maxBackoff).compareTo(initialBackoff) < 0) {
            throw new InvalidValueException(List.of("maxBackoff", "initialBackoff"), "maxBackoff ("
                    + Durations.format(maxBackoff) + ") must not be less than initialBackoff (" + Durations.format(initialBackoff) + ")");
        }
    }

    /** The wait after the {@code attempt}-th failed try (1-based). */
    public Duration backoff(int attempt) {
        Duration d = initialBackoff;
        for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}

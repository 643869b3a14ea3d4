package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.ValueRules;

import java.time.Duration;
import java.util.List;

/**
 * How often and how patiently something is tried: {@code attempts} tries in all, waiting {@code initialBackoff} after
 * the first failure, doubling up to {@code maxBackoff}, and no try starting later than {@code budget} after the first.
 * The field names are the keys of a channel's {@code retry} section in the configuration file.
 */
public record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff, Duration budget) {

    /** The budget when none is given: long enough that the attempts, not the time, bound the default policy. */
    public static final Duration DEFAULT_BUDGET = Duration.ofMinutes(10);

    /** 6 tries over about a minute: 1s, 2s, 4s, 8s, 16s between them. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(30),
            DEFAULT_BUDGET);

    public RetryPolicy {
        ValueRules.atLeast("attempts", attempts, 1);
        ValueRules.notNegative("initialBackoff", initialBackoff);
        if (ValueRules.required("maxBackoff", maxBackoff).compareTo(initialBackoff) < 0) {
            throw new InvalidValueException(List.of("maxBackoff", "initialBackoff"), "maxBackoff ("
                    + Durations.format(maxBackoff) + ") must not be less than initialBackoff (" + Durations.format(initialBackoff) + ")");
        }
        ValueRules.positive("budget", budget);
    }

    /** A policy with the {@link #DEFAULT_BUDGET}. */
    public RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff) {
        this(attempts, initialBackoff, maxBackoff, DEFAULT_BUDGET);
    }

    /** The wait after the {@code attempt}-th failed try (1-based). */
    public Duration backoff(int attempt) {
        Duration d = initialBackoff;
        for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    /**
     * Whether another try follows the {@code attempt}-th failed one, {@code elapsed} after the first try started:
     * there are tries left, and the next would start within the budget.
     */
    public boolean triesAgain(int attempt, Duration elapsed) {
        return attempt < attempts && elapsed.plus(backoff(attempt)).compareTo(budget) <= 0;
    }

    public RetryPolicy withBudget(Duration value) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff, value);
    }
}

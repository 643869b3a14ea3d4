package dev.certsonar.schemas.policy;

import dev.certsonar.schemas.avro.Target;

import java.time.Duration;
import java.util.Objects;

/**
 * When a certificate is due for attention: WARNING when fewer than {@code min(warnDays, warnFraction × lifetime)}
 * days are left, CRITICAL under {@code min(criticalDays, criticalFraction × lifetime)}; and how often to scan.
 */
public record ExpiryPolicy(Duration interval, double warnDays, double warnFraction, double criticalDays, double criticalFraction) {

    public static final ExpiryPolicy DEFAULT = new ExpiryPolicy(Duration.ofHours(6), 30, 0.25, 7, 0.1);

    public ExpiryPolicy {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        requireNonNegative("warnDays", warnDays);
        requireNonNegative("criticalDays", criticalDays);
        requireFraction("warnFraction", warnFraction);
        requireFraction("criticalFraction", criticalFraction);
    }

    /** The default policy with the target's overrides applied. */
    public static ExpiryPolicy forTarget(Target target) {
        return DEFAULT.withOverrides(target);
    }

    /** This policy with the overrides the target carries (interval and thresholds) applied. */
    public ExpiryPolicy withOverrides(Target target) {
        return new ExpiryPolicy(
                target.getIntervalMillis() != null ? Duration.ofMillis(target.getIntervalMillis()) : interval,
                target.getWarnDays() != null ? target.getWarnDays() : warnDays,
                target.getWarnFraction() != null ? target.getWarnFraction() : warnFraction,
                target.getCriticalDays() != null ? target.getCriticalDays() : criticalDays,
                target.getCriticalFraction() != null ? target.getCriticalFraction() : criticalFraction);
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a number of days >= 0, was " + value);
        }
    }

    private static void requireFraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, was " + value);
        }
    }
}

package dev.certsonar.schemas;

import java.time.Duration;

/**
 * The rules many records share, each refusing a value with an {@link InvalidValueException} that names the field:
 * {@code timeout: 0s is not a positive duration}, {@code concurrency: 0 is too small (at least 1)}.
 */
public final class ValueRules {

    private ValueRules() {
    }

    /** The value, when there is one. */
    public static <T> T required(String field, T value) {
        if (value == null) {
            throw new InvalidValueException(field, "missing");
        }
        return value;
    }

    /** The number, when it is at least {@code least}. */
    public static int atLeast(String field, int value, int least) {
        if (value < least) {
            throw new InvalidValueException(field, value + " is too small (at least " + least + ")");
        }
        return value;
    }

    /** The duration, when it is longer than zero. */
    public static Duration positive(String field, Duration value) {
        if (required(field, value).isNegative() || value.isZero()) {
            throw new InvalidValueException(field, Durations.format(value) + " is not a positive duration");
        }
        return value;
    }

    /** The duration, when it is zero or longer. */
    public static Duration notNegative(String field, Duration value) {
        if (required(field, value).isNegative()) {
            throw new InvalidValueException(field, Durations.format(value) + " is a negative duration");
        }
        return value;
    }
}

package dev.certsonar.schemas;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them: {@code 90s}, {@code 10m}, {@code 6h}, {@code 7d}, {@code 500ms}, combinations such as
 * {@code 1h30m}, or ISO-8601 such as {@code PT6H} and {@code P1D}.
 */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final String FORMS = "use 90s, 10m, 6h, 7d (or combined, 1h30m) or ISO-8601 such as PT6H";

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing duration: " + FORMS);
        }
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration: " + FORMS);
        }
        if (SHORT.matcher(s).matches()) {
            Duration total = Duration.ZERO;
            Matcher m = PART.matcher(s);
            try {
                while (m.find()) {
                    long n = Long.parseLong(m.group(1));
                    total = total.plus(switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        default -> throw new IllegalStateException(m.group(2));
                    });
                }
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("duration '" + text + "' is too large", e);
            }
            return total;
        }
        if (s.length() > 1 && (s.charAt(0) == 'P' || s.charAt(0) == 'p' || s.startsWith("-P") || s.startsWith("-p"))) {
            try {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("invalid ISO-8601 duration '" + text + "': " + FORMS, e);
            }
        }
        throw new IllegalArgumentException("invalid duration '" + text + "': " + FORMS);
    }

    /**
     * Parses a duration that must be longer than zero.
     *
     * @throws IllegalArgumentException naming the text when it is not a duration or not positive
     */
    public static Duration parsePositive(String text) {
        Duration d = parse(text);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("duration '" + text + "' must be longer than zero");
        }
        return d;
    }

    /**
     * The shortest form {@link #parse} reads back to the same duration: {@code 7d}, {@code 6h}, {@code 10m}, {@code 90s},
     * {@code 1500ms}; ISO-8601 for negative durations and sub-millisecond precision.
     */
    public static String format(Duration d) {
        if (d.isNegative() || d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        if (d.isZero()) {
            return "0s";
        }
        long millis = d.toMillis();
        if (millis % Duration.ofDays(1).toMillis() == 0) {
            return d.toDays() + "d";
        }
        if (millis % Duration.ofHours(1).toMillis() == 0) {
            return d.toHours() + "h";
        }
        if (millis % Duration.ofMinutes(1).toMillis() == 0) {
            return d.toMinutes() + "m";
        }
        if (millis % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return millis + "ms";
    }
}

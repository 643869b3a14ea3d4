package dev.certsonar.aggregator.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How the console's templates write values: times in UTC, days left, query parameters. Every value these return is
 * still escaped by the template that writes it.
 */
public final class Fmt {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String NONE = "—";

    private Fmt() {
    }

    /** {@code 2026-12-20 12:00 UTC}; a dash for none. */
    public static String time(Instant t) {
        return t == null ? NONE : TIME.format(t);
    }

    /** {@code 2026-12-20}; a dash for none. */
    public static String day(Instant t) {
        return t == null ? NONE : DAY.format(t);
    }

    /** The instant in ISO-8601, for a {@code <time datetime>} attribute; empty for none. */
    public static String iso(Instant t) {
        return t == null ? "" : t.toString();
    }

    /** Days left with one decimal ({@code 23.4}); a dash for none. */
    public static String days(Double d) {
        return d == null ? NONE : String.format(Locale.ROOT, "%.1f", d);
    }

    /** How far the instant is from now, in words: {@code in 3 days}, {@code 2 hours ago}. */
    public static String relative(Instant t, Instant now) {
        if (t == null) {
            return NONE;
        }
        Duration d = Duration.between(now, t);
        boolean future = !d.isNegative();
        d = d.abs();
        String amount;
        if (d.toDays() >= 2) {
            amount = d.toDays() + " days";
        } else if (d.toHours() >= 2) {
            amount = d.toHours() + " hours";
        } else if (d.toMinutes() >= 2) {
            amount = d.toMinutes() + " minutes";
        } else {
            amount = d.toSeconds() + " s";
        }
        return future ? "in " + amount : amount + " ago";
    }

    /** A query parameter's value, encoded. */
    public static String url(String value) {
        return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The link to a service's page. */
    public static String serviceUrl(String service) {
        return "/service?name=" + url(service);
    }

    /** The CSS class of a status or state: {@code st-expired}. */
    public static String cls(String status) {
        return status == null ? "st-unknown" : "st-" + status.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** The first 16 hex digits of a fingerprint, enough to tell certificates apart on a page. */
    public static String shortSha(String sha256) {
        return sha256 == null ? NONE : sha256.length() > 16 ? sha256.substring(0, 16) + "…" : sha256;
    }

    /** Labels as {@code env=prod, team=web}, by name. */
    public static String labels(Map<String, String> labels) {
        return labels == null || labels.isEmpty() ? "" : new TreeMap<>(labels).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** A key as {@code EC 256}; a dash without one. */
    public static String key(String algorithm, Integer bits) {
        if (algorithm == null) {
            return NONE;
        }
        return bits == null ? algorithm : algorithm + " " + bits;
    }

    /** The word for a count: {@code 1 service}, {@code 3 services}. */
    public static String count(long n, String one, String many) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }
}

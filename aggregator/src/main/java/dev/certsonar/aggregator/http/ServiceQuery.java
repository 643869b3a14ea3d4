package dev.certsonar.aggregator.http;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Status;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A search of the services: filters (status, owner, label, zone, text), an order and a page, read from query parameters
 * ({@code ?status=CRITICAL,EXPIRED&owner=team-web&label=env:prod&zone=dmz&q=shop&sort=-notAfter&offset=0&limit=50}). A bad
 * parameter is an {@link InvalidValueException} naming it.
 *
 * @param statuses statuses to keep; empty keeps all
 * @param owner    the owner to keep, exactly; null keeps all
 * @param labels   labels every kept service has, name to value
 * @param text     lower-case text the service's name, owner, labels, endpoints or certificates contain; null keeps all
 * @param limit    rows of the page; {@link Integer#MAX_VALUE} for all (no {@code limit} given)
 * @param zone     the zone a kept service has a target in; null keeps all
 */
public record ServiceQuery(Set<Status> statuses, String owner, Map<String, String> labels, String text, Sort sort, int offset,
                           int limit, String zone) {

    public ServiceQuery(Set<Status> statuses, String owner, Map<String, String> labels, String text, Sort sort, int offset,
                        int limit) {
        this(statuses, owner, labels, text, sort, offset, limit, null);
    }

    /** The most rows one page may ask for. */
    public static final int MAX_LIMIT = 10_000;

    /** What a list can be ordered by. */
    public enum SortKey {
        WORST, SERVICE, OWNER, NOTAFTER, STATUS, UPDATEDAT
    }

    /** An order: a key, ascending unless {@code descending} ({@code -key} in the parameter). */
    public record Sort(SortKey key, boolean descending) {
        public static final Sort WORST_FIRST = new Sort(SortKey.WORST, false);

        Comparator<ServiceIndex.Row> comparator() {
            Comparator<ServiceIndex.Row> c = switch (key) {
                case WORST -> ServiceIndex.WORST_FIRST;
                case SERVICE -> Comparator.comparing(ServiceIndex.Row::service);
                case OWNER -> Comparator.comparing(ServiceIndex.Row::owner, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(ServiceIndex.Row::service);
                case NOTAFTER -> Comparator.comparing(ServiceIndex.Row::notAfter, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(ServiceIndex.Row::service);
                case STATUS -> Comparator.comparingInt((ServiceIndex.Row r) -> ApiJson.severity(r.status()))
                        .thenComparing(ServiceIndex.Row::service);
                case UPDATEDAT -> Comparator.comparing(ServiceIndex.Row::updatedAt).thenComparing(ServiceIndex.Row::service);
            };
            return descending ? c.reversed() : c;
        }

        static Sort parse(String text) {
            if (text == null || text.isBlank()) {
                return WORST_FIRST;
            }
            boolean descending = text.startsWith("-");
            String name = descending ? text.substring(1) : text;
            try {
                return new Sort(SortKey.valueOf(name.toUpperCase(Locale.ROOT)), descending);
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException("sort", "'" + text + "' is not an order (one of worst, service, owner, notAfter, "
                        + "status, updatedAt; a leading '-' reverses it)");
            }
        }
    }

    public static final ServiceQuery ALL = new ServiceQuery(Set.of(), null, Map.of(), null, Sort.WORST_FIRST, 0, Integer.MAX_VALUE);

    /** The query the parameters ask for; each parameter appears once, lists are comma-separated. */
    public static ServiceQuery parse(Map<String, List<String>> params) {
        Set<Status> statuses = EnumSet.noneOf(Status.class);
        for (String s : values(params, "status")) {
            try {
                statuses.add(Status.valueOf(s.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException("status", "'" + s + "' is not a status (one of "
                        + String.join(", ", Arrays.stream(Status.values()).filter(v -> v != Status.UNKNOWN).map(Enum::name).toList()) + ")");
            }
        }
        Map<String, String> labels = new java.util.TreeMap<>();
        for (String l : values(params, "label")) {
            int at = l.indexOf(':') >= 0 ? l.indexOf(':') : l.indexOf('=');
            if (at <= 0) {
                throw new InvalidValueException("label", "'" + l + "' is not NAME:VALUE");
            }
            labels.put(l.substring(0, at), l.substring(at + 1));
        }
        String owner = single(params, "owner");
        String q = single(params, "q");
        String zone = single(params, "zone");
        return new ServiceQuery(statuses, owner, labels, q == null || q.isBlank() ? null : q.strip().toLowerCase(Locale.ROOT),
                Sort.parse(single(params, "sort")), number(params, "offset", 0, 0, Integer.MAX_VALUE),
                number(params, "limit", Integer.MAX_VALUE, 1, MAX_LIMIT), zone == null || zone.isBlank() ? null : zone.strip());
    }

    /** Whether a service passes every filter. */
    public Predicate<ServiceIndex.Row> filter() {
        return r -> (statuses.isEmpty() || statuses.contains(r.status()))
                && (owner == null || owner.equals(r.owner()))
                && (zone == null || r.zones().contains(zone))
                && labels.entrySet().stream().allMatch(l -> l.getValue().equals(r.labels().get(l.getKey())))
                && (text == null || r.text().contains(text));
    }

    public static List<String> values(Map<String, List<String>> params, String name) {
        List<String> out = new ArrayList<>();
        for (String v : params.getOrDefault(name, List.of())) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    public static String single(Map<String, List<String>> params, String name) {
        List<String> v = params.getOrDefault(name, List.of());
        if (v.size() > 1) {
            throw new InvalidValueException(name, "given " + v.size() + " times (at most once)");
        }
        return v.isEmpty() ? null : v.get(0);
    }

    public static int number(Map<String, List<String>> params, String name, int absent, int least, int most) {
        String v = single(params, name);
        if (v == null || v.isBlank()) {
            return absent;
        }
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new InvalidValueException(name, "'" + v + "' is not a whole number");
        }
        if (n < least || n > most) {
            throw new InvalidValueException(name, n + " is out of range (" + least + " to " + most + ")");
        }
        return n;
    }
}

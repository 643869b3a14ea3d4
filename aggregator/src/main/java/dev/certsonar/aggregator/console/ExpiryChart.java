package dev.certsonar.aggregator.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.aggregator.http.ApiJson;
import dev.certsonar.aggregator.http.ServiceIndex;
import dev.certsonar.schemas.avro.Status;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The leaf certificates expiring in each of the next {@link #WEEKS} weeks (week 1 starts today, 00:00 UTC), in series
 * by the status of the services that serve them (the worst) or by their owner (the owner of the first service, by
 * name; the {@link #TOP_OWNERS} owners with most certificates, the rest together). One pass over the inventory.
 */
final class ExpiryChart {

    static final int WEEKS = 26;
    static final int TOP_OWNERS = 7;
    static final String OTHERS = "others";
    static final String NO_OWNER = "(no owner)";
    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("d MMM", Locale.ROOT).withZone(ZoneOffset.UTC);

    private ExpiryChart() {
    }

    static Views.Chart of(ServiceIndex index, Instant now, boolean byOwner) {
        Instant start = now.truncatedTo(ChronoUnit.DAYS);
        long weekMillis = Duration.ofDays(7).toMillis();
        Map<String, int[]> series = new HashMap<>();
        int[] expired = {0};
        int[] total = {0};
        index.forEachCertificate(c -> {
            if (c.notAfter() == null) {
                return;
            }
            total[0]++;
            if (c.notAfter().isBefore(now)) {
                expired[0]++;
                return;
            }
            long week = (c.notAfter().toEpochMilli() - start.toEpochMilli()) / weekMillis;
            if (week >= WEEKS) {
                return;
            }
            String key = byOwner ? owner(index, c) : status(index, c).name();
            series.computeIfAbsent(key, k -> new int[WEEKS])[(int) week]++;
        });
        List<String> weeks = new ArrayList<>(WEEKS);
        for (int w = 0; w < WEEKS; w++) {
            weeks.add(LABEL.format(start.plus(Duration.ofDays(7L * w))));
        }
        List<Views.Series> out = byOwner ? ownerSeries(series) : statusSeries(series);
        return new Views.Chart(weeks, out, json(weeks, out), expired[0], total[0], byOwner ? "owner" : "status");
    }

    private static Status status(ServiceIndex index, ServiceIndex.CertificateRow c) {
        Status worst = Status.OK;
        for (String service : c.endpointsByService().keySet()) {
            Status s = index.get(service).map(ServiceIndex.Row::status).orElse(Status.OK);
            if (ApiJson.severity(s) > ApiJson.severity(worst)) {
                worst = s;
            }
        }
        return worst;
    }

    private static String owner(ServiceIndex index, ServiceIndex.CertificateRow c) {
        for (String service : c.endpointsByService().keySet()) {
            String owner = index.get(service).map(ServiceIndex.Row::owner).orElse(null);
            if (owner != null) {
                return owner;
            }
        }
        return NO_OWNER;
    }

    /** Worst first, as the overview's counts. */
    private static List<Views.Series> statusSeries(Map<String, int[]> series) {
        List<Views.Series> out = new ArrayList<>();
        List<Status> order = new ArrayList<>(List.of(Status.values()));
        order.sort(Comparator.comparingInt((Status s) -> -ApiJson.severity(s)));
        for (Status s : order) {
            int[] counts = series.get(s.name());
            if (counts != null) {
                out.add(new Views.Series(s.name(), list(counts)));
            }
        }
        return out;
    }

    private static List<Views.Series> ownerSeries(Map<String, int[]> series) {
        List<Map.Entry<String, int[]>> byCount = new ArrayList<>(series.entrySet());
        byCount.sort(Comparator.comparingInt((Map.Entry<String, int[]> e) -> -sum(e.getValue())).thenComparing(Map.Entry::getKey));
        Map<String, int[]> kept = new LinkedHashMap<>();
        int[] others = new int[WEEKS];
        boolean anyOther = false;
        for (int i = 0; i < byCount.size(); i++) {
            if (i < TOP_OWNERS) {
                kept.put(byCount.get(i).getKey(), byCount.get(i).getValue());
            } else {
                anyOther = true;
                int[] counts = byCount.get(i).getValue();
                for (int w = 0; w < WEEKS; w++) {
                    others[w] += counts[w];
                }
            }
        }
        if (anyOther) {
            kept.put(OTHERS, others);
        }
        List<Views.Series> out = new ArrayList<>();
        kept.forEach((name, counts) -> out.add(new Views.Series(name, list(counts))));
        return out;
    }

    private static int sum(int[] counts) {
        int n = 0;
        for (int c : counts) {
            n += c;
        }
        return n;
    }

    private static List<Integer> list(int[] counts) {
        List<Integer> out = new ArrayList<>(counts.length);
        for (int c : counts) {
            out.add(c);
        }
        return out;
    }

    /** The chart's data for the page's script: {@code {"weeks": [...], "series": [{"name": ..., "counts": [...]}]}}. */
    private static String json(List<String> weeks, List<Views.Series> series) {
        ObjectNode n = ApiJson.MAPPER.createObjectNode();
        ArrayNode w = n.putArray("weeks");
        weeks.forEach(w::add);
        ArrayNode s = n.putArray("series");
        for (Views.Series one : series) {
            ObjectNode o = s.addObject().put("name", one.name());
            ArrayNode c = o.putArray("counts");
            one.counts().forEach(c::add);
        }
        return n.toString();
    }
}

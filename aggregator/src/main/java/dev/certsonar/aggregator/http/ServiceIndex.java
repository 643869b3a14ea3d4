package dev.certsonar.aggregator.http;

import dev.certsonar.aggregator.fleet.FleetProcessor;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.EndpointStatus;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Every service's latest status as a compact row, in memory, kept in two orders (worst first, and by name) so that a
 * page of either is read without sorting, and a filter is one pass over compact rows that stops counting nothing but
 * what matches. Also the inventory of served leaf certificates, each with where it is served. Fed by
 * {@link ServiceStatusView} from the service-status topic, so every instance holds all services. Thread-safe: one
 * writer, any number of readers, which see each row whole.
 */
public final class ServiceIndex {

    /**
     * One service as lists show it.
     *
     * @param text lower-case text that a search looks in: name, owner, labels, endpoints, leaf subjects and issuers
     * @param zones the zones of its targets (of a zone's own service, that zone)
     */
    public record Row(String service, String owner, Status status, Instant notAfter, Map<String, String> labels, int endpoints,
                      List<String> problems, List<String> conditions, int accepted, Instant updatedAt, String text,
                      List<String> zones) {

        static Row of(ServiceStatus s) {
            StringBuilder text = new StringBuilder(s.getService());
            if (s.getOwner() != null) {
                text.append('\n').append(s.getOwner());
            }
            s.getLabels().forEach((k, v) -> text.append('\n').append(k).append('=').append(v));
            for (EndpointStatus e : s.getEndpoints()) {
                text.append('\n').append(e.getEndpoint().getAddress());
                if (e.getEndpoint().getSni() != null) {
                    text.append('\n').append(e.getEndpoint().getSni());
                }
                if (e.getLeaf() != null) {
                    text.append('\n').append(e.getLeaf().getSubject());
                    if (e.getLeaf().getIssuer() != null) {
                        text.append('\n').append(e.getLeaf().getIssuer());
                    }
                }
            }
            return new Row(s.getService(), s.getOwner(), s.getStatus(), s.getNotAfter(), Map.copyOf(s.getLabels()),
                    s.getEndpoints().size(), List.copyOf(s.getProblems()),
                    s.getConditions().stream().map(Condition::getType).map(Enum::name).distinct().toList(),
                    s.getAccepted().size(), s.getUpdatedAt(),
                    text.toString().toLowerCase(Locale.ROOT), List.copyOf(s.getZones()));
        }
    }

    /** One leaf certificate and where it is served. */
    public record CertificateRow(String sha256, String subject, String issuer, Instant notBefore, Instant notAfter,
                                 String keyAlgorithm, Integer keyBits, Map<String, List<String>> endpointsByService) {
    }

    /** What changed: the service's row before and after (null when it did not exist, or is gone). */
    public record Change(String service, Row before, Row after) {
    }

    /** Worst status first, then the earliest notAfter (none last), then the name: the order of {@code GET /api/services}. */
    public static final Comparator<Row> WORST_FIRST = Comparator
            .comparingInt((Row r) -> -ApiJson.severity(r.status()))
            .thenComparing(Row::notAfter, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Row::service);

    private final ConcurrentHashMap<String, Row> byName = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Row, Boolean> worstFirst = new ConcurrentSkipListMap<>(WORST_FIRST);
    private final ConcurrentSkipListMap<String, Row> alphabetical = new ConcurrentSkipListMap<>();
    /** Leaf sha256 → service → endpoints serving it. */
    private final ConcurrentHashMap<String, CertificateHolder> certificates = new ConcurrentHashMap<>();
    /** Service → the leaves it serves, to take it out of {@link #certificates} without looking at the others. */
    private final ConcurrentHashMap<String, Set<String>> leavesOf = new ConcurrentHashMap<>();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

    private static final class CertificateHolder {
        volatile CertificateRow row;
    }

    /** Called with every change after it is applied, on the thread that applies it: keep it short (an SSE fan-out). */
    public void addListener(Consumer<Change> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(Consumer<Change> listener) {
        listeners.remove(listener);
    }

    /**
     * The statuses of the fleet's own services ({@code zone:NAME}, {@code certsonar:watchdog}), whole: the fleet writes
     * them to service-status without keeping them in the services store, so their page reads them here.
     */
    private final Map<String, ServiceStatus> fleetServices = new java.util.concurrent.ConcurrentHashMap<>();

    /** The whole status of one of the fleet's own services ({@code zone:NAME}, {@code certsonar:watchdog}). */
    public java.util.Optional<ServiceStatus> fleetService(String service) {
        return java.util.Optional.ofNullable(fleetServices.get(service));
    }

    /** Applies the service's latest status; null removes the service. */
    public synchronized void put(String service, ServiceStatus status) {
        if (Zones.isZoneService(service) || FleetProcessor.WATCHDOG_SERVICE.equals(service)) {
            if (status == null) {
                fleetServices.remove(service);
            } else {
                fleetServices.put(service, status);
            }
        }
        Row before = byName.get(service);
        Row after = status == null ? null : Row.of(status);
        if (before != null) {
            worstFirst.remove(before);
            removeCertificates(service);
        }
        if (after == null) {
            byName.remove(service);
            alphabetical.remove(service);
        } else {
            byName.put(service, after);
            alphabetical.put(service, after);
            worstFirst.put(after, Boolean.TRUE);
            addCertificates(service, status);
        }
        Change change = new Change(service, before, after);
        listeners.forEach(l -> l.accept(change));
    }

    public int size() {
        return byName.size();
    }

    public java.util.Optional<Row> get(String service) {
        return java.util.Optional.ofNullable(byName.get(service));
    }

    /** Calls the action with every service's row, in no order: for counts and charts over all of them. */
    public void forEach(Consumer<Row> action) {
        byName.values().forEach(action);
    }

    /** Calls the action with every leaf certificate's row, in no order. */
    public void forEachCertificate(Consumer<CertificateRow> action) {
        for (CertificateHolder h : certificates.values()) {
            CertificateRow row = h.row;
            if (row != null) {
                action.accept(row);
            }
        }
    }

    /** A page of the rows that pass the filter, in the order asked for, and how many pass it in all. */
    public record Page<T>(List<T> items, int total, int offset, int limit) {
    }

    /**
     * The rows that pass {@code filter}, sorted, from {@code offset}, at most {@code limit}. Worst-first and by-name
     * orders are read from the index as they are kept; other orders sort the rows that pass.
     */
    public Page<Row> services(Predicate<Row> filter, ServiceQuery.Sort sort, int offset, int limit) {
        Iterable<Row> ordered = switch (sort.key()) {
            case WORST -> sort.descending() ? worstFirst.descendingKeySet() : worstFirst.keySet();
            case SERVICE -> sort.descending() ? alphabetical.descendingMap().values() : alphabetical.values();
            default -> null;
        };
        if (ordered == null) {
            return sorted(filter, sort.comparator(), offset, limit);
        }
        List<Row> page = new ArrayList<>(Math.min(limit, 1024));
        int total = 0;
        for (Row r : ordered) {
            if (filter.test(r)) {
                if (total >= offset && page.size() < limit) {
                    page.add(r);
                }
                total++;
            }
        }
        return new Page<>(page, total, offset, limit);
    }

    /**
     * The rows that pass the filter in an order the index does not keep: the first {@code offset + limit} of them are
     * kept in a bounded heap while every row is looked at once (a page near the start costs one pass, not a sort of
     * every row); a page deep in the list sorts every matching row.
     */
    private Page<Row> sorted(Predicate<Row> filter, Comparator<Row> order, int offset, int limit) {
        long wanted = (long) offset + limit;
        if (wanted > HEAP_PAGE_LIMIT) {
            List<Row> matching = new ArrayList<>();
            for (Row r : byName.values()) {
                if (filter.test(r)) {
                    matching.add(r);
                }
            }
            matching.sort(order);
            int from = Math.min(offset, matching.size());
            return new Page<>(List.copyOf(matching.subList(from, Math.min(matching.size(), from + limit))), matching.size(), offset, limit);
        }
        PriorityQueue<Row> firstOnes = new PriorityQueue<>((int) wanted + 1, order.reversed());
        int total = 0;
        for (Row r : byName.values()) {
            if (filter.test(r)) {
                total++;
                if (firstOnes.size() < wanted) {
                    firstOnes.add(r);
                } else if (order.compare(r, firstOnes.peek()) < 0) {
                    firstOnes.poll();
                    firstOnes.add(r);
                }
            }
        }
        List<Row> kept = new ArrayList<>(firstOnes);
        kept.sort(order);
        int from = Math.min(offset, kept.size());
        return new Page<>(List.copyOf(kept.subList(from, Math.min(kept.size(), from + limit))), total, offset, limit);
    }

    /** The most rows a page's end may lie at for {@link #sorted} to keep them in a heap instead of sorting all. */
    static final int HEAP_PAGE_LIMIT = 10_000;

    /** A page of the leaf certificates that pass the filter, earliest notAfter first. */
    public Page<CertificateRow> certificates(Predicate<CertificateRow> filter, int offset, int limit) {
        List<CertificateRow> matching = new ArrayList<>();
        for (CertificateHolder h : certificates.values()) {
            CertificateRow row = h.row;
            if (row != null && filter.test(row)) {
                matching.add(row);
            }
        }
        matching.sort(Comparator.comparing(CertificateRow::notAfter, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(CertificateRow::sha256));
        int from = Math.min(offset, matching.size());
        return new Page<>(List.copyOf(matching.subList(from, Math.min(matching.size(), from + limit))), matching.size(), offset, limit);
    }

    private void addCertificates(String service, ServiceStatus s) {
        Map<String, TreeSet<String>> endpointsBySha = new TreeMap<>();
        Map<String, EndpointStatus> leafBySha = new TreeMap<>();
        Map<String, CertificateRef> alternateBySha = new TreeMap<>();
        for (EndpointStatus e : s.getEndpoints()) {
            if (e.getLeaf() != null) {
                endpointsBySha.computeIfAbsent(e.getLeaf().getSha256(), k -> new TreeSet<>())
                        .add(dev.certsonar.aggregator.state.StateKeys.endpointKeyOf(e));
                leafBySha.putIfAbsent(e.getLeaf().getSha256(), e);
            }
            for (CertificateRef a : e.getAlternateLeaves()) {
                endpointsBySha.computeIfAbsent(a.getSha256(), k -> new TreeSet<>())
                        .add(dev.certsonar.aggregator.state.StateKeys.endpointKeyOf(e));
                alternateBySha.putIfAbsent(a.getSha256(), a);
            }
        }
        if (!endpointsBySha.isEmpty()) {
            leavesOf.put(service, Set.copyOf(endpointsBySha.keySet()));
        }
        endpointsBySha.forEach((sha, endpoints) -> {
            EndpointStatus e = leafBySha.get(sha);
            // an alternate chain's leaf: its key is not in the status (an RSA key, by what its handshake offered)
            CertificateRef leaf = e != null ? e.getLeaf() : alternateBySha.get(sha);
            CertificateHolder holder = certificates.computeIfAbsent(sha, k -> new CertificateHolder());
            CertificateRow old = holder.row;
            Map<String, List<String>> where = new TreeMap<>(old == null ? Map.of() : old.endpointsByService());
            where.put(service, List.copyOf(endpoints));
            holder.row = new CertificateRow(sha, leaf.getSubject(), leaf.getIssuer(), leaf.getNotBefore(),
                    leaf.getNotAfter(), e != null ? e.getLeafKeyAlgorithm() : null, e != null ? e.getLeafKeyBits() : null,
                    Map.copyOf(where));
        });
    }

    private void removeCertificates(String service) {
        Set<String> leaves = leavesOf.remove(service);
        if (leaves == null) {
            return;
        }
        for (String sha : leaves) {
            CertificateHolder holder = certificates.get(sha);
            CertificateRow row = holder == null ? null : holder.row;
            if (row == null) {
                continue;
            }
            Map<String, List<String>> where = new TreeMap<>(row.endpointsByService());
            where.remove(service);
            if (where.isEmpty()) {
                certificates.remove(sha);
            } else {
                holder.row = new CertificateRow(row.sha256(), row.subject(), row.issuer(), row.notBefore(), row.notAfter(),
                        row.keyAlgorithm(), row.keyBits(), Map.copyOf(where));
            }
        }
    }
}

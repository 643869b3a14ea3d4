package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.aggregator.StoreNames;
import dev.certsonar.aggregator.state.StateKeys;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.TargetJson;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.avro.Target;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What the JSON API and the console's pages read, in one place, so a page and the JSON never disagree: the operators'
 * tables (alert states, silences, accepted exceptions, targets) gathered from every instance, one item from the
 * instance that holds its key, a service's details and a certificate's placements. Each list and item is the JSON the
 * API answers with; {@code local} asks for what this instance holds only (how instances ask one another).
 */
public final class ApiQueries {

    /** Alert states listed when no state is asked for: every alert that holds now. */
    public static final Set<LifecycleState> OPEN = EnumSet.of(LifecycleState.HELD, LifecycleState.FIRING,
            LifecycleState.SILENCED, LifecycleState.ACKNOWLEDGED);
    /** Worst severity first, then the oldest, then the id: the order of {@code GET /api/alerts}. */
    public static final Comparator<JsonNode> ALERT_ORDER = Comparator
            .comparingInt((JsonNode a) -> -severityRank(a.path("severity").asText()))
            .thenComparing(a -> a.path("since").asText())
            .thenComparing(a -> a.path("alertId").asText());

    /**
     * A filter of alerts: the states to keep, and a service, owner and severity that must match when given.
     *
     * @param states empty keeps {@link #OPEN}
     */
    public record AlertFilter(Set<LifecycleState> states, String service, String owner, String severity) {
        public static final AlertFilter OPEN_ALERTS = new AlertFilter(OPEN, null, null, null);

        public AlertFilter {
            states = states == null || states.isEmpty() ? OPEN : Set.copyOf(states);
        }

        /** The states named in a list ({@code firing,held}, or {@code all}); an unknown one names the field. */
        public static Set<LifecycleState> states(List<String> values) {
            if (values.isEmpty()) {
                return OPEN;
            }
            Set<LifecycleState> out = EnumSet.noneOf(LifecycleState.class);
            for (String v : values) {
                if (v.equalsIgnoreCase("all")) {
                    return EnumSet.allOf(LifecycleState.class);
                }
                try {
                    out.add(LifecycleState.valueOf(v.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new InvalidValueException("state", "'" + v + "' is not a state (one of "
                            + String.join(", ", Arrays.stream(LifecycleState.values()).filter(s -> s != LifecycleState.UNKNOWN)
                            .map(Enum::name).toList()) + ", or all)");
                }
            }
            return out;
        }

        boolean test(JsonNode a) {
            return states.contains(state(a))
                    && (service == null || service.equals(a.path("service").asText()))
                    && (owner == null || owner.equals(a.path("owner").asText(null)))
                    && (severity == null || severity.equalsIgnoreCase(a.path("severity").asText()));
        }
    }

    private static final Remote REMOTE = new Remote();

    private final StateQueries queries;
    private final Clock clock;

    public ApiQueries(StateQueries queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    /** The alerts that pass the filter, worst first; with {@code local} every alert this instance holds, unfiltered. */
    public List<JsonNode> alerts(AlertFilter filter, boolean local) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        queries.<AlertLifecycle>localTable(StoreNames.ALERT_STATES).forEach(a -> rows.add(ApiJson.record(a)));
        if (local) {
            return rows;
        }
        rows.addAll(fromOthers(StoreNames.ALERT_STATES, "/api/alerts?local=true"));
        return rows.stream().filter(filter::test).sorted(ALERT_ORDER).toList();
    }

    /** One alert's state, from the instance that holds it. */
    public Optional<JsonNode> alert(String alertId, boolean local) throws IOException {
        return one(StoreNames.ALERT_STATES, alertId, "/api/alerts/", local, ApiJson::record);
    }

    /** Every silence, each with its {@code status} now (pending, active, expired), the latest end first. */
    public List<JsonNode> silences(boolean local) throws IOException {
        return list(StoreNames.SILENCES, "/api/silences?local=true", local, this::silenceJson,
                Comparator.comparing((JsonNode s) -> s.path("endsAt").asText()).reversed().thenComparing(s -> s.path("id").asText()));
    }

    public Optional<JsonNode> silence(String id, boolean local) throws IOException {
        return one(StoreNames.SILENCES, id, "/api/silences/", local, this::silenceJson);
    }

    /** Every accepted exception, each with {@code active} (in force now), by id. */
    public List<JsonNode> exceptions(boolean local) throws IOException {
        return list(StoreNames.EXCEPTIONS, "/api/exceptions?local=true", local, this::exceptionJson,
                Comparator.comparing((JsonNode e) -> e.path("id").asText()));
    }

    public Optional<JsonNode> exception(String id, boolean local) throws IOException {
        return one(StoreNames.EXCEPTIONS, id, "/api/exceptions/", local, this::exceptionJson);
    }

    /** Every target as the targets topic's JSON with its id, by id. */
    public List<JsonNode> targets(boolean local) throws IOException {
        return list(StoreNames.SCHEDULER_TARGETS, "/api/targets?local=true", local, r -> TargetJson.toTree((Target) r),
                Comparator.comparing((JsonNode t) -> t.path("id").asText()));
    }

    /** One target by id, from the instance that holds it (which answers {@code GET /api/targets?id=ID&local=true}). */
    public Optional<JsonNode> target(String id, boolean local) throws IOException {
        Optional<HostInfo> owner = local ? Optional.empty() : queries.remoteOwnerOf(StoreNames.SCHEDULER_TARGETS, id);
        if (owner.isPresent()) {
            JsonNode found = REMOTE.fetch(owner.get(), "/api/targets?local=true&id=" + Remote.encode(id));
            return found.isArray() && !found.isEmpty() ? Optional.of(found.get(0)) : Optional.empty();
        }
        return queries.<Target>localTableValue(StoreNames.SCHEDULER_TARGETS, id).map(TargetJson::toTree);
    }

    /**
     * {@code GET /api/services/{service}}: the service with its endpoints, certificates and rollout, from the instance
     * that holds it; empty when none does.
     */
    public Optional<JsonNode> service(String service, boolean local) throws IOException {
        if (!local) {
            Optional<HostInfo> owner = queries.remoteOwnerOf(service);
            if (owner.isPresent()) {
                HttpResponse<String> response = REMOTE.get(owner.get(), "/api/services/" + Remote.encode(service) + "?local=true");
                return response.statusCode() == 200 ? Optional.of(ApiJson.MAPPER.readTree(response.body())) : Optional.empty();
            }
        }
        Optional<ServiceStatus> status = queries.localService(service);
        if (status.isEmpty()) {
            return Optional.empty();
        }
        List<Observation> observations = queries.localEndpoints(service);
        return Optional.of(ApiJson.detail(status.get(), observations, clock.instant()));
    }

    /** {@code GET /api/certificates/{sha256}}: the certificate and every endpoint of every instance that serves it. */
    public Optional<JsonNode> certificate(String sha256, boolean local) throws IOException {
        String sha = sha256.toLowerCase(Locale.ROOT);
        List<StateQueries.Placement> placements = queries.localPlacements(sha);
        ObjectNode node = ApiJson.certificate(sha, findCertificate(sha, placements), placements);
        if (!local) {
            TreeSet<String> services = new TreeSet<>();
            node.withArray("services").forEach(n -> services.add(n.asText()));
            for (HostInfo host : queries.otherInstances()) {
                JsonNode other = REMOTE.fetch(host, "/api/certificates/" + Remote.encode(sha) + "?local=true");
                if (!other.isObject()) {
                    continue;
                }
                if (!node.has("subject") && other.has("subject")) {
                    other.properties().forEach(e -> {
                        if (!e.getKey().equals("endpoints") && !e.getKey().equals("services")) {
                            node.set(e.getKey(), e.getValue());
                        }
                    });
                }
                other.path("endpoints").forEach(n -> node.withArray("endpoints").add(n));
                other.path("services").forEach(n -> services.add(n.asText()));
            }
            ArrayNode names = node.putArray("services");
            services.forEach(names::add);
        }
        return node.withArray("endpoints").isEmpty() ? Optional.empty() : Optional.of(node);
    }

    private Certificate findCertificate(String sha, List<StateQueries.Placement> placements) {
        for (StateQueries.Placement p : placements) {
            Optional<Observation> o = queries.localObservation(p.service(), p.targetId(), p.endpoint());
            if (o.isPresent()) {
                for (Certificate c : StateKeys.served(o.get())) {
                    if (c.getSha256().equals(sha)) {
                        return c;
                    }
                }
            }
        }
        return null;
    }

    JsonNode silenceJson(SpecificRecord record) {
        Silence s = (Silence) record;
        Instant now = clock.instant();
        ObjectNode n = (ObjectNode) ApiJson.record(s);
        n.put("status", !now.isBefore(s.getEndsAt()) ? "expired" : now.isBefore(s.getStartsAt()) ? "pending" : "active");
        return n;
    }

    JsonNode exceptionJson(SpecificRecord record) {
        AcceptedException e = (AcceptedException) record;
        ObjectNode n = (ObjectNode) ApiJson.record(e);
        n.put("active", e.getUntil() == null || clock.instant().isBefore(e.getUntil()));
        return n;
    }

    /** Every value of a table, from this instance and (unless {@code local}) the others, sorted. */
    private <V extends SpecificRecord> List<JsonNode> list(String store, String remotePath, boolean local,
                                                           Function<V, JsonNode> toJson, Comparator<JsonNode> order) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        queries.<V>localTable(store).forEach(v -> rows.add(toJson.apply(v)));
        if (!local) {
            rows.addAll(fromOthers(store, remotePath));
        }
        rows.sort(order);
        return rows;
    }

    private List<JsonNode> fromOthers(String store, String path) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (HostInfo host : queries.otherInstances(store)) {
            REMOTE.fetch(host, path).forEach(rows::add);
        }
        return rows;
    }

    /** One value of a table as JSON, from the instance that holds its key. */
    private <V extends SpecificRecord> Optional<JsonNode> one(String store, String key, String remotePath, boolean local,
                                                              Function<V, JsonNode> toJson) throws IOException {
        Optional<HostInfo> owner = local ? Optional.empty() : queries.remoteOwnerOf(store, key);
        if (owner.isPresent()) {
            HttpResponse<String> response = REMOTE.get(owner.get(), remotePath + Remote.encode(key) + "?local=true");
            return response.statusCode() == 200 ? Optional.of(ApiJson.MAPPER.readTree(response.body())) : Optional.empty();
        }
        return queries.<V>localTableValue(store, key).map(toJson);
    }

    /** The state of an alert in its JSON; UNKNOWN for one this reader does not know. */
    public static LifecycleState state(JsonNode alert) {
        try {
            return LifecycleState.valueOf(alert.path("state").asText());
        } catch (IllegalArgumentException e) {
            return LifecycleState.UNKNOWN;
        }
    }

    private static int severityRank(String severity) {
        return switch (severity) {
            case "CRITICAL" -> 3;
            case "WARNING" -> 2;
            case "INFO" -> 1;
            default -> 0;
        };
    }
}

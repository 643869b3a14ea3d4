package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.aggregator.StoreNames;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.Silence;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.path;
import static io.javalin.apibuilder.ApiBuilder.post;

/**
 * What operators read and decide: {@code GET /api/alerts} (from alert-states), silences, accepted exceptions and
 * acknowledgements (read from their tables, written to their topics). Lists gather what every instance holds; one item is read from the instance
 * that holds its key. A write answers once the broker has the record: 201 with the id for a new one, 200 for a change.
 */
public record OperatorRoutes(StateQueries queries, OperatorWrites writes, HttpSettings settings, Clock clock) implements HttpModule {

    /** Alert states listed when {@code state} is not given: every alert that holds now. */
    static final Set<LifecycleState> OPEN = EnumSet.of(LifecycleState.HELD, LifecycleState.FIRING, LifecycleState.SILENCED,
            LifecycleState.ACKNOWLEDGED);
    private static final Remote REMOTE = new Remote();

    @Override
    public void register(JavalinConfig config) {
        config.routes.apiBuilder(() -> path("/api", () -> {
            path("alerts", () -> {
                get(this::alerts);
                get("{alertId}", this::alert);
            });
            path("silences", () -> {
                get(this::silences);
                post(this::addSilence);
                get("{id}", this::silence);
                delete("{id}", this::expireSilence);
            });
            path("exceptions", () -> {
                get(this::exceptions);
                post(this::addException);
                get("{id}", this::exception);
                delete("{id}", this::removeException);
            });
            path("acknowledgements/{alertId}", () -> {
                post(this::acknowledge);
                delete(this::withdrawAcknowledgement);
            });
        }));
    }

    /**
     * {@code GET /api/alerts}: the alerts that hold (held, firing, silenced, acknowledged), worst first, then the oldest;
     * filters {@code state} (comma-separated, or {@code all}), {@code service}, {@code owner}, {@code severity}.
     */
    private void alerts(Context ctx) throws IOException {
        Map<String, List<String>> params = ctx.queryParamMap();
        Set<LifecycleState> states = states(ServiceQuery.values(params, "state"));
        String service = ServiceQuery.single(params, "service");
        String owner = ServiceQuery.single(params, "owner");
        String severity = ServiceQuery.single(params, "severity");
        List<AlertLifecycle> alerts = new ArrayList<>(queries.<AlertLifecycle>localTable(StoreNames.ALERT_STATES));
        ArrayNode out = ApiJson.MAPPER.createArrayNode();
        if (StatusRoutes.local(ctx)) {
            alerts.forEach(a -> out.add(ApiJson.record(a)));
            StatusRoutes.json(ctx, 200, out);
            return;
        }
        List<JsonNode> rows = new ArrayList<>();
        alerts.forEach(a -> rows.add(ApiJson.record(a)));
        rows.addAll(fromOthers(StoreNames.ALERT_STATES, "/api/alerts?local=true"));
        rows.stream()
                .filter(a -> states.contains(state(a)))
                .filter(a -> service == null || service.equals(a.path("service").asText()))
                .filter(a -> owner == null || owner.equals(a.path("owner").asText(null)))
                .filter(a -> severity == null || severity.equalsIgnoreCase(a.path("severity").asText()))
                .sorted(Comparator.comparingInt((JsonNode a) -> -severityRank(a.path("severity").asText()))
                        .thenComparing(a -> a.path("since").asText())
                        .thenComparing(a -> a.path("alertId").asText()))
                .forEach(out::add);
        ctx.header("X-Total-Count", Integer.toString(out.size()));
        StatusRoutes.json(ctx, 200, out);
    }

    private void alert(Context ctx) throws IOException {
        String alertId = OperatorRequests.pathId("alertId", ctx.pathParam("alertId"));
        StatusRoutes.json(ctx, 200, one(ctx, StoreNames.ALERT_STATES, alertId, "/api/alerts/", ApiJson::record)
                .orElseThrow(() -> new WebServer.NotFound("no such alert: " + alertId)));
    }

    /** One item of a table by the {@code id} in the path: 404 when no instance holds it. */
    private <V extends SpecificRecord> void item(Context ctx, String store, String remotePath, String what,
                                                 Function<V, JsonNode> toJson) throws IOException {
        String id = OperatorRequests.pathId("id", ctx.pathParam("id"));
        StatusRoutes.json(ctx, 200, this.<V>one(ctx, store, id, remotePath, toJson)
                .orElseThrow(() -> new WebServer.NotFound("no such " + what + ": " + id)));
    }

    /** {@code GET /api/silences}: every silence, each with its {@code status} now (pending, active, expired). */
    private void silences(Context ctx) throws IOException {
        list(ctx, StoreNames.SILENCES, "/api/silences?local=true", this::silenceJson,
                Comparator.comparing((JsonNode s) -> s.path("endsAt").asText()).reversed().thenComparing(s -> s.path("id").asText()));
    }

    private void silence(Context ctx) throws IOException {
        item(ctx, StoreNames.SILENCES, "/api/silences/", "silence", this::silenceJson);
    }

    private void addSilence(Context ctx) {
        Silence silence = OperatorRequests.silence(ctx.body(), writer(ctx), clock.instant());
        writes.silence(silence);
        created(ctx, "id", silence.getId());
    }

    /** {@code DELETE /api/silences/{id}}: expires the silence: rewritten with {@code endsAt} now (when it ends later). */
    private void expireSilence(Context ctx) throws IOException {
        String id = OperatorRequests.pathId("id", ctx.pathParam("id"));
        Optional<HostInfo> owner = queries.remoteOwnerOf(StoreNames.SILENCES, id);
        if (owner.isPresent() && !StatusRoutes.local(ctx)) {
            forward(ctx, owner.get(), "/api/silences/" + Remote.encode(id) + "?local=true");
            return;
        }
        Silence silence = queries.<Silence>localTableValue(StoreNames.SILENCES, id)
                .orElseThrow(() -> new WebServer.NotFound("no such silence: " + id));
        Instant now = clock.instant();
        if (silence.getEndsAt().isAfter(now)) {
            silence = Silence.newBuilder(silence).setEndsAt(now).build();
            writes.silence(silence);
        }
        StatusRoutes.json(ctx, 200, silenceJson(silence));
    }

    /** {@code GET /api/exceptions}: every accepted exception, each with {@code active} (in force now). */
    private void exceptions(Context ctx) throws IOException {
        list(ctx, StoreNames.EXCEPTIONS, "/api/exceptions?local=true", this::exceptionJson,
                Comparator.comparing((JsonNode e) -> e.path("id").asText()));
    }

    /** {@code POST /api/exceptions}: a new accepted exception; its conditions stop counting as soon as the aggregator reads it. */
    private void addException(Context ctx) {
        AcceptedException exception = OperatorRequests.exception(ctx.body(), writer(ctx), clock.instant());
        writes.exception(exception);
        created(ctx, "id", exception.getId());
    }

    private void exception(Context ctx) throws IOException {
        item(ctx, StoreNames.EXCEPTIONS, "/api/exceptions/", "exception", this::exceptionJson);
    }

    /** {@code DELETE /api/exceptions/{id}}: removes the exception (a tombstone); its conditions count again at once. */
    private void removeException(Context ctx) throws IOException {
        String id = OperatorRequests.pathId("id", ctx.pathParam("id"));
        if (one(ctx, StoreNames.EXCEPTIONS, id, "/api/exceptions/", this::exceptionJson).isEmpty()) {
            throw new WebServer.NotFound("no such exception: " + id);
        }
        writes.removeException(id);
        StatusRoutes.json(ctx, 200, ApiJson.MAPPER.createObjectNode().put("id", id));
    }

    /** {@code POST /api/acknowledgements/{alertId}}: acknowledges an alert that fires (firing, silenced or acknowledged). */
    private void acknowledge(Context ctx) throws IOException {
        String alertId = OperatorRequests.pathId("alertId", ctx.pathParam("alertId"));
        JsonNode alert = one(ctx, StoreNames.ALERT_STATES, alertId, "/api/alerts/", ApiJson::record)
                .orElseThrow(() -> new WebServer.NotFound("no such alert: " + alertId));
        LifecycleState state = state(alert);
        if (state != LifecycleState.FIRING && state != LifecycleState.SILENCED && state != LifecycleState.ACKNOWLEDGED) {
            throw new WebServer.Conflict("alert " + alertId + " is " + state + ", not firing: only a firing alert is acknowledged");
        }
        Acknowledgement ack = OperatorRequests.acknowledgement(alertId, ctx.body(), writer(ctx), clock.instant());
        writes.acknowledge(ack);
        created(ctx, "alertId", alertId);
    }

    private void withdrawAcknowledgement(Context ctx) {
        String alertId = OperatorRequests.pathId("alertId", ctx.pathParam("alertId"));
        writes.withdrawAcknowledgement(alertId);
        StatusRoutes.json(ctx, 200, ApiJson.MAPPER.createObjectNode().put("alertId", alertId));
    }

    private JsonNode silenceJson(SpecificRecord record) {
        Silence s = (Silence) record;
        Instant now = clock.instant();
        ObjectNode n = (ObjectNode) ApiJson.record(s);
        n.put("status", !now.isBefore(s.getEndsAt()) ? "expired" : now.isBefore(s.getStartsAt()) ? "pending" : "active");
        return n;
    }

    private JsonNode exceptionJson(SpecificRecord record) {
        AcceptedException e = (AcceptedException) record;
        ObjectNode n = (ObjectNode) ApiJson.record(e);
        n.put("active", e.getUntil() == null || clock.instant().isBefore(e.getUntil()));
        return n;
    }

    /** Every value of a table, from this instance and the others (unless {@code local=true}), sorted. */
    private <V extends SpecificRecord> void list(Context ctx, String store, String remotePath, Function<V, JsonNode> toJson,
                                                 Comparator<JsonNode> order) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        queries.<V>localTable(store).forEach(v -> rows.add(toJson.apply(v)));
        if (!StatusRoutes.local(ctx)) {
            rows.addAll(fromOthers(store, remotePath));
        }
        rows.sort(order);
        ArrayNode out = ApiJson.MAPPER.createArrayNode();
        rows.forEach(out::add);
        ctx.header("X-Total-Count", Integer.toString(out.size()));
        StatusRoutes.json(ctx, 200, out);
    }

    private List<JsonNode> fromOthers(String store, String path) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (HostInfo host : queries.otherInstances(store)) {
            REMOTE.fetch(host, path).forEach(rows::add);
        }
        return rows;
    }

    /** One value of a table as JSON, from the instance that holds its key. */
    private <V extends SpecificRecord> Optional<JsonNode> one(Context ctx, String store, String key, String remotePath,
                                                              Function<V, JsonNode> toJson) throws IOException {
        Optional<HostInfo> owner = StatusRoutes.local(ctx) ? Optional.empty() : queries.remoteOwnerOf(store, key);
        if (owner.isPresent()) {
            HttpResponse<String> response = REMOTE.get(owner.get(), remotePath + Remote.encode(key) + "?local=true");
            return response.statusCode() == 200 ? Optional.of(ApiJson.MAPPER.readTree(response.body())) : Optional.empty();
        }
        return queries.<V>localTableValue(store, key).map(toJson);
    }

    /** Sends the write to the instance that holds its key, with the bearer token, and answers what it answered. */
    private void forward(Context ctx, HostInfo host, String path) throws IOException {
        HttpResponse<String> response = REMOTE.delete(host, path, settings.token());
        ctx.status(response.statusCode()).contentType(WebServer.JSON).result(response.body());
    }

    private static String writer(Context ctx) {
        RequestGuard.Writer writer = ctx.attribute(RequestGuard.WRITER);
        return writer == null ? RequestGuard.Writer.LOCAL.recordedAs() : writer.recordedAs();
    }

    private static void created(Context ctx, String field, String id) {
        StatusRoutes.json(ctx, 201, ApiJson.MAPPER.createObjectNode().put(field, id));
    }

    private static Set<LifecycleState> states(List<String> values) {
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

    private static LifecycleState state(JsonNode alert) {
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

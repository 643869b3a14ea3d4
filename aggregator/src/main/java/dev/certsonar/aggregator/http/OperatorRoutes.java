package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.certsonar.aggregator.StoreNames;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.Silence;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.path;
import static io.javalin.apibuilder.ApiBuilder.post;

/**
 * What operators read and decide: {@code GET /api/alerts} (from alert-states), silences, accepted exceptions and
 * acknowledgements (read from their tables, written to their topics), read through {@link ApiQueries}, as the console
 * reads them. Lists gather what every instance holds; one item is read from the instance that holds its key. A write
 * answers once the broker has the record: 201 with the id for a new one, 200 for a change.
 */
public record OperatorRoutes(StateQueries queries, ApiQueries read, OperatorWrites writes, HttpSettings settings, Clock clock)
        implements HttpModule {

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
        ApiQueries.AlertFilter filter = new ApiQueries.AlertFilter(ApiQueries.AlertFilter.states(ServiceQuery.values(params, "state")),
                ServiceQuery.single(params, "service"), ServiceQuery.single(params, "owner"), ServiceQuery.single(params, "severity"));
        boolean local = StatusRoutes.local(ctx);
        List<JsonNode> rows = read.alerts(filter, local);
        if (!local) {
            ctx.header("X-Total-Count", Integer.toString(rows.size()));
        }
        StatusRoutes.json(ctx, 200, array(rows));
    }

    private void alert(Context ctx) throws IOException {
        String alertId = OperatorRequests.pathId("alertId", ctx.pathParam("alertId"));
        StatusRoutes.json(ctx, 200, read.alert(alertId, StatusRoutes.local(ctx))
                .orElseThrow(() -> new WebServer.NotFound("no such alert: " + alertId)));
    }

    /** {@code GET /api/silences}: every silence, each with its {@code status} now (pending, active, expired). */
    private void silences(Context ctx) throws IOException {
        listed(ctx, read.silences(StatusRoutes.local(ctx)));
    }

    private void silence(Context ctx) throws IOException {
        String id = OperatorRequests.pathId("id", ctx.pathParam("id"));
        StatusRoutes.json(ctx, 200, read.silence(id, StatusRoutes.local(ctx))
                .orElseThrow(() -> new WebServer.NotFound("no such silence: " + id)));
    }

    private void addSilence(Context ctx) {
        Silence silence = OperatorRequests.silence(ctx.body(), writer(ctx), clock.instant());
        writes.silence(silence);
        created(ctx, "id", silence.getId());
    }

    /** {@code DELETE /api/silences/{id}}: expires the silence: rewritten with {@code endsAt} now (when it ends later). */
    private void expireSilence(Context ctx) throws IOException {
        String id = OperatorRequests.pathId("id", ctx.pathParam("id"));
        StatusRoutes.json(ctx, 200, expireSilence(id, StatusRoutes.local(ctx)));
    }

    /**
     * Expires the silence: rewritten with {@code endsAt} now, when it ends later, by the instance that holds it.
     *
     * @return the silence as it is now
     * @throws WebServer.NotFound when no instance holds it
     */
    public JsonNode expireSilence(String id, boolean local) throws IOException {
        Optional<HostInfo> owner = local ? Optional.empty() : queries.remoteOwnerOf(StoreNames.SILENCES, id);
        if (owner.isPresent()) {
            HttpResponse<String> response = REMOTE.delete(owner.get(), "/api/silences/" + Remote.encode(id) + "?local=true",
                    settings.token());
            if (response.statusCode() == 404) {
                throw new WebServer.NotFound("no such silence: " + id);
            }
            if (response.statusCode() != 200) {
                throw new IOException("instance " + owner.get() + " answered " + response.statusCode() + " when expiring silence " + id);
            }
            return ApiJson.MAPPER.readTree(response.body());
        }
        Silence silence = queries.<Silence>localTableValue(StoreNames.SILENCES, id)
                .orElseThrow(() -> new WebServer.NotFound("no such silence: " + id));
        Instant now = clock.instant();
        if (silence.getEndsAt().isAfter(now)) {
            silence = Silence.newBuilder(silence).setEndsAt(now).build();
            writes.silence(silence);
        }
        return read.silenceJson(silence);
    }

    /** {@code GET /api/exceptions}: every accepted exception, each with {@code active} (in force now). */
    private void exceptions(Context ctx) throws IOException {
        listed(ctx, read.exceptions(StatusRoutes.local(ctx)));
    }

    /** {@code POST /api/exceptions}: a new accepted exception; its conditions stop counting as soon as the aggregator reads it. */
    private void addException(Context ctx) {
        AcceptedException exception = OperatorRequests.exception(ctx.body(), writer(ctx), clock.instant());
        writes.exception(exception);
        created(ctx, "id", exception.getId());
    }

    private void exception(Context ctx) throws IOException {
        String id = OperatorRequests.pathId("id", ctx.pathParam("id"));
        StatusRoutes.json(ctx, 200, read.exception(id, StatusRoutes.local(ctx))
                .orElseThrow(() -> new WebServer.NotFound("no such exception: " + id)));
    }

    /** {@code DELETE /api/exceptions/{id}}: removes the exception (a tombstone); its conditions count again at once. */
    private void removeException(Context ctx) throws IOException {
        String id = OperatorRequests.pathId("id", ctx.pathParam("id"));
        if (read.exception(id, StatusRoutes.local(ctx)).isEmpty()) {
            throw new WebServer.NotFound("no such exception: " + id);
        }
        writes.removeException(id);
        StatusRoutes.json(ctx, 200, ApiJson.MAPPER.createObjectNode().put("id", id));
    }

    /** {@code POST /api/acknowledgements/{alertId}}: acknowledges an alert that fires (firing, silenced or acknowledged). */
    private void acknowledge(Context ctx) throws IOException {
        String alertId = OperatorRequests.pathId("alertId", ctx.pathParam("alertId"));
        requireFiring(read, alertId);
        Acknowledgement ack = OperatorRequests.acknowledgement(alertId, ctx.body(), writer(ctx), clock.instant());
        writes.acknowledge(ack);
        created(ctx, "alertId", alertId);
    }

    /**
     * Checks that the alert fires (firing, silenced or acknowledged), as only such an alert is acknowledged.
     *
     * @throws WebServer.NotFound when no instance holds it; {@link WebServer.Conflict} when it does not fire
     */
    public static void requireFiring(ApiQueries read, String alertId) throws IOException {
        JsonNode alert = read.alert(alertId, false).orElseThrow(() -> new WebServer.NotFound("no such alert: " + alertId));
        LifecycleState state = ApiQueries.state(alert);
        if (state != LifecycleState.FIRING && state != LifecycleState.SILENCED && state != LifecycleState.ACKNOWLEDGED) {
            throw new WebServer.Conflict("alert " + alertId + " is " + state + ", not firing: only a firing alert is acknowledged");
        }
    }

    private void withdrawAcknowledgement(Context ctx) {
        String alertId = OperatorRequests.pathId("alertId", ctx.pathParam("alertId"));
        writes.withdrawAcknowledgement(alertId);
        StatusRoutes.json(ctx, 200, ApiJson.MAPPER.createObjectNode().put("alertId", alertId));
    }

    private static void listed(Context ctx, List<JsonNode> rows) {
        ctx.header("X-Total-Count", Integer.toString(rows.size()));
        StatusRoutes.json(ctx, 200, array(rows));
    }

    private static ArrayNode array(List<JsonNode> rows) {
        ArrayNode out = ApiJson.MAPPER.createArrayNode();
        rows.forEach(out::add);
        return out;
    }

    /** Who writes: the request's credential as the guard found it. */
    public static String writer(Context ctx) {
        RequestGuard.Writer writer = ctx.attribute(RequestGuard.WRITER);
        return writer == null ? RequestGuard.Writer.LOCAL.recordedAs() : writer.recordedAs();
    }

    static void created(Context ctx, String field, String id) {
        StatusRoutes.json(ctx, 201, ApiJson.MAPPER.createObjectNode().put(field, id));
    }
}

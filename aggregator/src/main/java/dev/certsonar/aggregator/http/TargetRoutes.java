package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.path;
import static io.javalin.apibuilder.ApiBuilder.post;

/**
 * The targets on the targets topic: {@code GET /api/targets} lists them (as the targets topic's JSON with their ids,
 * from every instance; {@code q} keeps those whose id, service, owner or host contain the text, {@code id} one target;
 * pages of {@code limit} from {@code offset}); {@code POST /api/targets} adds a target's JSON or an array of them;
 * {@code POST /api/targets/import} adds every line of a targets file ({@code {"text": "..."}}), read as
 * {@code certsonar targets import} reads it; {@code DELETE /api/targets?id=ID} removes one (ids hold {@code /} and
 * {@code #}, so they go in the query). Each target is checked against the aggregator's policy before anything is
 * written; a write answers once the broker has every record.
 */
public record TargetRoutes(ApiQueries read, OperatorWrites writes, TargetSyntax syntax, ExpiryPolicy policy) implements HttpModule {

    @Override
    public void register(JavalinConfig config) {
        config.routes.apiBuilder(() -> path("/api/targets", () -> {
            get(this::list);
            post(this::add);
            delete(this::remove);
            post("import", this::importFile);
        }));
    }

    private void list(Context ctx) throws IOException {
        Map<String, List<String>> params = ctx.queryParamMap();
        String id = ServiceQuery.single(params, "id");
        boolean local = StatusRoutes.local(ctx);
        if (id != null) {
            ArrayNode out = ApiJson.MAPPER.createArrayNode();
            read.target(id, local).ifPresent(out::add);
            StatusRoutes.json(ctx, 200, out);
            return;
        }
        List<JsonNode> all = read.targets(local);
        if (local) {
            StatusRoutes.json(ctx, 200, ApiJson.MAPPER.createArrayNode().addAll(all));
            return;
        }
        ServiceIndex.Page<JsonNode> page = page(all, ServiceQuery.single(params, "q"),
                ServiceQuery.number(params, "offset", 0, 0, Integer.MAX_VALUE),
                ServiceQuery.number(params, "limit", Integer.MAX_VALUE, 1, ServiceQuery.MAX_LIMIT));
        StatusRoutes.pageHeaders(ctx, page);
        StatusRoutes.json(ctx, 200, ApiJson.MAPPER.createArrayNode().addAll(page.items()));
    }

    /** The targets whose id, service, owner or host contain {@code q} (any case), a page of them. */
    public static ServiceIndex.Page<JsonNode> page(List<JsonNode> targets, String q, int offset, int limit) {
        String needle = q == null || q.isBlank() ? null : q.strip().toLowerCase(Locale.ROOT);
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode t : targets) {
            if (needle == null || List.of("id", "service", "owner", "host").stream()
                    .anyMatch(f -> t.path(f).asText("").toLowerCase(Locale.ROOT).contains(needle))) {
                matching.add(t);
            }
        }
        int from = Math.min(offset, matching.size());
        return new ServiceIndex.Page<>(List.copyOf(matching.subList(from, (int) Math.min(matching.size(), (long) from + limit))),
                matching.size(), offset, limit);
    }

    private void add(Context ctx) {
        JsonNode body;
        try {
            body = ApiJson.MAPPER.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw new InvalidValueException("body", "not JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        }
        List<Target> targets = new ArrayList<>();
        if (body != null && body.isArray() && !body.isEmpty()) {
            for (int i = 0; i < body.size(); i++) {
                targets.add(TargetSyntax.json(body.get(i).toString(), policy, "[" + i + "]"));
            }
        } else if (body != null && body.isObject()) {
            targets.add(TargetSyntax.json(body.toString(), policy, null));
        } else {
            throw new InvalidValueException("body", "send a target's JSON object ({\"host\": \"shop.example.com\"}) or a list of them");
        }
        writes.targets(targets);
        StatusRoutes.json(ctx, 201, ids(targets));
    }

    private void importFile(Context ctx) {
        JsonNode body;
        try {
            body = ApiJson.MAPPER.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw new InvalidValueException("body", "not JSON: send {\"text\": \"the targets file\"}");
        }
        if (body == null || !body.isObject() || !body.path("text").isTextual() || body.size() != 1) {
            throw new InvalidValueException("text", "missing: send {\"text\": \"the targets file\"}");
        }
        List<Target> targets = syntax.readFile(body.get("text").asText(), policy, "text");
        writes.targets(targets);
        StatusRoutes.json(ctx, 201, ids(targets));
    }

    private void remove(Context ctx) throws IOException {
        String id = ServiceQuery.single(ctx.queryParamMap(), "id");
        if (id == null || id.isBlank()) {
            throw new InvalidValueException("id", "missing: DELETE /api/targets?id=ID");
        }
        if (read.target(id, false).isEmpty()) {
            throw new WebServer.NotFound("no such target: " + id);
        }
        writes.removeTarget(id);
        StatusRoutes.json(ctx, 200, ApiJson.MAPPER.createObjectNode().put("id", id));
    }

    private static ObjectNode ids(List<Target> targets) {
        ObjectNode out = ApiJson.MAPPER.createObjectNode();
        ArrayNode ids = out.putArray("ids");
        targets.forEach(t -> ids.add(t.getId()));
        return out;
    }
}

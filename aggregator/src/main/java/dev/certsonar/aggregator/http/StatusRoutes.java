package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * What the aggregator knows of services and certificates, and its own health: {@code /healthz}, {@code /readyz},
 * {@code /metrics}, {@code GET /api/services} (search, filters, order, pages), {@code GET /api/services/{service}},
 * {@code GET /api/certificates} (the inventory) and {@code GET /api/certificates/{sha256}}. Lists come from the
 * {@link ServiceIndex}, which every instance holds whole; a service's endpoints and a certificate's placements come from
 * the state stores through {@link ApiQueries}, from the instance that holds them ({@code local=true} between instances).
 */
public record StatusRoutes(ApiQueries read, ServiceIndex index, ServiceMetrics serviceMetrics, PrometheusMeterRegistry registry,
                           BooleanSupplier ready, BooleanSupplier alive, Clock clock) implements HttpModule {

    @Override
    public void register(JavalinConfig config) {
        config.routes.get("/healthz", this::healthz);
        config.routes.get("/readyz", this::readyz);
        config.routes.get("/metrics", this::metrics);
        config.routes.get("/api/services", this::services);
        config.routes.get("/api/services/{service}", this::service);
        config.routes.get("/api/certificates", this::certificates);
        config.routes.get("/api/certificates/{sha256}", this::certificate);
    }

    private void healthz(Context ctx) {
        boolean ok = alive.getAsBoolean();
        ctx.status(ok ? 200 : 503).contentType("text/plain; charset=utf-8").result(ok ? "ok\n" : "failed\n");
    }

    private void readyz(Context ctx) {
        boolean ok = ready.getAsBoolean();
        ctx.status(ok ? 200 : 503).contentType("text/plain; charset=utf-8").result(ok ? "ready\n" : "not ready\n");
    }

    private void metrics(Context ctx) {
        if (ready.getAsBoolean()) {
            serviceMetrics.refresh();
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }

    /**
     * {@code GET /api/services}: a JSON array of service summaries (worst first unless {@code sort} says otherwise),
     * all of them unless {@code limit} is given; {@code X-Total-Count} says how many pass the filters, and a
     * {@code Link: <...>; rel="next"} header points at the next page when there is one.
     */
    private void services(Context ctx) {
        ServiceQuery query = ServiceQuery.parse(ctx.queryParamMap());
        ServiceIndex.Page<ServiceIndex.Row> page = index.services(query.filter(), query.sort(), query.offset(), query.limit());
        Instant now = clock.instant();
        ArrayNode out = ApiJson.MAPPER.createArrayNode();
        page.items().forEach(r -> out.add(ApiJson.summary(r, now)));
        pageHeaders(ctx, page);
        json(ctx, 200, out);
    }

    private void service(Context ctx) throws IOException {
        String service = ctx.pathParam("service");
        json(ctx, 200, read.service(service, local(ctx))
                .or(() -> index.fleetService(service).map(s -> ApiJson.detail(s, List.of(), clock.instant())))
                .orElseThrow(() -> new WebServer.NotFound("no such service: " + service)));
    }

    /**
     * {@code GET /api/certificates}: the served leaf certificates, earliest expiry first, each with where it is served;
     * filters {@code expiringWithin} (a duration: 30d), {@code issuer} (text the issuer contains, any case),
     * {@code keyType} (RSA, EC, Ed25519, ...), {@code keyBits}; a page of {@code limit} (default 100) from {@code offset}.
     */
    private void certificates(Context ctx) {
        CertificateQuery query = CertificateQuery.parse(ctx.queryParamMap());
        Instant now = clock.instant();
        ServiceIndex.Page<ServiceIndex.CertificateRow> page = index.certificates(query.filter(now), query.offset(), query.limit());
        ArrayNode out = ApiJson.MAPPER.createArrayNode();
        page.items().forEach(c -> out.add(ApiJson.inventoryCertificate(c, now)));
        pageHeaders(ctx, page);
        json(ctx, 200, out);
    }

    private void certificate(Context ctx) throws IOException {
        String sha = ctx.pathParam("sha256");
        json(ctx, 200, read.certificate(sha, local(ctx))
                .orElseThrow(() -> new WebServer.NotFound("no endpoint serves certificate " + sha.toLowerCase(Locale.ROOT))));
    }

    static boolean local(Context ctx) {
        return "true".equals(ctx.queryParam("local"));
    }

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType(WebServer.JSON).result(body.toString());
    }

    /** {@code X-Total-Count}, and a {@code Link} to the next page when the page is full and more rows pass. */
    static void pageHeaders(Context ctx, ServiceIndex.Page<?> page) {
        ctx.header("X-Total-Count", Integer.toString(page.total()));
        long next = (long) page.offset() + page.items().size();
        if (page.limit() != Integer.MAX_VALUE && next < page.total()) {
            StringBuilder query = new StringBuilder();
            ctx.queryParamMap().forEach((name, values) -> {
                if (!name.equals("offset")) {
                    values.forEach(v -> query.append(query.isEmpty() ? "" : "&").append(Remote.encode(name)).append('=').append(Remote.encode(v)));
                }
            });
            query.append(query.isEmpty() ? "" : "&").append("offset=").append(next);
            ctx.header("Link", "<" + ctx.path() + "?" + query + ">; rel=\"next\"");
        }
    }
}

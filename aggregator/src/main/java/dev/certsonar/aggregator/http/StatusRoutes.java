package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ServiceStatus;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * What the aggregator knows of services and certificates, and its own health: {@code /healthz}, {@code /readyz},
 * {@code /metrics}, {@code GET /api/services} (search, filters, order, pages), {@code GET /api/services/{service}},
 * {@code GET /api/certificates} (the inventory), {@code GET /api/certificates/{sha256}} and the dashboard at {@code /}.
 * Lists come from the {@link ServiceIndex}, which every instance holds whole; a service's endpoints and a certificate's
 * placements come from the state stores, from the instance that holds them ({@code local=true} between instances).
 */
public record StatusRoutes(StateQueries queries, ServiceIndex index, ServiceMetrics serviceMetrics, PrometheusMeterRegistry registry,
                           BooleanSupplier ready, BooleanSupplier alive, Clock clock) implements HttpModule {

    /** Rows of a certificates page when no {@code limit} is given. */
    public static final int DEFAULT_CERTIFICATE_LIMIT = 100;
    private static final Remote REMOTE = new Remote();

    @Override
    public void register(JavalinConfig config) {
        config.routes.get("/healthz", this::healthz);
        config.routes.get("/readyz", this::readyz);
        config.routes.get("/metrics", this::metrics);
        config.routes.get("/api/services", this::services);
        config.routes.get("/api/services/{service}", this::service);
        config.routes.get("/api/certificates", this::certificates);
        config.routes.get("/api/certificates/{sha256}", this::certificate);
        config.routes.get("/", this::dashboard);
        config.routes.get("/index.html", this::dashboard);
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
        if (!local(ctx)) {
            Optional<HostInfo> owner = queries.remoteOwnerOf(service);
            if (owner.isPresent()) {
                HttpResponse<String> response = REMOTE.get(owner.get(), "/api/services/" + Remote.encode(service) + "?local=true");
                ctx.status(response.statusCode()).contentType(WebServer.JSON).result(response.body());
                return;
            }
        }
        ServiceStatus status = queries.localService(service).orElseThrow(() -> new WebServer.NotFound("no such service: " + service));
        List<Observation> observations = queries.localEndpoints(service);
        json(ctx, 200, ApiJson.detail(status, observations, clock.instant()));
    }

    /**
     * {@code GET /api/certificates}: the served leaf certificates, earliest expiry first, each with where it is served;
     * filters {@code expiringWithin} (a duration: 30d), {@code issuer} (text the issuer contains, any case),
     * {@code keyType} (RSA, EC, Ed25519, ...), {@code keyBits}; a page of {@code limit} (default 100) from {@code offset}.
     */
    private void certificates(Context ctx) {
        Map<String, List<String>> params = ctx.queryParamMap();
        Instant now = clock.instant();
        Predicate<ServiceIndex.CertificateRow> filter = c -> true;
        String within = ServiceQuery.single(params, "expiringWithin");
        if (within != null) {
            Duration d;
            try {
                d = Durations.parse(within);
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException("expiringWithin", "'" + within + "' is not a duration (such as 30d, 12h)");
            }
            Instant limit = now.plus(d);
            filter = filter.and(c -> c.notAfter() != null && !c.notAfter().isAfter(limit));
        }
        String issuer = ServiceQuery.single(params, "issuer");
        if (issuer != null && !issuer.isBlank()) {
            String needle = issuer.strip().toLowerCase(Locale.ROOT);
            filter = filter.and(c -> c.issuer() != null && c.issuer().toLowerCase(Locale.ROOT).contains(needle));
        }
        String keyType = ServiceQuery.single(params, "keyType");
        if (keyType != null && !keyType.isBlank()) {
            filter = filter.and(c -> keyType.strip().equalsIgnoreCase(c.keyAlgorithm()));
        }
        int bits = ServiceQuery.number(params, "keyBits", 0, 1, 65_536);
        if (bits > 0) {
            filter = filter.and(c -> c.keyBits() != null && c.keyBits() == bits);
        }
        ServiceIndex.Page<ServiceIndex.CertificateRow> page = index.certificates(filter,
                ServiceQuery.number(params, "offset", 0, 0, Integer.MAX_VALUE),
                ServiceQuery.number(params, "limit", DEFAULT_CERTIFICATE_LIMIT, 1, ServiceQuery.MAX_LIMIT));
        ArrayNode out = ApiJson.MAPPER.createArrayNode();
        page.items().forEach(c -> out.add(ApiJson.inventoryCertificate(c, now)));
        pageHeaders(ctx, page);
        json(ctx, 200, out);
    }

    private void certificate(Context ctx) throws IOException {
        String sha = ctx.pathParam("sha256").toLowerCase(Locale.ROOT);
        List<StateQueries.Placement> placements = queries.localPlacements(sha);
        ObjectNode node = ApiJson.certificate(sha, findCertificate(sha, placements), placements);
        if (!local(ctx)) {
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
        if (node.withArray("endpoints").isEmpty()) {
            throw new WebServer.NotFound("no endpoint serves certificate " + sha);
        }
        json(ctx, 200, node);
    }

    private Certificate findCertificate(String sha, List<StateQueries.Placement> placements) {
        for (StateQueries.Placement p : placements) {
            Optional<Observation> o = queries.localObservation(p.service(), p.targetId(), p.endpoint());
            if (o.isPresent()) {
                for (Certificate c : o.get().getChain()) {
                    if (c.getSha256().equals(sha)) {
                        return c;
                    }
                }
            }
        }
        return null;
    }

    private void dashboard(Context ctx) {
        Instant now = clock.instant();
        ArrayNode rows = ApiJson.MAPPER.createArrayNode();
        index.services(r -> true, ServiceQuery.Sort.WORST_FIRST, 0, Integer.MAX_VALUE).items()
                .forEach(r -> rows.add(ApiJson.summary(r, now)));
        ctx.contentType("text/html; charset=utf-8").result(Dashboard.html(rows, ready.getAsBoolean(), now));
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

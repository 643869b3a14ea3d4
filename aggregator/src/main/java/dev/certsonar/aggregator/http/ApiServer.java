package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ServiceStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The aggregator's HTTP API on the JDK's HTTP server, one virtual thread per request:
 * {@code /api/services}, {@code /api/services/{service}}, {@code /api/certificates/{sha256}}, {@code /metrics},
 * {@code /healthz}, {@code /readyz} and the dashboard at {@code /}. When several instances share the work,
 * a service is read from the instance that holds it, and lists are gathered from all of them
 * (requests between instances carry {@code local=true}).
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(5);

    private final String bind;
    private final int requestedPort;
    private final StateQueries queries;
    private final ServiceMetrics serviceMetrics;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier ready;
    private final BooleanSupplier alive;
    private final Clock clock;
    private final HttpClient client;
    private HttpServer server;
    private ExecutorService executor;

    public ApiServer(String bind, int port, StateQueries queries, ServiceMetrics serviceMetrics, PrometheusMeterRegistry registry,
                     BooleanSupplier ready, BooleanSupplier alive, Clock clock) {
        this.bind = bind;
        this.requestedPort = port;
        this.queries = queries;
        this.serviceMetrics = serviceMetrics;
        this.registry = registry;
        this.ready = ready;
        this.alive = alive;
        this.clock = clock;
        this.client = HttpClient.newBuilder().connectTimeout(REMOTE_TIMEOUT).build();
    }

    public synchronized void start() throws IOException {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server = HttpServer.create(new InetSocketAddress(bind, requestedPort), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        log.info("Aggregator HTTP API on http://{}:{}/", bind, port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.close();
            server = null;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                send(exchange, 405, JSON, ApiJson.error("only GET is served").toString());
                return;
            }
            boolean local = "local=true".equals(exchange.getRequestURI().getRawQuery());
            try {
                route(exchange, path, local);
            } catch (InvalidStateStoreException e) {
                send(exchange, 503, JSON, ApiJson.error("state is not available yet: " + e.getMessage()).toString());
            } catch (RuntimeException e) {
                log.warn("HTTP {} failed", path, e);
                send(exchange, 500, JSON, ApiJson.error(e.toString()).toString());
            }
        }
    }

    private void route(HttpExchange exchange, String path, boolean local) throws IOException {
        Instant now = clock.instant();
        if (path.equals("/healthz")) {
            boolean ok = alive.getAsBoolean();
            send(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "failed\n");
        } else if (path.equals("/readyz")) {
            boolean ok = ready.getAsBoolean();
            send(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ready\n" : "not ready\n");
        } else if (path.equals("/metrics")) {
            if (ready.getAsBoolean()) {
                serviceMetrics.refresh();
            }
            send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        } else if (path.equals("/api/services") || path.equals("/api/services/")) {
            send(exchange, 200, JSON, services(now, local).toString());
        } else if (path.startsWith("/api/services/")) {
            String service = URLDecoder.decode(path.substring("/api/services/".length()), StandardCharsets.UTF_8);
            serviceDetail(exchange, service, now, local);
        } else if (path.startsWith("/api/certificates/")) {
            String sha = URLDecoder.decode(path.substring("/api/certificates/".length()), StandardCharsets.UTF_8).toLowerCase();
            certificate(exchange, sha, local);
        } else if (path.equals("/") || path.equals("/index.html")) {
            send(exchange, 200, "text/html; charset=utf-8", Dashboard.html(services(now, local), ready.getAsBoolean(), now));
        } else {
            send(exchange, 404, JSON, ApiJson.error("no such path: " + path).toString());
        }
    }

    private ArrayNode services(Instant now, boolean local) throws IOException {
        ArrayNode out = ApiJson.MAPPER.createArrayNode();
        List<ServiceStatus> services = queries.localServices();
        services.sort(ApiJson.WORST_FIRST);
        List<ObjectNode> rows = new ArrayList<>();
        for (ServiceStatus s : services) {
            rows.add(ApiJson.summary(s, now));
        }
        if (!local) {
            for (HostInfo host : queries.otherInstances()) {
                JsonNode remote = fetch(host, "/api/services?local=true");
                remote.forEach(n -> rows.add((ObjectNode) n));
            }
            rows.sort((a, b) -> compareRows(a, b));
        }
        rows.forEach(out::add);
        return out;
    }

    private static int compareRows(JsonNode a, JsonNode b) {
        int bySeverity = Integer.compare(severity(b), severity(a));
        if (bySeverity != 0) {
            return bySeverity;
        }
        String na = a.path("notAfter").asText(null);
        String nb = b.path("notAfter").asText(null);
        if (na != null && nb != null && !na.equals(nb)) {
            return Instant.parse(na).compareTo(Instant.parse(nb));
        }
        if (na == null ^ nb == null) {
            return na == null ? 1 : -1;
        }
        return a.path("service").asText().compareTo(b.path("service").asText());
    }

    private static int severity(JsonNode row) {
        try {
            return ApiJson.severity(dev.certsonar.schemas.avro.Status.valueOf(row.path("status").asText()));
        } catch (IllegalArgumentException e) {
            return ApiJson.severity(dev.certsonar.schemas.avro.Status.UNKNOWN);
        }
    }

    private void serviceDetail(HttpExchange exchange, String service, Instant now, boolean local) throws IOException {
        if (!local) {
            Optional<HostInfo> owner = queries.remoteOwnerOf(service);
            if (owner.isPresent()) {
                HttpResponse<String> response = get(owner.get(), "/api/services/" + encode(service) + "?local=true");
                send(exchange, response.statusCode(), JSON, response.body());
                return;
            }
        }
        Optional<ServiceStatus> status = queries.localService(service);
        if (status.isEmpty()) {
            send(exchange, 404, JSON, ApiJson.error("no such service: " + service).toString());
            return;
        }
        List<Observation> observations = queries.localEndpoints(service);
        send(exchange, 200, JSON, ApiJson.detail(status.get(), observations, now).toString());
    }

    private void certificate(HttpExchange exchange, String sha, boolean local) throws IOException {
        List<StateQueries.Placement> placements = queries.localPlacements(sha);
        ObjectNode node = ApiJson.certificate(sha, findCertificate(sha, placements), placements);
        if (!local) {
            TreeSet<String> services = new TreeSet<>();
            node.withArray("services").forEach(n -> services.add(n.asText()));
            for (HostInfo host : queries.otherInstances()) {
                JsonNode remote = fetch(host, "/api/certificates/" + encode(sha) + "?local=true");
                if (!remote.isObject()) {
                    continue;
                }
                if (!node.has("subject") && remote.has("subject")) {
                    remote.properties().forEach(e -> {
                        if (!e.getKey().equals("endpoints") && !e.getKey().equals("services")) {
                            node.set(e.getKey(), e.getValue());
                        }
                    });
                }
                remote.path("endpoints").forEach(n -> node.withArray("endpoints").add(n));
                remote.path("services").forEach(n -> services.add(n.asText()));
            }
            ArrayNode names = node.putArray("services");
            services.forEach(names::add);
        }
        if (node.withArray("endpoints").isEmpty()) {
            send(exchange, 404, JSON, ApiJson.error("no endpoint serves certificate " + sha).toString());
            return;
        }
        send(exchange, 200, JSON, node.toString());
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

    private JsonNode fetch(HostInfo host, String pathAndQuery) throws IOException {
        HttpResponse<String> response = get(host, pathAndQuery);
        if (response.statusCode() != 200) {
            log.warn("Instance {}:{} answered {} to {}", host.host(), host.port(), response.statusCode(), pathAndQuery);
            return ApiJson.MAPPER.createArrayNode();
        }
        return ApiJson.MAPPER.readTree(response.body());
    }

    private HttpResponse<String> get(HostInfo host, String pathAndQuery) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                .timeout(REMOTE_TIMEOUT).GET().build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while asking " + host.host() + ":" + host.port(), e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length == 0 ? -1 : bytes.length);
        if (!head && bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}

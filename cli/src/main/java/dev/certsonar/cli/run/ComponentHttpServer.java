package dev.certsonar.cli.run;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The small HTTP server of a component without an API of its own: {@code /metrics} (Prometheus text format),
 * {@code /healthz} (liveness) and {@code /readyz} (readiness).
 */
public final class ComponentHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ComponentHttpServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private ComponentHttpServer(HttpServer server) {
        this.server = server;
    }

    /**
     * The registry of one process's {@code /metrics}: every meter tagged {@code component=COMPONENT}, with the JVM's
     * memory, garbage collection, threads and processor.
     */
    public static PrometheusMeterRegistry registry(String component) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("component", component);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return registry;
    }

    /**
     * @param bind  address to listen on
     * @param port  port; 0 picks a free one
     * @param alive whether the component still works (else {@code /healthz} answers 503)
     * @param ready whether the component does its work now (else {@code /readyz} answers 503)
     */
    public static ComponentHttpServer start(String bind, int port, PrometheusMeterRegistry registry,
                                            BooleanSupplier alive, BooleanSupplier ready) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 64);
        } catch (BindException e) {
            throw new IllegalStateException("HTTP port " + bind + ":" + port + " is taken (choose another with --http-port)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("HTTP server on " + bind + ":" + port + " did not start: " + e.getMessage(), e);
        }
        server.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape()));
        server.createContext("/healthz", exchange -> probe(exchange, alive));
        server.createContext("/readyz", exchange -> probe(exchange, ready));
        server.createContext("/", exchange -> respond(exchange, 404, "text/plain; charset=utf-8", "not found\n"));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        log.info("Serving /metrics, /healthz and /readyz on http://{}:{}", bind, server.getAddress().getPort());
        return new ComponentHttpServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void probe(HttpExchange exchange, BooleanSupplier check) throws IOException {
        boolean ok;
        try {
            ok = check.getAsBoolean();
        } catch (RuntimeException e) {
            log.warn("Health check failed: {}", e.toString());
            ok = false;
        }
        respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "unavailable\n");
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

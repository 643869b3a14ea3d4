package dev.certsonar.cli.run;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class ComponentHttpServerTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void servesMetricsHealthAndReadiness() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("certsonar.scanner.requests").tag("result", "probed").register(registry).increment(3);
        AtomicBoolean ready = new AtomicBoolean(false);
        AtomicBoolean alive = new AtomicBoolean(true);
        try (ComponentHttpServer server = ComponentHttpServer.start("127.0.0.1", 0, registry, alive::get, ready::get)) {
            HttpResponse<String> metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("certsonar_scanner_requests_total{result=\"probed\"} 3.0");

            assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
            ready.set(true);
            assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);
            alive.set(false);
            assertThat(get(server, "/healthz").statusCode()).isEqualTo(503);
            assertThat(get(server, "/nothing-here").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aTakenPortFailsNamingIt() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ComponentHttpServer first = ComponentHttpServer.start("127.0.0.1", 0, registry, () -> true, () -> true)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                            ComponentHttpServer.start("127.0.0.1", first.port(), registry, () -> true, () -> true))
                    .hasMessageContaining(String.valueOf(first.port())).hasMessageContaining("--http-port");
        }
    }

    private HttpResponse<String> get(ComponentHttpServer server, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

package dev.certsonar.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** GET requests to a component's HTTP port on loopback, for tests that poll it: empty when it does not answer. */
public final class LocalHttp {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Duration timeout;

    /** @param timeout how long one request may take */
    public LocalHttp(Duration timeout) {
        this.timeout = timeout;
    }

    /** The answer to {@code GET http://127.0.0.1:PORT/PATH}; empty when the connection failed or timed out. */
    public Optional<HttpResponse<String>> get(int port, String path) {
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}

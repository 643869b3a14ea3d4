package dev.certsonar.aggregator.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Asks another instance of the aggregator for what it holds ({@code local=true}: it answers from its own stores only). */
final class Remote {

    private static final Logger log = LoggerFactory.getLogger(Remote.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** The instance's answer as JSON; an empty array when it did not answer 200. */
    JsonNode fetch(HostInfo host, String pathAndQuery) throws IOException {
        HttpResponse<String> response = get(host, pathAndQuery);
        if (response.statusCode() != 200) {
            log.warn("Instance {}:{} answered {} to {}", host.host(), host.port(), response.statusCode(), pathAndQuery);
            return ApiJson.MAPPER.createArrayNode();
        }
        return ApiJson.MAPPER.readTree(response.body());
    }

    HttpResponse<String> get(HostInfo host, String pathAndQuery) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                .timeout(TIMEOUT).GET().build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while asking " + host.host() + ":" + host.port(), e);
        }
    }

    /** Sends a DELETE to the instance, with the bearer token when one is configured. */
    HttpResponse<String> delete(HostInfo host, String path, String token) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + path))
                .timeout(TIMEOUT).DELETE();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while asking " + host.host() + ":" + host.port(), e);
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

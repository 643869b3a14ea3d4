package dev.certsonar.notifier.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One JSON POST of a channel, with the answer sorted: 2xx delivered; 408, 425, 429 and 5xx, timeouts and connection
 * failures retryable; any other answer rejected for good.
 */
final class HttpPost implements AutoCloseable {

    private final String channel;
    private final URI url;
    private final Duration timeout;
    private final HttpClient client;

    HttpPost(String channel, URI url, Duration timeout) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.url = Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("channel " + channel + ": url must be http or https, was " + url);
        }
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Posts {@code body} as JSON with {@code headers}; returns the answer's body. */
    String post(String body, Map<String, String> headers) throws DeliveryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "certsonar")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new DeliveryException("channel " + channel + ": no answer from " + url + " within " + timeout, true, e);
        } catch (IOException e) {
            throw new DeliveryException("channel " + channel + ": cannot reach " + url + ": " + e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("channel " + channel + ": interrupted while posting to " + url, true, e);
        }
        int code = response.statusCode();
        String text = response.body() == null ? "" : response.body().strip();
        if (code >= 200 && code < 300) {
            return text;
        }
        boolean retryable = code == 408 || code == 425 || code == 429 || code >= 500;
        if (text.length() > 200) {
            text = text.substring(0, 200) + "…";
        }
        throw new DeliveryException("channel " + channel + ": " + url + " answered HTTP " + code
                + (text.isEmpty() ? "" : ": " + text), retryable);
    }

    @Override
    public void close() {
        client.close();
    }
}

package dev.certsonar.notifier.delivery;

import dev.certsonar.notifier.AlertJson;
import dev.certsonar.schemas.avro.Alert;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Posts each notification as JSON ({@code {"groupKey":"…","alerts":[…]}}) to a URL, with
 * {@code X-Certsonar-Timestamp} (Unix seconds), {@code X-Certsonar-Signature: v1=<hex HMAC-SHA256(secret,
 * timestamp + "." + body)>} when a secret is set, and {@code Idempotency-Key} (a hash of the eventIds carried, so a
 * retry of the same notification carries the same key).
 */
public final class WebhookChannel implements Channel {

    public static final String TIMESTAMP_HEADER = "X-Certsonar-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Certsonar-Signature";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private final String name;
    private final URI url;
    private final String secret;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient client;

    /**
     * @param secret  the shared secret of the signature; null or empty for none
     * @param timeout how long one request may take, connection included
     */
    public WebhookChannel(String name, URI url, String secret, Duration timeout, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.url = Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("channel " + name + ": url must be http or https, was " + url);
        }
        this.secret = secret == null || secret.isEmpty() ? null : secret;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notification notification) throws DeliveryException {
        String body = AlertJson.notification(notification.groupKey(), notification.alerts());
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "certsonar")
                .header(TIMESTAMP_HEADER, timestamp)
                .header(IDEMPOTENCY_HEADER, idempotencyKey(notification))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (secret != null) {
            request.header(SIGNATURE_HEADER, "v1=" + signature(secret, timestamp, body));
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new DeliveryException("channel " + name + ": no answer from " + url + " within " + timeout, true, e);
        } catch (IOException e) {
            throw new DeliveryException("channel " + name + ": cannot reach " + url + ": " + e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("channel " + name + ": interrupted while posting to " + url, true, e);
        }
        int code = response.statusCode();
        if (code >= 200 && code < 300) {
            return;
        }
        boolean retryable = code == 408 || code == 425 || code == 429 || code >= 500;
        String text = response.body() == null ? "" : response.body().strip();
        if (text.length() > 200) {
            text = text.substring(0, 200) + "…";
        }
        throw new DeliveryException("channel " + name + ": " + url + " answered HTTP " + code
                + (text.isEmpty() ? "" : ": " + text), retryable);
    }

    /** {@code hex(HMAC-SHA256(secret, timestamp + "." + body))}. */
    public static String signature(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '.');
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Hex SHA-256 of the notification's eventIds in order, joined by commas. */
    public static String idempotencyKey(Notification notification) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            boolean first = true;
            for (Alert a : notification.alerts()) {
                if (!first) {
                    digest.update((byte) ',');
                }
                digest.update(a.getEventId().getBytes(StandardCharsets.UTF_8));
                first = false;
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}

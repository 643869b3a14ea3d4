package dev.certsonar.notifier.delivery;

import dev.certsonar.notifier.AlertJson;
import dev.certsonar.schemas.avro.Alert;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
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
    private final String secret;
    private final Clock clock;
    private final HttpPost http;

    /**
     * @param secret  the shared secret of the signature; null or empty for none
     * @param timeout how long one request may take, connection included
     */
    public WebhookChannel(String name, URI url, String secret, Duration timeout, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.http = new HttpPost(name, url, timeout);
        this.secret = secret == null || secret.isEmpty() ? null : secret;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notification notification) throws DeliveryException {
        String body = AlertJson.notification(notification.groupKey(), notification.alerts());
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(TIMESTAMP_HEADER, timestamp);
        headers.put(IDEMPOTENCY_HEADER, idempotencyKey(notification));
        if (secret != null) {
            headers.put(SIGNATURE_HEADER, "v1=" + signature(secret, timestamp, body));
        }
        http.post(body, headers);
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
        http.close();
    }
}

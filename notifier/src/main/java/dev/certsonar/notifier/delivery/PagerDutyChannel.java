package dev.certsonar.notifier.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.notifier.AlertJson;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Sends PagerDuty Events API v2 events: {@code trigger} for FIRING (a reminder triggers the same dedup key, which
 * PagerDuty folds into the open incident), {@code resolve} for RESOLVED, with {@code dedup_key} = alertId. Each alert
 * of a notification is one event, so a page resolves with its own alert.
 */
public final class PagerDutyChannel implements Channel {

    /** The Events API v2 endpoint. */
    public static final URI EVENTS_V2 = URI.create("https://events.pagerduty.com/v2/enqueue");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_SUMMARY = 1024;

    private final String name;
    private final String routingKey;
    private final HttpPost http;

    /** @param url {@link #EVENTS_V2}, or another address that speaks the same API */
    public PagerDutyChannel(String name, URI url, String routingKey, Duration timeout) {
        this.name = name;
        this.routingKey = Objects.requireNonNull(routingKey, "routingKey");
        if (routingKey.isBlank()) {
            throw new IllegalArgumentException("channel " + name + ": routingKey must not be blank");
        }
        this.http = new HttpPost(name, url, timeout);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notification n) throws DeliveryException {
        for (Alert a : n.alerts()) {
            http.post(event(routingKey, a), Map.of());
        }
    }

    static String event(String routingKey, Alert a) {
        ObjectNode e = MAPPER.createObjectNode();
        e.put("routing_key", routingKey);
        e.put("dedup_key", a.getAlertId());
        if (a.getState() == AlertState.RESOLVED) {
            e.put("event_action", "resolve");
            return e.toString();
        }
        e.put("event_action", "trigger");
        ObjectNode payload = e.putObject("payload");
        String summary = a.getMessage();
        payload.put("summary", summary.length() > MAX_SUMMARY ? summary.substring(0, MAX_SUMMARY - 1) + "…" : summary);
        payload.put("source", a.getService());
        payload.put("severity", switch (a.getSeverity()) {
            case CRITICAL -> "critical";
            case WARNING -> "warning";
            default -> "info";
        });
        payload.put("timestamp", a.getAt().toString());
        payload.put("class", a.getCondition().name().toLowerCase(Locale.ROOT));
        if (a.getOwner() != null) {
            payload.put("group", a.getOwner());
        }
        if (!a.getEndpoints().isEmpty()) {
            payload.put("component", a.getEndpoints().getFirst());
        }
        payload.set("custom_details", AlertJson.toJson(a));
        return e.toString();
    }

    @Override
    public void close() {
        http.close();
    }
}

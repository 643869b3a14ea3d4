package dev.certsonar.cli.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.notifier.delivery.WebhookChannel;
import dev.certsonar.sandbox.http.HttpReceiver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A webhook receiver ({@link HttpReceiver}) and what it took: each event of each accepted notification with the
 * notification's Idempotency-Key. A receiver that drops a notification whose key it has seen keeps
 * {@link #deduplicated()}.
 */
final class Webhook implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event of an accepted notification. */
    record Event(String key, String eventId, String alertId, String state, boolean reminder, String service) {
    }

    final HttpReceiver receiver;
    /** The events of each accepted notification, in the order they came. */
    private final List<List<Event>> notifications = new ArrayList<>();
    private int read;

    Webhook() throws IOException {
        receiver = new HttpReceiver();
    }

    String url() {
        return receiver.url("/hook").toString();
    }

    private synchronized List<List<Event>> notifications() {
        for (int size = receiver.accepted.size(); read < size; read++) {
            HttpReceiver.Request request = receiver.accepted.get(read);
            List<Event> events = new ArrayList<>();
            try {
                for (JsonNode a : JSON.readTree(request.body()).get("alerts")) {
                    events.add(new Event(request.header(WebhookChannel.IDEMPOTENCY_HEADER), a.get("eventId").asText(),
                            a.get("alertId").asText(), a.get("state").asText(), a.path("reminder").asBoolean(false),
                            a.get("service").asText()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            notifications.add(events);
        }
        return List.copyOf(notifications);
    }

    /** Every event of every accepted notification, repeats included. */
    List<Event> events() {
        return notifications().stream().flatMap(List::stream).toList();
    }

    /** The events of the notifications whose Idempotency-Key came first: what a deduplicating receiver keeps. */
    List<Event> deduplicated() {
        Set<String> seen = new HashSet<>();
        List<Event> kept = new ArrayList<>();
        for (List<Event> notification : notifications()) {
            if (!notification.isEmpty() && seen.add(notification.getFirst().key())) {
                kept.addAll(notification);
            }
        }
        return kept;
    }

    /** The distinct eventIds a deduplicating receiver has. */
    Set<String> eventIds() {
        return deduplicated().stream().map(Event::eventId).collect(Collectors.toSet());
    }

    /** How many notifications came again with a key already seen. */
    int repeatedNotifications() {
        return receiver.accepted.size() - receiver.acceptedDistinct(WebhookChannel.IDEMPOTENCY_HEADER).size();
    }

    /** eventIds that a deduplicating receiver got more than once (under different keys): should be none. */
    Map<String, Long> eventsKeptTwice() {
        return deduplicated().stream().collect(Collectors.groupingBy(Event::eventId, Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Override
    public void close() {
        receiver.close();
    }
}

package dev.certsonar.aggregator.console;

import dev.certsonar.aggregator.http.TopicFollower;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.avro.Alert;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recent alert events of each service, for its page: the alerts topic (FIRING, reminders, RESOLVED, with
 * {@code silenced}) read as committed from {@link #SINCE} ago and followed ({@link TopicFollower}), in memory and
 * bounded: the last {@link #PER_SERVICE} events of a service, and at most {@link #MAX_EVENTS} in all (the services whose
 * last event is oldest are forgotten first). Every instance reads every partition, so any instance answers for any
 * service; a restart reads the window again. Held alerts never reach the alerts topic: the page shows them from
 * alert-states.
 */
public final class AlertHistory implements AutoCloseable, TopicFollower.Reader {

    /** How far back a start reads. */
    public static final Duration SINCE = Duration.ofDays(30);
    /** Events kept per service. */
    public static final int PER_SERVICE = 30;
    /** Events kept in all. */
    public static final int MAX_EVENTS = 200_000;

    private final Topic<String, Alert> topic;
    private final Clock clock;
    private final TopicFollower follower;
    /** Service → its events, oldest first; in the order services last had an event. */
    private final LinkedHashMap<String, ArrayDeque<Views.HistoryEvent>> byService = new LinkedHashMap<>(16, 0.75f, true);
    private int events;

    /**
     * @param deadLetterTopic where alerts it cannot read go ({@link TopicFollower})
     * @param component       the name its dead letters carry
     */
    public AlertHistory(Map<String, Object> kafkaProps, Topic<String, Alert> topic, Clock clock, String deadLetterTopic,
                        String component) {
        this.topic = topic;
        this.clock = clock;
        this.follower = new TopicFollower(kafkaProps, topic.name(), "certsonar-aggregator-alert-history",
                "service pages show no new alert events", this, deadLetterTopic, component);
    }

    public void start() {
        follower.start();
    }

    /** The service's recent events, newest first. */
    public synchronized List<Views.HistoryEvent> of(String service) {
        ArrayDeque<Views.HistoryEvent> deque = byService.get(service);
        if (deque == null) {
            return List.of();
        }
        List<Views.HistoryEvent> out = new ArrayList<>(deque);
        return out.reversed();
    }

    /** Adds an event of the service, forgetting the oldest beyond the bounds. */
    synchronized void add(String service, Views.HistoryEvent event) {
        ArrayDeque<Views.HistoryEvent> deque = byService.computeIfAbsent(service, s -> new ArrayDeque<>());
        deque.addLast(event);
        events++;
        if (deque.size() > PER_SERVICE) {
            deque.removeFirst();
            events--;
        }
        Iterator<Map.Entry<String, ArrayDeque<Views.HistoryEvent>>> oldest = byService.entrySet().iterator();
        while (events > MAX_EVENTS && oldest.hasNext()) {
            events -= oldest.next().getValue().size();
            oldest.remove();
        }
    }

    static Views.HistoryEvent event(Alert a) {
        return new Views.HistoryEvent(a.getAt(), a.getAlertId(), a.getState().name(), a.getReminder(), a.getSilenced(),
                a.getSeverity().name(), a.getCondition().name(), a.getLevel().name(), a.getMessage());
    }

    /** From the first event of {@link #SINCE} ago in each partition; from its end where there is none. */
    @Override
    public void begin(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        long since = clock.instant().minus(SINCE).toEpochMilli();
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, since));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times, Duration.ofSeconds(30));
        List<TopicPartition> toEnd = new ArrayList<>();
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp at = offsets.get(p);
            if (at == null) {
                toEnd.add(p);
            } else {
                consumer.seek(p, at.offset());
            }
        }
        consumer.seekToEnd(toEnd);
    }

    @Override
    public void record(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        Alert a = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
        add(a.getService(), event(a));
    }

    @Override
    public void close() {
        follower.close();
    }

    /** Whether reading the topic works (see {@link TopicFollower#healthy()}). */
    public boolean healthy() {
        return follower.healthy();
    }

    /** The follower of the topic, for its health and failures; null when there is none. */
    public TopicFollower follower() {
        return follower;
    }
}

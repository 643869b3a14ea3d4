package dev.certsonar.aggregator.console;

import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.avro.Alert;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * {@code silenced}) read as committed from {@link #SINCE} ago and followed, in memory and bounded: the last
 * {@link #PER_SERVICE} events of a service, and at most {@link #MAX_EVENTS} in all (the services whose last event is
 * oldest are forgotten first). Every instance reads every partition, so any instance answers for any service; a restart
 * reads the window again. Held alerts never reach the alerts topic: the page shows them from alert-states.
 */
public final class AlertHistory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertHistory.class);
    /** How far back a start reads. */
    public static final Duration SINCE = Duration.ofDays(30);
    /** Events kept per service. */
    public static final int PER_SERVICE = 30;
    /** Events kept in all. */
    public static final int MAX_EVENTS = 200_000;
    private static final Duration POLL = Duration.ofMillis(500);

    private final Topic<String, Alert> topic;
    private final Clock clock;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    /** Service → its events, oldest first; in the order services last had an event. */
    private final LinkedHashMap<String, ArrayDeque<Views.HistoryEvent>> byService = new LinkedHashMap<>(16, 0.75f, true);
    private int events;
    private volatile boolean running = true;

    public AlertHistory(Map<String, Object> kafkaProps, Topic<String, Alert> topic, Clock clock) {
        this.topic = topic;
        this.clock = clock;
        Map<String, Object> props = new HashMap<>();
        ConsumerConfig.configNames().forEach(name -> {
            if (kafkaProps.containsKey(name)) {
                props.put(name, kafkaProps.get(name));
            }
        });
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "certsonar-aggregator-alert-history");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().name("alert-history").daemon().unstarted(this::run);
    }

    public void start() {
        thread.start();
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

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
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
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    apply(r);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("The alert history stopped reading {}", topic.name(), e);
            }
        } catch (RuntimeException e) {
            log.error("The alert history stopped reading {}: service pages show no new alert events", topic.name(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            Alert a = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
            add(a.getService(), event(a));
        } catch (SerializationException e) {
            log.warn("Skipping an unreadable alert at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.avro.Alert;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads the alerts topic with {@code isolation.level=read_committed} (only alerts of committed Streams
 * transactions), hands each alert to a callback and, unless a silence mutes it ({@code silenced}), to a
 * {@link Dispatcher}, and commits its position only after the
 * dispatcher has flushed: at-least-once delivery. Alerts read within {@code linger} of each other are flushed
 * together, so the dispatcher can group them. A record it cannot read goes to the dead-letter topic.
 */
public final class DeliveryLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryLoop.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String groupId;
    private final Map<String, Object> consumerProps;
    private final Map<String, Object> producerProps;
    private final Topic<String, Alert> alerts;
    private final String deadLetterTopic;
    private final Dispatcher dispatcher;
    private final Consumer<Alert> onAlert;
    private final Duration linger;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    private volatile boolean running;
    private volatile boolean assigned;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    /**
     * @param kafkaProps common client properties (bootstrap.servers, security)
     * @param groupId    the consumer group of this delivery (its committed position)
     * @param deadLetterTopic where unreadable records go; null to only log them (when another reader of the same
     *                   topic already sends them there)
     * @param linger     how long to keep reading before flushing, so alerts arriving together are grouped
     */
    public DeliveryLoop(Map<String, Object> kafkaProps, String groupId, Topic<String, Alert> alerts,
                        String deadLetterTopic, Dispatcher dispatcher, Consumer<Alert> onAlert, Duration linger) {
        this.groupId = groupId;
        this.alerts = alerts;
        this.deadLetterTopic = deadLetterTopic;
        this.dispatcher = dispatcher;
        this.onAlert = onAlert;
        this.linger = linger;
        Map<String, Object> c = new HashMap<>(kafkaProps);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerProps = c;
        Map<String, Object> p = new HashMap<>(kafkaProps);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producerProps = p;
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("delivery " + groupId + " was started already");
        }
        running = true;
        thread = Thread.ofPlatform().name("certsonar-delivery-" + groupId).start(this::run);
    }

    /** Reading, with its partitions assigned. */
    public boolean isRunning() {
        return running && assigned;
    }

    private void run() {
        Deserializer<Alert> deserializer = alerts.valueSerde().deserializer();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps);
             KafkaProducer<byte[], byte[]> deadLetters = new KafkaProducer<>(producerProps)) {
            consumer = c;
            c.subscribe(List.of(alerts.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    flushAndCommit(c, deadLetters);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned = true;
                }
            });
            long batchStart = 0;
            while (running) {
                Duration wait = POLL;
                if (!pending.isEmpty()) {
                    Duration left = linger.minusNanos(System.nanoTime() - batchStart);
                    wait = left.isNegative() ? Duration.ZERO : left.compareTo(POLL) < 0 ? left : POLL;
                }
                ConsumerRecords<byte[], byte[]> records = c.poll(wait);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (pending.isEmpty()) {
                        batchStart = System.nanoTime();
                    }
                    deliver(r, deserializer, deadLetters);
                    pending.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                if (!pending.isEmpty() && System.nanoTime() - batchStart >= linger.toNanos()) {
                    flushAndCommit(c, deadLetters);
                }
            }
            flushAndCommit(c, deadLetters);
        } catch (WakeupException | InterruptException | DeliveryStopped e) {
            if (running) {
                log.atError().setCause(e).addKeyValue("group", groupId).log("alert delivery stopped unexpectedly");
            } else {
                log.atInfo().addKeyValue("group", groupId).addKeyValue("uncommitted", pending.size())
                        .log("alert delivery stopped; what was in flight is delivered again after a restart");
            }
        } catch (RuntimeException e) {
            log.atError().setCause(e).addKeyValue("group", groupId).addKeyValue("topic", alerts.name())
                    .log("alert delivery failed and stopped");
        } finally {
            running = false;
            assigned = false;
            consumer = null;
            stopped.countDown();
        }
    }

    private void flushAndCommit(KafkaConsumer<byte[], byte[]> c, KafkaProducer<byte[], byte[]> deadLetters) {
        if (pending.isEmpty()) {
            return;
        }
        dispatcher.flush();
        deadLetters.flush();
        c.commitSync(Map.copyOf(pending));
        pending.clear();
    }

    private void deliver(ConsumerRecord<byte[], byte[]> r, Deserializer<Alert> deserializer,
                         KafkaProducer<byte[], byte[]> deadLetters) {
        Alert alert;
        try {
            alert = deserializer.deserialize(r.topic(), r.headers(), r.value());
        } catch (RuntimeException e) {
            if (deadLetterTopic == null) {
                log.atWarn().setCause(e).addKeyValue("topic", r.topic()).addKeyValue("partition", r.partition())
                        .addKeyValue("offset", r.offset()).log("skipping an unreadable alert");
                return;
            }
            log.atWarn().setCause(e).addKeyValue("topic", r.topic()).addKeyValue("partition", r.partition())
                    .addKeyValue("offset", r.offset()).addKeyValue("deadLetterTopic", deadLetterTopic)
                    .log("an unreadable alert goes to the dead-letter topic");
            deadLetters.send(DeadLetters.of(deadLetterTopic, r, e, "notifier"));
            return;
        }
        if (alert == null) {
            return;
        }
        try {
            onAlert.accept(alert);
        } catch (RuntimeException e) {
            log.atError().setCause(e).addKeyValue("alertId", alert.getAlertId())
                    .log("the alert callback failed; the channels still get the alert");
        }
        if (alert.getSilenced()) {
            log.atDebug().addKeyValue("alertId", alert.getAlertId()).addKeyValue("eventId", alert.getEventId())
                    .log("a silence mutes this alert event; the channels do not get it");
            return;
        }
        dispatcher.dispatch(alert);
    }

    /**
     * Stops reading. What was read is flushed if the channels take it within a grace period; otherwise the loop is
     * interrupted, and what it did not deliver stays uncommitted and is delivered after a restart.
     */
    @Override
    public void close() {
        boolean wasRunning = running;
        running = false;
        if (thread != null && wasRunning) {
            try {
                if (!stopped.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    KafkaConsumer<byte[], byte[]> c = consumer;
                    if (c != null) {
                        c.wakeup();
                    }
                    thread.interrupt();
                    if (!stopped.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                        log.atWarn().addKeyValue("group", groupId).log("alert delivery did not stop in time");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        dispatcher.close();
    }
}

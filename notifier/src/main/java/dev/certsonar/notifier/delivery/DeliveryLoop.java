package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.ValueRules;
import dev.certsonar.schemas.avro.Alert;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Reads the alerts topic with {@code isolation.level=read_committed} (only alerts of committed Streams
 * transactions), hands each alert to a callback and, unless a silence mutes it ({@code silenced}), to a
 * {@link Dispatcher}, and commits a record's position only
 * once the dispatcher completed it (delivered, or handed over as undeliverable and acknowledged): at-least-once
 * delivery. The dispatcher works on its own threads; this loop never waits for a channel. Alerts read within
 * {@code linger} of each other are flushed together, so the dispatcher can group them. A record it cannot read goes
 * to the dead-letter topic, and its position is committed only after the broker acknowledged that write.
 *
 * <p>What a stuck channel holds is bounded: with {@code maxUncommitted} records read and not committable, the loop
 * pauses its partitions (it keeps polling, so it stays in its group) until half of them are done.
 *
 * <p>A loop that fails (an unexpected exception, a failed dead-letter or undeliverable write) gives up what it had in
 * flight and starts again from its last commit, after a backoff that grows with each failure in a row. When
 * {@code restarts} allows no further try, it stops for good: {@link #isAlive} turns false.
 */
public final class DeliveryLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryLoop.class);
    static final String RESTARTS = "certsonar.notifier.delivery.restarts";
    static final String ALIVE = "certsonar.notifier.delivery.alive";
    static final String PAUSED = "certsonar.notifier.delivery.paused";
    static final String UNCOMMITTED = "certsonar.notifier.delivery.uncommitted";
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration CLIENT_CLOSE = Duration.ofSeconds(5);
    /** A run that lasted this long, or committed, ends a streak of failures. */
    private static final Duration STEADY = Duration.ofMinutes(1);

    /**
     * How a loop paces itself.
     *
     * @param linger         how long to keep reading before flushing, so alerts arriving together are grouped
     * @param maxUncommitted records read and not yet committable at which the loop pauses its partitions
     * @param restarts       how a loop that failed is started again: {@code attempts} failed runs in a row (or
     *                       failures for longer than {@code budget}) and it stops for good
     */
    public record Settings(Duration linger, int maxUncommitted, RetryPolicy restarts) {

        /** Restarts after 1s, 2s, 4s, ... 60s: eight failed runs in a row, about two minutes, and it stops. */
        public static final RetryPolicy RESTARTS = new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofSeconds(60));
        public static final Settings DEFAULT = new Settings(Duration.ZERO, 10_000, RESTARTS);

        public Settings {
            ValueRules.notNegative("linger", linger);
            ValueRules.atLeast("maxUncommitted", maxUncommitted, 1);
            ValueRules.required("restarts", restarts);
        }

        public Settings withLinger(Duration value) {
            return new Settings(value, maxUncommitted, restarts);
        }
    }

    private final String groupId;
    private final Map<String, Object> consumerProps;
    private final Map<String, Object> producerProps;
    private final Topic<String, Alert> alerts;
    private final String deadLetterTopic;
    private final Dispatcher dispatcher;
    private final Consumer<Alert> onAlert;
    private final Settings settings;
    private final MeterRegistry registry;
    private final Counter restarts;
    private final List<Meter> meters;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    /** What the current run read and did not commit; the loop's thread only, but for its size. */
    private Uncommitted uncommitted = new Uncommitted();
    /** The first failed completion of the current run, noticed as soon as it happens; one per run. */
    private AtomicReference<Throwable> handOverFailure = new AtomicReference<>();
    private boolean committedThisRun;
    private long unflushedSince = -1;
    private volatile boolean running;
    private volatile boolean assigned;
    private volatile boolean paused;
    private volatile Throwable failure;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    /**
     * @param kafkaProps      common client properties (bootstrap.servers, security)
     * @param groupId         the consumer group of this delivery (its committed position); it tags its meters
     * @param deadLetterTopic where unreadable records go; null to only log them (when another reader of the same
     *                        topic already sends them there)
     * @param registry        where the loop's meters go: {@value #RESTARTS}, {@value #ALIVE}, {@value #PAUSED} and
     *                        {@value #UNCOMMITTED}, each tagged {@code group}
     */
    public DeliveryLoop(Map<String, Object> kafkaProps, String groupId, Topic<String, Alert> alerts,
                        String deadLetterTopic, Dispatcher dispatcher, Consumer<Alert> onAlert, Settings settings,
                        MeterRegistry registry) {
        this.groupId = groupId;
        this.alerts = alerts;
        this.deadLetterTopic = deadLetterTopic;
        this.dispatcher = dispatcher;
        this.onAlert = onAlert;
        this.settings = settings;
        this.registry = registry;
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
        this.restarts = Counter.builder(RESTARTS).tag("group", groupId)
                .description("times a delivery loop failed and was started again").register(registry);
        this.meters = List.of(restarts,
                Gauge.builder(ALIVE, this, l -> l.isAlive() ? 1 : 0).tag("group", groupId)
                        .description("1 while a delivery loop runs or restarts, 0 once it stopped on failures").register(registry),
                Gauge.builder(PAUSED, this, l -> l.paused ? 1 : 0).tag("group", groupId)
                        .description("1 while a delivery loop pauses its partitions: its channel holds too much").register(registry),
                Gauge.builder(UNCOMMITTED, this, l -> l.uncommitted.size()).tag("group", groupId)
                        .description("alerts read by a delivery loop and not yet delivered or handed over").register(registry));
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("delivery " + groupId + " was started already");
        }
        running = true;
        thread = Thread.ofPlatform().name("certsonar-delivery-" + groupId).start(this::supervise);
    }

    public String groupId() {
        return groupId;
    }

    /** Reading, with its partitions assigned. */
    public boolean isRunning() {
        return running && assigned && failure == null;
    }

    /** Running or restarting: false once the loop stopped because its restarts kept failing. */
    public boolean isAlive() {
        return failure == null;
    }

    /** The last error, when the loop stopped because its restarts kept failing. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Runs the loop, and runs it again after a backoff each time it fails, until it is closed or gives up. */
    private void supervise() {
        int failuresInRow = 0;
        long streakStart = 0;
        try {
            while (running) {
                long started = System.nanoTime();
                try {
                    run();
                    return;
                } catch (RuntimeException e) {
                    if (!running) {
                        log.atInfo().addKeyValue("group", groupId).addKeyValue("uncommitted", uncommitted.size())
                                .log("alert delivery stopped; what was in flight is delivered again after a restart");
                        return;
                    }
                    dispatcher.abandon();
                    boolean steady = committedThisRun || System.nanoTime() - started >= STEADY.toNanos();
                    if (steady || failuresInRow == 0) {
                        failuresInRow = 0;
                        streakStart = started;
                    }
                    failuresInRow++;
                    Duration failing = Duration.ofNanos(System.nanoTime() - streakStart);
                    if (!settings.restarts().triesAgain(failuresInRow, failing)) {
                        failure = e;
                        log.atError().setCause(e).addKeyValue("group", groupId).addKeyValue("failures", failuresInRow)
                                .addKeyValue("failingFor", Durations.format(failing))
                                .log("alert delivery failed {} times in a row and stopped; the notifier is no longer "
                                        + "healthy", failuresInRow);
                        return;
                    }
                    Duration wait = settings.restarts().backoff(failuresInRow);
                    log.atError().setCause(e).addKeyValue("group", groupId).addKeyValue("failures", failuresInRow)
                            .addKeyValue("restartIn", Durations.format(wait))
                            .log("alert delivery failed; starting it again from its last commit in {}",
                                    Durations.format(wait));
                    if (stopRequested.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                    restarts.increment();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            failure = e;
            log.atError().setCause(e).addKeyValue("group", groupId).log("alert delivery stopped on a fatal error");
            throw e;
        } finally {
            assigned = false;
            paused = false;
            consumer = null;
            stopped.countDown();
        }
    }

    /** One run: one consumer and one dead-letter producer, from the last commit until closed or failed. */
    private void run() {
        uncommitted = new Uncommitted();
        handOverFailure = new AtomicReference<>();
        committedThisRun = false;
        unflushedSince = -1;
        paused = false;
        Deserializer<Alert> deserializer = alerts.valueSerde().deserializer();
        KafkaProducer<byte[], byte[]> deadLetters = null;
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps);
        try {
            deadLetters = deadLetterTopic == null ? null : new KafkaProducer<>(producerProps);
            consumer = c;
            c.subscribe(List.of(alerts.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    dispatcher.flush();
                    unflushedSince = -1;
                    commitQuietly(c, uncommitted.committable(partitions));
                    uncommitted.forget(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    uncommitted.forget(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned = true;
                    if (paused) {
                        c.pause(partitions);
                    }
                }
            });
            while (running) {
                Throwable failed = handOverFailure.get();
                if (failed != null) {
                    throw new KafkaException("an alert was neither delivered nor handed over: " + failed.getMessage(), failed);
                }
                pace(c);
                ConsumerRecords<byte[], byte[]> records = c.poll(pollWait());
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (unflushedSince < 0) {
                        unflushedSince = System.nanoTime();
                    }
                    track(r, deliver(r, deserializer, deadLetters));
                }
                if (unflushedSince >= 0 && System.nanoTime() - unflushedSince >= settings.linger().toNanos()) {
                    dispatcher.flush();
                    unflushedSince = -1;
                }
                commit(c, uncommitted.committable());
            }
            drain(c);
        } catch (WakeupException | InterruptException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer = null;
            assigned = false;
            closeQuietly(c, deadLetters);
        }
    }

    private Duration pollWait() {
        if (unflushedSince < 0) {
            return POLL;
        }
        Duration left = settings.linger().minusNanos(System.nanoTime() - unflushedSince);
        return left.isNegative() ? Duration.ZERO : left.compareTo(POLL) < 0 ? left : POLL;
    }

    /** Pauses every partition when too much is uncommitted, and resumes them when half of it is done. */
    private void pace(KafkaConsumer<byte[], byte[]> c) {
        int held = uncommitted.size();
        if (!paused && held >= settings.maxUncommitted()) {
            paused = true;
            c.pause(c.assignment());
            log.atWarn().addKeyValue("group", groupId).addKeyValue("uncommitted", held)
                    .addKeyValue("max", settings.maxUncommitted())
                    .log("a channel is behind: pausing its reading of the alerts until half of what it holds is done");
        } else if (paused && held <= settings.maxUncommitted() / 2) {
            paused = false;
            c.resume(c.paused());
            log.atInfo().addKeyValue("group", groupId).addKeyValue("uncommitted", held).log("reading the alerts again");
        }
    }

    private void track(ConsumerRecord<byte[], byte[]> r, CompletableFuture<Void> done) {
        if (!done.isDone()) {
            AtomicReference<Throwable> failed = handOverFailure;
            done.whenComplete((v, e) -> {
                if (e != null) {
                    failed.compareAndSet(null, e);
                }
            });
        }
        uncommitted.add(new TopicPartition(r.topic(), r.partition()), r.offset(), done);
    }

    /** Commits what may be committed; then fails if a record cannot be committed past. */
    private void commit(KafkaConsumer<byte[], byte[]> c, Uncommitted.Progress progress) {
        if (!progress.offsets().isEmpty()) {
            c.commitSync(progress.offsets());
            committedThisRun = true;
        }
        if (progress.failure() != null) {
            throw progress.failure();
        }
    }

    /**
     * Commits what may be committed, as a loop that is stopping or losing partitions does: a record that cannot be
     * committed past is read again by whoever reads its partition next, and a failed commit only means more is.
     */
    private void commitQuietly(KafkaConsumer<byte[], byte[]> c, Uncommitted.Progress progress) {
        if (progress.offsets().isEmpty()) {
            return;
        }
        try {
            c.commitSync(progress.offsets());
            committedThisRun = true;
        } catch (KafkaException e) {
            log.atWarn().addKeyValue("group", groupId).addKeyValue("partitions", progress.offsets().keySet())
                    .log("could not commit what was delivered; it is delivered again: {}", e.toString());
        }
    }

    /** On close: sends what lingers, waits a grace period for what is in flight, and commits what is done. */
    private void drain(KafkaConsumer<byte[], byte[]> c) {
        dispatcher.flush();
        try {
            uncommitted.allDone().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // committed below as far as it is done
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commitQuietly(c, uncommitted.committable());
        log.atInfo().addKeyValue("group", groupId).addKeyValue("uncommitted", uncommitted.size())
                .log("alert delivery stopped; what was in flight is delivered again after a restart");
    }

    private CompletableFuture<Void> deliver(ConsumerRecord<byte[], byte[]> r, Deserializer<Alert> deserializer,
                                            KafkaProducer<byte[], byte[]> deadLetters) {
        Alert alert;
        try {
            alert = deserializer.deserialize(r.topic(), r.headers(), r.value());
        } catch (RuntimeException e) {
            if (deadLetters == null) {
                log.atWarn().setCause(e).addKeyValue("topic", r.topic()).addKeyValue("partition", r.partition())
                        .addKeyValue("offset", r.offset()).log("skipping an unreadable alert");
                return Dispatcher.DONE;
            }
            log.atWarn().setCause(e).addKeyValue("topic", r.topic()).addKeyValue("partition", r.partition())
                    .addKeyValue("offset", r.offset()).addKeyValue("deadLetterTopic", deadLetterTopic)
                    .log("an unreadable alert goes to the dead-letter topic");
            return deadLetter(r, e, deadLetters);
        }
        if (alert == null) {
            return Dispatcher.DONE;
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
            return Dispatcher.DONE;
        }
        return dispatcher.dispatch(alert);
    }

    /** Writes an unreadable record to the dead-letter topic; done once the broker acknowledged it. */
    private CompletableFuture<Void> deadLetter(ConsumerRecord<byte[], byte[]> r, RuntimeException error,
                                               KafkaProducer<byte[], byte[]> deadLetters) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        deadLetters.send(DeadLetters.of(deadLetterTopic, r, error, "notifier"), (metadata, e) -> {
            if (e == null) {
                written.complete(null);
            } else {
                written.completeExceptionally(new KafkaException("cannot write the unreadable alert at "
                        + r.topic() + "-" + r.partition() + " offset " + r.offset() + " to " + deadLetterTopic, e));
            }
        });
        return written;
    }

    private void closeQuietly(KafkaConsumer<byte[], byte[]> c, KafkaProducer<byte[], byte[]> deadLetters) {
        try {
            c.close(CloseOptions.timeout(CLIENT_CLOSE));
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).addKeyValue("group", groupId).log("the delivery consumer did not close cleanly");
        }
        if (deadLetters != null) {
            try {
                deadLetters.close(CLIENT_CLOSE);
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).addKeyValue("group", groupId).log("the dead-letter producer did not close cleanly");
            }
        }
    }

    /**
     * Stops reading. What was read is delivered and committed if the channels take it within a grace period;
     * otherwise it stays uncommitted and is delivered after a restart.
     */
    @Override
    public void close() {
        boolean wasRunning = running;
        running = false;
        stopRequested.countDown();
        if (thread != null && wasRunning) {
            try {
                if (!stopped.await(STOP_GRACE.plus(CLIENT_CLOSE).toMillis(), TimeUnit.MILLISECONDS)) {
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
        meters.forEach(registry::remove);
    }
}

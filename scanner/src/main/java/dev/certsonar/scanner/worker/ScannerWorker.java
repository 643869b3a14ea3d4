package dev.certsonar.scanner.worker;

import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ScanRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The scanner worker: a member of the scanner consumer group on {@code scan-requests}. Every request is probed on its own
 * virtual thread; the observations go to {@code observations} keyed by service, through an idempotent producer with
 * {@code acks=all}. An offset is committed only once the observations of that request and of every request before it in
 * its partition are acknowledged by the broker, so a crash loses no request (a repeated scan is harmless).
 * <p>
 * At most {@link WorkerConfig#maxInFlight()} requests are probed at once; when that many run, the worker pauses its
 * partitions and keeps polling (so it stays in the group) until capacity frees up. A request that cannot be read goes to
 * {@code dead-letters} with the reason in its headers, and the worker carries on.
 */
public final class ScannerWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ScannerWorker.class);
    private static final String COMPONENT = "scanner";
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

    private final Topics topics;
    private final TargetScanner scanner;
    private final WorkerConfig config;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaClientMetrics consumerMetrics;
    private final KafkaClientMetrics producerMetrics;
    private final Deserializer<ScanRequest> requestDeserializer;
    private final Serializer<String> keySerializer;
    private final Serializer<Observation> observationSerializer;
    private final WorkerMetrics metrics;
    private final ExecutorService probes;
    private final Thread loop;

    /** Assigned partitions; written by the consumer thread only. */
    private final Map<TopicPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    /** Records polled but not started yet, because {@link WorkerConfig#maxInFlight()} requests were running. */
    private final ArrayDeque<Work> queued = new ArrayDeque<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition capacityFreed = lock.newCondition();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean polling;
    private long lastCommitNanos = System.nanoTime();

    private record Work(ConsumerRecord<byte[], byte[]> record, PartitionProgress progress) {
    }

    /**
     * @param kafkaProps client properties shared by the consumer and the producer ({@code bootstrap.servers}, security)
     * @param scanner    what probes a target, normally {@code ProbeEngine::scan}
     * @param registry   where the worker's meters (and its clients' metrics) are registered
     */
    public ScannerWorker(Map<String, Object> kafkaProps, Topics topics, TargetScanner scanner, WorkerConfig config,
                         MeterRegistry registry, Clock clock) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.scanner = Objects.requireNonNull(scanner, "scanner");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        String clientId = config.groupId() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.consumer = new KafkaConsumer<>(consumerProps(kafkaProps, config, clientId),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(producerProps(kafkaProps, clientId),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.requestDeserializer = topics.scanRequests().valueSerde().deserializer();
        this.keySerializer = topics.observations().keySerde().serializer();
        this.observationSerializer = topics.observations().valueSerde().serializer();
        this.metrics = new WorkerMetrics(registry, inFlight::get);
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        this.consumerMetrics.bindTo(registry);
        this.producerMetrics = new KafkaClientMetrics(producer);
        this.producerMetrics.bindTo(registry);
        this.probes = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("scan-", 0).factory());
        this.loop = Thread.ofPlatform().name("scanner-worker").unstarted(this::run);
    }

    static Map<String, Object> consumerProps(Map<String, Object> kafkaProps, WorkerConfig config, String clientId) {
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(500, config.maxInFlight()));
        return props;
    }

    static Map<String, Object> producerProps(Map<String, Object> kafkaProps, String clientId) {
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.remove(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-observations");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        return props;
    }

    /** Starts the consumer loop on its own thread. */
    public ScannerWorker start() {
        loop.start();
        return this;
    }

    /** True once the worker has polled the broker, and as long as it runs without a fatal error. */
    public boolean isReady() {
        return polling && stopped.getCount() > 0 && fatal.get() == null;
    }

    /** True until the worker stopped (closed or a fatal error). */
    public boolean isRunning() {
        return stopped.getCount() > 0;
    }

    /** The error that stopped the worker, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(fatal.get());
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Waits until the worker stopped; false when the time ran out first. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topics.scanRequests().name()), new Rebalance());
            while (!closing.get() && fatal.get() == null) {
                try {
                    pollOnce();
                } catch (WakeupException e) {
                    if (!closing.get()) {
                        log.debug("Woken up without a shutdown; polling on");
                    }
                } catch (AuthenticationException | AuthorizationException | UnsupportedVersionException
                         | InvalidGroupIdException | FencedInstanceIdException e) {
                    log.error("Scanner worker stops: {}", e.toString(), e);
                    fatal.compareAndSet(null, e);
                    break;
                } catch (RecordDeserializationException e) {
                    log.warn("Skipping unreadable record at {} offset {}: {}", e.topicPartition(), e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                } catch (InvalidOffsetException e) {
                    log.warn("No valid committed offset for {}; reading them from the beginning: {}", e.partitions(), e.getMessage());
                    dropQueued(e.partitions());
                    e.partitions().forEach(tp -> progress.put(tp, new PartitionProgress(tp)));
                    consumer.seekToBeginning(e.partitions());
                } catch (KafkaException e) {
                    log.warn("Scanner worker carries on after an error: {}", e.toString(), e);
                    awaitCapacity(ERROR_BACKOFF);
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("Scanner worker stops on an unexpected error", e);
            fatal.compareAndSet(null, e);
        } finally {
            shutDown();
        }
    }

    private void pollOnce() {
        rewindFailedPartitions();
        startQueued();
        boolean full = !queued.isEmpty() || inFlight.get() >= config.maxInFlight();
        if (full) {
            consumer.pause(consumer.assignment());
            awaitCapacity(POLL_TIMEOUT);
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(full ? Duration.ZERO : POLL_TIMEOUT);
        polling = true;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            PartitionProgress p = progress.computeIfAbsent(tp, PartitionProgress::new);
            p.polled(record.offset());
            queued.add(new Work(record, p));
        }
        startQueued();
        if (System.nanoTime() - lastCommitNanos >= config.commitInterval().toNanos()) {
            commitAsync();
        }
    }

    private void startQueued() {
        while (!queued.isEmpty() && inFlight.get() < config.maxInFlight()) {
            Work work = queued.poll();
            work.progress().started();
            inFlight.incrementAndGet();
            probes.execute(() -> process(work));
        }
    }

    private void awaitCapacity(Duration timeout) {
        lock.lock();
        try {
            capacityFreed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        } finally {
            lock.unlock();
        }
    }

    private void signalCapacity() {
        inFlight.decrementAndGet();
        lock.lock();
        try {
            capacityFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- one request, on its virtual thread

    private void process(Work work) {
        ConsumerRecord<byte[], byte[]> record = work.record();
        ScanRequest request;
        try {
            request = record.value() == null ? null
                    : requestDeserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            log.warn("Unreadable scan request at {}-{} offset {} goes to the dead letters: {}",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            deadLetter(work, e);
            return;
        }
        if (request == null) {
            done(work);
            return;
        }
        Instant deadline = request.getNotAfterDeadline();
        if (deadline != null && clock.instant().isAfter(deadline)) {
            log.debug("Scan {} of {} dropped: its deadline {} has passed", request.getScanId(), request.getTarget().getHost(), deadline);
            metrics.expired();
            done(work);
            return;
        }
        List<Observation> observations;
        long start = System.nanoTime();
        try {
            observations = scanner.scan(request.getTarget(), request.getScanId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.debug("Scan {} interrupted by shutdown", request.getScanId());
            work.progress().failed(record.offset());
            signalCapacity();
            return;
        } catch (Exception e) {
            if (closing.get() || Thread.currentThread().isInterrupted()) {
                log.debug("Scan {} ended by shutdown; it will be scanned again: {}", request.getScanId(), e.toString());
                work.progress().failed(record.offset());
                signalCapacity();
                return;
            }
            log.warn("Scan {} of {} failed and goes to the dead letters: {}", request.getScanId(),
                    request.getTarget().getHost(), e.toString(), e);
            deadLetter(work, e);
            return;
        }
        metrics.scanTook(System.nanoTime() - start);
        publish(work, observations);
    }

    private void publish(Work work, List<Observation> observations) {
        if (observations.isEmpty()) {
            metrics.probed();
            done(work);
            return;
        }
        String topic = topics.observations().name();
        AtomicInteger remaining = new AtomicInteger(observations.size());
        AtomicBoolean failed = new AtomicBoolean();
        for (Observation observation : observations) {
            ProducerRecord<byte[], byte[]> out;
            try {
                out = new ProducerRecord<>(topic, keySerializer.serialize(topic, observation.getService()),
                        observationSerializer.serialize(topic, observation));
            } catch (RuntimeException e) {
                if (failed.compareAndSet(false, true)) {
                    log.warn("Observation of scan {} cannot be written; the request goes to the dead letters",
                            observation.getScanId(), e);
                    deadLetter(work, e);
                }
                return;
            }
            producer.send(out, (metadata, error) -> {
                if (error != null) {
                    if (failed.compareAndSet(false, true)) {
                        outputFailed(work, error, true);
                    }
                    return;
                }
                metrics.observation(observation);
                if (remaining.decrementAndGet() == 0 && !failed.get()) {
                    metrics.probed();
                    done(work);
                }
            });
        }
    }

    private void deadLetter(Work work, Throwable reason) {
        ProducerRecord<byte[], byte[]> dead;
        try {
            dead = DeadLetters.of(topics.deadLetters().name(), work.record(), reason, COMPONENT);
        } catch (RuntimeException e) {
            log.error("Could not build the dead letter of {}-{} offset {}", work.record().topic(),
                    work.record().partition(), work.record().offset(), e);
            fatal.compareAndSet(null, e);
            work.progress().failed(work.record().offset());
            signalCapacity();
            return;
        }
        producer.send(dead, (metadata, error) -> {
            if (error != null) {
                outputFailed(work, error, false);
            } else {
                metrics.deadLettered();
                done(work);
            }
        });
    }

    /**
     * Output of a request was not acknowledged. A retriable error reads the partition again from that request; a
     * permanent one sends the request to the dead letters (when it was not already a dead letter); an error of
     * authorization or configuration stops the worker.
     */
    private void outputFailed(Work work, Exception error, boolean mayDeadLetter) {
        ConsumerRecord<byte[], byte[]> record = work.record();
        if (error instanceof RetriableException) {
            log.warn("Output of the request at {}-{} offset {} not acknowledged; it will be read again: {}",
                    record.topic(), record.partition(), record.offset(), error.toString());
            metrics.retried();
        } else if (mayDeadLetter && !isFatal(error)) {
            log.warn("Observations of the request at {}-{} offset {} cannot be written; it goes to the dead letters: {}",
                    record.topic(), record.partition(), record.offset(), error.toString());
            deadLetter(work, error);
            return;
        } else {
            log.error("Output of the request at {}-{} offset {} cannot be written; the worker stops",
                    record.topic(), record.partition(), record.offset(), error);
            fatal.compareAndSet(null, error);
        }
        work.progress().failed(record.offset());
        signalCapacity();
    }

    private void done(Work work) {
        work.progress().finished(work.record().offset(), true);
        signalCapacity();
    }

    private static boolean isFatal(Exception e) {
        return e instanceof AuthorizationException || e instanceof AuthenticationException
                || e instanceof ProducerFencedException || e instanceof UnsupportedVersionException;
    }

    // ---- offsets

    private void rewindFailedPartitions() {
        for (PartitionProgress p : List.copyOf(progress.values())) {
            if (p.hasFailed()) {
                OptionalLong from = p.committable();
                dropQueued(List.of(p.partition()));
                progress.put(p.partition(), new PartitionProgress(p.partition()));
                if (from.isPresent()) {
                    log.info("Reading {} again from offset {}", p.partition(), from.getAsLong());
                    consumer.seek(p.partition(), from.getAsLong());
                }
            }
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> advancedOffsets(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionProgress p = progress.get(tp);
            if (p == null) {
                continue;
            }
            OptionalLong offset = p.committable();
            if (offset.isPresent() && offset.getAsLong() > committed.getOrDefault(tp, -1L)) {
                offsets.put(tp, new OffsetAndMetadata(offset.getAsLong()));
            }
        }
        return offsets;
    }

    private void commitAsync() {
        lastCommitNanos = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = advancedOffsets(progress.keySet());
        if (offsets.isEmpty()) {
            return;
        }
        consumer.commitAsync(offsets, (done, error) -> {
            if (error != null) {
                log.warn("Commit of {} failed; the next one covers it: {}", offsets, error.toString());
            } else {
                done.forEach((tp, o) -> {
                    if (progress.containsKey(tp)) {
                        committed.merge(tp, o.offset(), Math::max);
                    }
                });
            }
        });
    }

    private void commitSync(Collection<TopicPartition> partitions, Duration timeout) {
        Map<TopicPartition, OffsetAndMetadata> offsets = advancedOffsets(partitions);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, timeout);
            offsets.forEach((tp, o) -> committed.merge(tp, o.offset(), Math::max));
            log.debug("Committed {}", offsets);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("Commit of {} failed; those requests will be scanned again: {}", offsets, e.toString());
        }
    }

    private void dropQueued(Collection<TopicPartition> partitions) {
        queued.removeIf(w -> partitions.contains(new TopicPartition(w.record().topic(), w.record().partition())));
    }

    private boolean awaitIdle(Collection<PartitionProgress> partitions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (PartitionProgress p : partitions) {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                if (!p.awaitIdle(left)) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            dropQueued(partitions);
            List<PartitionProgress> revoked = partitions.stream().map(progress::get).filter(Objects::nonNull).toList();
            if (!awaitIdle(revoked, config.revokeTimeout())) {
                log.warn("In-flight scans of revoked partitions {} did not finish within {}; their requests will be scanned again",
                        partitions, config.revokeTimeout());
            }
            commitSync(partitions, config.revokeTimeout());
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("Partitions {} lost; their uncommitted requests will be scanned again by their new owner", partitions);
            dropQueued(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                progress.put(tp, new PartitionProgress(tp));
            }
            if (!partitions.isEmpty()) {
                log.info("Scanning requests of {}", partitions);
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                progress.remove(tp);
                committed.remove(tp);
            }
        }
    }

    // ---- shutdown

    private void shutDown() {
        try {
            queued.clear();
            if (!awaitIdle(List.copyOf(progress.values()), config.shutdownTimeout())) {
                log.warn("{} scans still running after {}; their requests will be scanned again", inFlight.get(),
                        config.shutdownTimeout());
            }
            if (fatal.get() == null) {
                commitSync(progress.keySet(), Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            log.warn("Final commit failed; uncommitted requests will be scanned again: {}", e.toString());
        } finally {
            probes.shutdownNow();
            closeQuietly(consumerMetrics);
            closeQuietly(producerMetrics);
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("Closing the producer failed: {}", e.toString());
            }
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                log.warn("Closing the consumer failed: {}", e.toString());
            }
            stopped.countDown();
            log.info("Scanner worker stopped");
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("Closing {} failed: {}", closeable, e.toString());
        }
    }

    /**
     * Stops the worker: no new requests are taken, in-flight scans get {@link WorkerConfig#shutdownTimeout()} to finish,
     * then completed offsets are committed and the clients closed. Returns within about the shutdown timeout plus 15 s.
     */
    @Override
    public void close() {
        closing.set(true);
        if (!loop.isAlive() && stopped.getCount() > 0) {
            if (loop.getState() == Thread.State.NEW) {
                shutDown();
            }
            return;
        }
        consumer.wakeup();
        try {
            Duration bound = config.shutdownTimeout().plusSeconds(15);
            if (!stopped.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Scanner worker did not stop within {}; interrupting it", bound);
                loop.interrupt();
                probes.shutdownNow();
                stopped.await(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

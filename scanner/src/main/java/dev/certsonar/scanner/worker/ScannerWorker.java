package dev.certsonar.scanner.worker;

import dev.certsonar.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
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
 * The scanner worker: a member of the scanner consumer group on {@code scan-requests}. Every request is handled on its
 * own virtual thread by the {@link RequestHandler}: probed, and its observations written to {@code observations} keyed
 * by service, through an idempotent producer with {@code acks=all}. The {@link OffsetTracker} commits an offset only
 * once the output of that request and of every request before it in its partition is acknowledged by the broker, so a
 * crash loses no request (a repeated scan is harmless).
 * <p>
 * At most {@link WorkerConfig#maxInFlight()} requests are handled at once; when that many run, the worker pauses its
 * partitions and keeps polling (so it stays in the group) until capacity frees up. A request that cannot be read goes to
 * {@code dead-letters} with the reason in its headers, and the worker carries on.
 */
public final class ScannerWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ScannerWorker.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

    private final Topics topics;
    private final WorkerConfig config;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaClientMetrics consumerMetrics;
    private final KafkaClientMetrics producerMetrics;
    private final RequestHandler handler;
    private final OffsetTracker offsets;
    private final ExecutorService requests;
    private final Thread loop;
    private final String scannerId;
    private final Heartbeats heartbeats;
    /** The version a scanner reports when it is given none. */
    public static final String DEVELOPMENT_VERSION = "(development build)";

    /** Records polled but not started yet, because {@link WorkerConfig#maxInFlight()} requests were running. */
    private final ArrayDeque<Work> queued = new ArrayDeque<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Requests of the assigned partitions not read yet, plus those read and queued, as of the last poll. */
    private final java.util.concurrent.atomic.AtomicLong backlog = new java.util.concurrent.atomic.AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition capacityFreed = lock.newCondition();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean polling;

    private record Work(ConsumerRecord<byte[], byte[]> record, PartitionProgress progress) {
    }

    /**
     * @param kafkaProps client properties shared by the consumer and the producer ({@code bootstrap.servers}, security)
     * @param scanner    what probes a target, normally {@code ProbeEngine::scan}
     * @param registry   where the worker's meters (and its clients' metrics) are registered
     */
    public ScannerWorker(Map<String, Object> kafkaProps, Topics topics, TargetScanner scanner, WorkerConfig config,
                         MeterRegistry registry, Clock clock) {
        this(kafkaProps, topics, scanner, config, registry, clock, "", DEVELOPMENT_VERSION);
    }

    /**
     * @param tlsLibrary the TLS library of the scanner's handshakes, as its heartbeats say
     * @param version    the scanner's version, as its heartbeats say
     */
    public ScannerWorker(Map<String, Object> kafkaProps, Topics topics, TargetScanner scanner, WorkerConfig config,
                         MeterRegistry registry, Clock clock, String tlsLibrary, String version) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.config = Objects.requireNonNull(config, "config");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String clientId = config.effectiveGroupId() + "-" + suffix;
        this.scannerId = config.zone() + "-" + suffix;
        this.consumer = new KafkaConsumer<>(consumerProps(kafkaProps, config, clientId),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(producerProps(kafkaProps, clientId),
                new ByteArraySerializer(), new ByteArraySerializer());
        WorkerMetrics metrics = new WorkerMetrics(registry, inFlight::get);
        this.handler = new RequestHandler(topics, scanner, producer::send, metrics, clock, closing::get, scannerId, config.zone());
        this.heartbeats = new Heartbeats(topics, new Heartbeats.Identity(scannerId, config.zone(), version, tlsLibrary),
                config.heartbeatInterval(), producer::send, inFlight::get, metrics::probesDone, backlog::get, clock);
        this.offsets = new OffsetTracker(config.commitInterval());
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        this.consumerMetrics.bindTo(registry);
        this.producerMetrics = new KafkaClientMetrics(producer);
        this.producerMetrics.bindTo(registry);
        this.requests = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("scan-", 0).factory());
        this.loop = Thread.ofPlatform().name("scanner-worker").unstarted(this::run);
    }

    static Map<String, Object> consumerProps(Map<String, Object> kafkaProps, WorkerConfig config, String clientId) {
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.effectiveGroupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(500, config.maxInFlight()));
        // scan requests are written in the aggregator's transactions: one it aborted (a crash, a restart) is written
        // again by the transaction that replaces it, so reading it would probe the endpoint twice
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    /** How long the observations' producer waits to fill a batch, unless the client properties say otherwise. */
    static final int OBSERVATION_LINGER_MS = 50;

    static Map<String, Object> producerProps(Map<String, Object> kafkaProps, String clientId) {
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.remove(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-observations");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // an observation is read by the aggregator, not waited for by a person: batches that wait up to 50 ms for more
        // observations cost the broker and both clients far fewer requests (each costs about the same whatever it
        // holds), and lz4 shrinks them (the chains in one batch share their intermediates)
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, OBSERVATION_LINGER_MS);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return props;
    }

    /** Starts the consumer loop on its own thread, and the heartbeats. */
    public ScannerWorker start() {
        loop.start();
        heartbeats.start();
        return this;
    }

    /** The scanner's id, which its observations and heartbeats carry: its zone and a random part. */
    public String scannerId() {
        return scannerId;
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
            consumer.subscribe(List.of(topics.scanRequests(config.zone()).name()), new Rebalance());
            log.info("Scanner {} consumes the requests of zone {} on {}", scannerId, config.zone(),
                    topics.scanRequests(config.zone()).name());
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
                    offsets.startOver(e.partitions());
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
            queued.add(new Work(record, offsets.polled(record)));
        }
        startQueued();
        offsets.commitAsyncWhenDue(consumer);
        long lag = queued.size();
        for (TopicPartition tp : consumer.assignment()) {
            lag += consumer.currentLag(tp).orElse(0);
        }
        backlog.set(lag);
    }

    /** Partitions whose output failed are read again from the failed request; what was queued of them is dropped. */
    private void rewindFailedPartitions() {
        offsets.takeFailed().forEach((tp, from) -> {
            dropQueued(List.of(tp));
            if (from.isPresent()) {
                log.info("Reading {} again from offset {}", tp, from.getAsLong());
                consumer.seek(tp, from.getAsLong());
            }
        });
    }

    private void startQueued() {
        while (!queued.isEmpty() && inFlight.get() < config.maxInFlight()) {
            Work work = queued.poll();
            work.progress().started();
            inFlight.incrementAndGet();
            requests.execute(() -> handle(work));
        }
    }

    /** One request, on its virtual thread: handled, then its offset marked finished or failed. */
    private void handle(Work work) {
        long offset = work.record().offset();
        try {
            RequestHandler.Handled handled = handler.handle(work.record());
            if (handled.route().finished()) {
                work.progress().finished(offset, true);
            } else {
                if (handled.route() == RequestHandler.Route.FATAL) {
                    fatal.compareAndSet(null, handled.cause());
                }
                work.progress().failed(offset);
            }
        } catch (RuntimeException | Error e) {
            log.error("Handling the request at {}-{} offset {} failed unexpectedly; the worker stops",
                    work.record().topic(), work.record().partition(), offset, e);
            fatal.compareAndSet(null, e);
            work.progress().failed(offset);
        } finally {
            inFlight.decrementAndGet();
            signalCapacity();
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
        lock.lock();
        try {
            capacityFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void dropQueued(Collection<TopicPartition> partitions) {
        queued.removeIf(w -> partitions.contains(new TopicPartition(w.record().topic(), w.record().partition())));
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            dropQueued(partitions);
            if (!offsets.awaitIdle(partitions, config.revokeTimeout())) {
                log.warn("In-flight scans of revoked partitions {} did not finish within {}; their requests will be scanned again",
                        partitions, config.revokeTimeout());
            }
            offsets.commitSync(consumer, partitions, config.revokeTimeout());
            offsets.forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("Partitions {} lost; their uncommitted requests will be scanned again by their new owner", partitions);
            dropQueued(partitions);
            offsets.forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            offsets.startOver(partitions);
            if (!partitions.isEmpty()) {
                log.info("Scanning requests of {}", partitions);
            }
        }
    }

    // ---- shutdown

    private void shutDown() {
        try {
            queued.clear();
            if (!offsets.awaitIdle(offsets.partitions(), config.shutdownTimeout())) {
                log.warn("{} scans still running after {}; their requests will be scanned again", inFlight.get(),
                        config.shutdownTimeout());
            }
            if (fatal.get() == null) {
                offsets.commitSync(consumer, offsets.partitions(), Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            log.warn("Final commit failed; uncommitted requests will be scanned again: {}", e.toString());
        } finally {
            requests.shutdownNow();
            heartbeats.stop(fatal.get() == null);
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
                requests.shutdownNow();
                stopped.await(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.certsonar.scanner.worker;

import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ScanRequest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * One scan request, from its bytes to its acknowledged output, on the thread that calls {@link #handle}: decodes it,
 * drops it when its deadline has passed, probes its target, writes the observations keyed by service and waits until
 * the broker acknowledged them. What cannot be read or scanned goes to the dead letters with the reason in headers.
 * Every send and every wait happens here, never in a producer callback, so the producer's I/O thread only ever
 * completes futures.
 * <p>
 * The {@link Route} says what the worker does with the request's offset: a finished request may be committed, one
 * to be read again holds its partition's commit back and rewinds it, and a fatal one stops the worker.
 */
final class RequestHandler {

    private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);
    static final String COMPONENT = "scanner";

    /** Sends one record and returns the broker's acknowledgement to come; {@code producer::send} is one. */
    @FunctionalInterface
    interface Output {
        Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record);
    }

    /** Where a request ended. */
    enum Route {
        /** Its observations are acknowledged (or it had none). */
        OBSERVED(true),
        /** It is on the dead-letter topic, acknowledged: it could not be read or scanned, or its output can never be written. */
        DEAD_LETTERED(true),
        /** Its deadline had passed: dropped unprobed. */
        EXPIRED(true),
        /** An empty value: nothing to scan. */
        SKIPPED(true),
        /** Not finished: its output was not acknowledged for a passing reason, or the worker is stopping. Read it again. */
        READ_AGAIN(false),
        /** Its output cannot be written at all (authorization, authentication, a fenced or too old producer): the worker stops. */
        FATAL(false);

        private final boolean finished;

        Route(boolean finished) {
            this.finished = finished;
        }

        /** Whether the request is done, so its offset may be committed. */
        boolean finished() {
            return finished;
        }
    }

    /** Where the request ended, and the error that sent it there (null when none did). */
    record Handled(Route route, Throwable cause) {
        Handled {
            Objects.requireNonNull(route, "route");
        }

        static Handled as(Route route) {
            return new Handled(route, null);
        }
    }

    private final Topics topics;
    private final TargetScanner scanner;
    private final Output output;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final BooleanSupplier stopping;
    private final Deserializer<ScanRequest> requestDeserializer;
    private final Serializer<String> keySerializer;
    private final Serializer<Observation> observationSerializer;
    private final String scannerId;
    private final String zone;

    /**
     * @param output   where observations and dead letters go
     * @param stopping true once the worker is stopping: a scan or a write that fails then is read again, not dead-lettered
     */
    RequestHandler(Topics topics, TargetScanner scanner, Output output, WorkerMetrics metrics, Clock clock,
                   BooleanSupplier stopping) {
        this(topics, scanner, output, metrics, clock, stopping, null, Zones.DEFAULT);
    }

    /**
     * @param scannerId the scanner's id, which its observations carry (with its zone)
     * @param zone      the scanner's zone
     */
    RequestHandler(Topics topics, TargetScanner scanner, Output output, WorkerMetrics metrics, Clock clock,
                   BooleanSupplier stopping, String scannerId, String zone) {
        this.scannerId = scannerId;
        this.zone = Objects.requireNonNull(zone, "zone");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.scanner = Objects.requireNonNull(scanner, "scanner");
        this.output = Objects.requireNonNull(output, "output");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stopping = Objects.requireNonNull(stopping, "stopping");
        this.requestDeserializer = topics.scanRequests().valueSerde().deserializer();
        this.keySerializer = topics.observations().keySerde().serializer();
        this.observationSerializer = topics.observations().valueSerde().serializer();
    }

    /** Handles one record of the scan-requests topic; returns once its output is acknowledged or cannot be. */
    Handled handle(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return Handled.as(Route.SKIPPED);
        }
        ScanRequest request;
        try {
            request = requestDeserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            log.warn("Unreadable scan request at {}-{} offset {} goes to the dead letters: {}",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            return deadLetter(record, e);
        }
        Instant deadline = request.getNotAfterDeadline();
        if (deadline != null && clock.instant().isAfter(deadline)) {
            log.debug("Scan {} of {} dropped: its deadline {} has passed", request.getScanId(), request.getTarget().getHost(), deadline);
            metrics.expired();
            return Handled.as(Route.EXPIRED);
        }
        List<Observation> observations;
        long start = System.nanoTime();
        try {
            observations = scanner.scan(request.getTarget(), request.getScanId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.debug("Scan {} interrupted by shutdown", request.getScanId());
            return new Handled(Route.READ_AGAIN, e);
        } catch (Exception e) {
            if (stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                log.debug("Scan {} ended by shutdown; it will be scanned again: {}", request.getScanId(), e.toString());
                return new Handled(Route.READ_AGAIN, e);
            }
            log.warn("Scan {} of {} failed and goes to the dead letters: {}", request.getScanId(),
                    request.getTarget().getHost(), e.toString(), e);
            return deadLetter(record, e);
        }
        metrics.scanTook(System.nanoTime() - start);
        for (Observation observation : observations) {
            observation.setScannerId(scannerId);
            observation.setZone(zone);
        }
        return publish(record, observations);
    }

    private Handled publish(ConsumerRecord<byte[], byte[]> request, List<Observation> observations) {
        String topic = topics.observations().name();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(observations.size());
        for (Observation observation : observations) {
            try {
                out.add(new ProducerRecord<>(topic, keySerializer.serialize(topic, observation.getService()),
                        observationSerializer.serialize(topic, observation)));
            } catch (RuntimeException e) {
                log.warn("Observation of scan {} cannot be written; the request goes to the dead letters",
                        observation.getScanId(), e);
                return deadLetter(request, e);
            }
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(out.size());
        Throwable failure = null;
        for (ProducerRecord<byte[], byte[]> record : out) {
            try {
                acks.add(output.send(record));
            } catch (RuntimeException e) {
                failure = e;
                break;
            }
        }
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get();
                metrics.observation(observations.get(i));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.debug("Waiting for the observations of the request at {}-{} offset {} ended by shutdown",
                        request.topic(), request.partition(), request.offset());
                return new Handled(Route.READ_AGAIN, e);
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            }
        }
        if (failure == null) {
            metrics.probed();
            return Handled.as(Route.OBSERVED);
        }
        if (failure instanceof RetriableException || stopping.getAsBoolean()) {
            log.warn("Observations of the request at {}-{} offset {} not acknowledged; it will be read again: {}",
                    request.topic(), request.partition(), request.offset(), failure.toString());
            metrics.retried();
            return new Handled(Route.READ_AGAIN, failure);
        }
        if (isFatal(failure)) {
            return fatal(request, failure);
        }
        log.warn("Observations of the request at {}-{} offset {} cannot be written; it goes to the dead letters: {}",
                request.topic(), request.partition(), request.offset(), failure.toString());
        return deadLetter(request, failure);
    }

    /** Sends the request as it came to the dead letters, with the reason, and waits for the broker. */
    private Handled deadLetter(ConsumerRecord<byte[], byte[]> request, Throwable reason) {
        Throwable failure;
        try {
            output.send(DeadLetters.of(topics.deadLetters().name(), request, reason, COMPONENT)).get();
            metrics.deadLettered();
            return new Handled(Route.DEAD_LETTERED, reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.debug("Waiting for the dead letter of the request at {}-{} offset {} ended by shutdown",
                    request.topic(), request.partition(), request.offset());
            return new Handled(Route.READ_AGAIN, e);
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (RuntimeException e) {
            failure = e;
        }
        if (failure instanceof RetriableException || stopping.getAsBoolean()) {
            log.warn("Dead letter of the request at {}-{} offset {} not acknowledged; it will be read again: {}",
                    request.topic(), request.partition(), request.offset(), failure.toString());
            metrics.retried();
            return new Handled(Route.READ_AGAIN, failure);
        }
        return fatal(request, failure);
    }

    private static Handled fatal(ConsumerRecord<byte[], byte[]> request, Throwable failure) {
        log.error("Output of the request at {}-{} offset {} cannot be written; the worker stops",
                request.topic(), request.partition(), request.offset(), failure);
        return new Handled(Route.FATAL, failure);
    }

    private static boolean isFatal(Throwable e) {
        return e instanceof AuthorizationException || e instanceof AuthenticationException
                || e instanceof ProducerFencedException || e instanceof UnsupportedVersionException;
    }
}

package dev.certsonar.scanner.worker;

import dev.certsonar.scanner.worker.RequestHandler.Handled;
import dev.certsonar.scanner.worker.RequestHandler.Route;
import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.avro.Timings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** Where a scan request ends, and what it sends on the way: real serdes, real values, the broker's answers chosen per record. */
class RequestHandlerTest {

    private static final Instant NOW = Instant.parse("2030-05-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final Topics topics = Topics.withPrefix("t.");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkerMetrics metrics = new WorkerMetrics(registry, () -> 0);
    private final List<ProducerRecord<byte[], byte[]>> sent = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger scans = new AtomicInteger();

    /** An output that records what is sent and answers as the broker would: {@code answer} gives the error, or null. */
    private RequestHandler.Output broker(Function<ProducerRecord<byte[], byte[]>, Exception> answer) {
        return record -> {
            sent.add(record);
            Exception error = answer.apply(record);
            return error == null ? CompletableFuture.completedFuture(acknowledged(record)) : CompletableFuture.failedFuture(error);
        };
    }

    private static RecordMetadata acknowledged(ProducerRecord<byte[], byte[]> record) {
        return new RecordMetadata(new TopicPartition(record.topic(), 0), 0, 0, NOW.toEpochMilli(), 0, record.value().length);
    }

    private final RequestHandler.Output acceptingBroker = broker(record -> null);

    private RequestHandler handler(TargetScanner scanner, RequestHandler.Output output) {
        return new RequestHandler(topics, scanner, output, metrics, CLOCK, stopping::get);
    }

    private TargetScanner refused(int endpoints) {
        return (target, scanId) -> {
            scans.incrementAndGet();
            return IntStream.range(0, endpoints)
                    .mapToObj(i -> observation(target, scanId, "127.0.0." + (1 + i))).toList();
        };
    }

    @Test
    void aRequestEndsInItsObservationsKeyedByService() {
        Handled handled = handler(refused(2), acceptingBroker).handle(record(request("scan-1", null)));

        assertThat(handled).isEqualTo(new Handled(Route.OBSERVED, null));
        assertThat(sent).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo(topics.observations().name());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("shop");
        });
        assertThat(sent).extracting(r -> decode(r).getEndpoint().getAddress()).containsExactly("127.0.0.1", "127.0.0.2");
        assertThat(sent).extracting(r -> decode(r).getScanId()).containsOnly("scan-1");
        assertThat(requests("probed")).isEqualTo(1);
        assertThat(registry.get(WorkerMetrics.PROBES).tag("outcome", "REFUSED").counter().count()).isEqualTo(2);
    }

    @Test
    void aRequestWithoutEndpointsIsFinishedWithoutOutput() {
        Handled handled = handler(refused(0), acceptingBroker).handle(record(request("scan-0", null)));

        assertThat(handled.route()).isEqualTo(Route.OBSERVED);
        assertThat(sent).isEmpty();
        assertThat(requests("probed")).isEqualTo(1);
    }

    @Test
    void anUnreadableRequestGoesToTheDeadLettersAsItCame() {
        byte[] garbage = "not a scan request".getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(topics.scanRequests().name(), 2, 41L, key(), garbage);

        Handled handled = handler(refused(1), acceptingBroker).handle(record);

        assertThat(handled.route()).isEqualTo(Route.DEAD_LETTERED);
        assertThat(scans).hasValue(0);
        ProducerRecord<byte[], byte[]> dead = sent.getFirst();
        assertThat(sent).hasSize(1);
        assertThat(dead.topic()).isEqualTo(topics.deadLetters().name());
        assertThat(dead.key()).isEqualTo(key());
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_TOPIC)).hasValue(topics.scanRequests().name());
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_PARTITION)).hasValue("2");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_OFFSET)).hasValue("41");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.COMPONENT)).hasValue("scanner");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.ERROR)).get().asString().isNotBlank();
        assertThat(requests("dead_lettered")).isEqualTo(1);
    }

    @Test
    void anEmptyValueIsSkipped() {
        ConsumerRecord<byte[], byte[]> tombstone = new ConsumerRecord<>(topics.scanRequests().name(), 0, 3L, key(), null);

        assertThat(handler(refused(1), acceptingBroker).handle(tombstone).route()).isEqualTo(Route.SKIPPED);
        assertThat(sent).isEmpty();
        assertThat(scans).hasValue(0);
    }

    @Test
    void aRequestPastItsDeadlineIsDroppedUnprobed() {
        Handled late = handler(refused(1), acceptingBroker).handle(record(request("late", NOW.minusMillis(1))));
        Handled onTime = handler(refused(1), acceptingBroker).handle(record(request("on-time", NOW)));

        assertThat(late.route()).isEqualTo(Route.EXPIRED);
        assertThat(onTime.route()).as("the deadline itself is still in time").isEqualTo(Route.OBSERVED);
        assertThat(scans).hasValue(1);
        assertThat(sent).extracting(r -> decode(r).getScanId()).containsExactly("on-time");
        assertThat(requests("expired")).isEqualTo(1);
    }

    @Test
    void aTargetThatCannotBeScannedGoesToTheDeadLettersWithTheReason() {
        TargetScanner failing = (target, scanId) -> {
            throw new IllegalArgumentException("target shop: the range 10.0.0.0/8 holds 16777214 addresses, more than a /16");
        };

        Handled handled = handler(failing, acceptingBroker).handle(record(request("range", null)));

        assertThat(handled.route()).isEqualTo(Route.DEAD_LETTERED);
        assertThat(sent).singleElement().satisfies(dead -> {
            assertThat(dead.topic()).isEqualTo(topics.deadLetters().name());
            assertThat(DeadLetters.header(dead.headers(), DeadLetters.ERROR)).get().asString().contains("more than a /16");
        });
    }

    @Test
    void aScanEndedByShutdownIsReadAgainNotDeadLettered() {
        TargetScanner failing = (target, scanId) -> {
            throw new IllegalStateException("interrupted while scanning " + target.getId());
        };
        stopping.set(true);

        Handled handled = handler(failing, acceptingBroker).handle(record(request("stopping", null)));

        assertThat(handled.route()).isEqualTo(Route.READ_AGAIN);
        assertThat(sent).isEmpty();
    }

    @Test
    void anInterruptedScanIsReadAgain() {
        TargetScanner interrupted = (target, scanId) -> {
            throw new InterruptedException("shutdown");
        };
        try {
            Handled handled = handler(interrupted, acceptingBroker).handle(record(request("interrupted", null)));

            assertThat(handled.route()).isEqualTo(Route.READ_AGAIN);
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
            assertThat(sent).isEmpty();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anObservationThatCannotBeWrittenSendsTheRequestToTheDeadLetters() {
        TargetScanner unwritable = (target, scanId) -> List.of(new Observation());

        Handled handled = handler(unwritable, acceptingBroker).handle(record(request("unwritable", null)));

        assertThat(handled.route()).isEqualTo(Route.DEAD_LETTERED);
        assertThat(sent).extracting(ProducerRecord::topic).containsExactly(topics.deadLetters().name());
    }

    static Stream<Arguments> observationFailures() {
        return Stream.of(
                argumentSet("not enough replicas: read again", new NotEnoughReplicasException("2 of 3 in sync"), Route.READ_AGAIN, false),
                argumentSet("delivery timed out: read again", new TimeoutException("expired after 120000 ms"), Route.READ_AGAIN, false),
                argumentSet("too large for the broker: dead letter", new RecordTooLargeException("1048577 bytes"), Route.DEAD_LETTERED, true),
                argumentSet("not authorized: the worker stops", new TopicAuthorizationException("observations"), Route.FATAL, false),
                argumentSet("fenced producer: the worker stops", new ProducerFencedException("epoch 3"), Route.FATAL, false));
    }

    @ParameterizedTest
    @MethodSource("observationFailures")
    void aFailedObservationWriteIsRoutedByItsError(Exception error, Route route, boolean deadLettered) {
        RequestHandler.Output output = broker(r -> r.topic().equals(topics.observations().name()) ? error : null);

        Handled handled = handler(refused(2), output).handle(record(request("failing", null)));

        assertThat(handled.route()).isEqualTo(route);
        assertThat(handled.cause()).isSameAs(error);
        assertThat(sent).extracting(ProducerRecord::topic).filteredOn(topics.deadLetters().name()::equals)
                .hasSize(deadLettered ? 1 : 0);
        if (deadLettered) {
            ProducerRecord<byte[], byte[]> dead = sent.getLast();
            assertThat(DeadLetters.header(dead.headers(), DeadLetters.ERROR)).get().asString().contains(error.getMessage());
            assertThat(DeadLetters.header(dead.headers(), DeadLetters.ERROR_CLASS)).hasValue(error.getClass().getName());
        }
        assertThat(requests("probed")).isZero();
        assertThat(requests("retried")).isEqualTo(route == Route.READ_AGAIN ? 1 : 0);
    }

    static Stream<Arguments> deadLetterFailures() {
        return Stream.of(
                argumentSet("not enough replicas: read again", new NotEnoughReplicasException("2 of 3 in sync"), Route.READ_AGAIN),
                argumentSet("too large: the worker stops", new RecordTooLargeException("1048577 bytes"), Route.FATAL),
                argumentSet("not authorized: the worker stops", new TopicAuthorizationException("dead-letters"), Route.FATAL));
    }

    @ParameterizedTest
    @MethodSource("deadLetterFailures")
    void aFailedDeadLetterIsReadAgainOrStopsTheWorker(Exception error, Route route) {
        RequestHandler.Output output = broker(r -> r.topic().equals(topics.deadLetters().name()) ? error : null);
        ConsumerRecord<byte[], byte[]> garbage = new ConsumerRecord<>(topics.scanRequests().name(), 0, 5L, key(), new byte[]{1, 2, 3});

        Handled handled = handler(refused(1), output).handle(garbage);

        assertThat(handled.route()).isEqualTo(route);
        assertThat(handled.cause()).isSameAs(error);
        assertThat(requests("dead_lettered")).isZero();
    }

    @Test
    void aProducerClosedByShutdownMeansReadAgain() {
        RequestHandler.Output closed = record -> {
            throw new IllegalStateException("Cannot perform operation after producer has been closed");
        };
        stopping.set(true);

        assertThat(handler(refused(1), closed).handle(record(request("closing", null))).route()).isEqualTo(Route.READ_AGAIN);
    }

    @Test
    void theRequestIsFinishedOnlyOnceTheBrokerAcknowledgedEveryObservation() throws Exception {
        List<CompletableFuture<RecordMetadata>> pending = new CopyOnWriteArrayList<>();
        RequestHandler.Output slowBroker = record -> {
            sent.add(record);
            CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
            pending.add(ack);
            return ack;
        };
        RequestHandler handler = handler(refused(2), slowBroker);
        CompletableFuture<Handled> handled = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> handled.complete(handler.handle(record(request("acks", null)))));

        await().atMost(Duration.ofSeconds(10)).until(() -> pending.size() == 2);
        pending.getFirst().complete(acknowledged(sent.getFirst()));
        assertThat(handled).as("one of two observations acknowledged").isNotDone();
        pending.getLast().complete(acknowledged(sent.getLast()));

        assertThat(handled.get(10, TimeUnit.SECONDS).route()).isEqualTo(Route.OBSERVED);
    }

    // ---- values

    private double requests(String result) {
        return registry.get(WorkerMetrics.REQUESTS).tag("result", result).counter().count();
    }

    private static byte[] key() {
        return "shop.example.com".getBytes(StandardCharsets.UTF_8);
    }

    private ConsumerRecord<byte[], byte[]> record(ScanRequest request) {
        byte[] value = topics.scanRequests().valueSerde().serializer().serialize(topics.scanRequests().name(), request);
        return new ConsumerRecord<>(topics.scanRequests().name(), 0, 7L, key(), value);
    }

    private Observation decode(ProducerRecord<byte[], byte[]> record) {
        return topics.observations().valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    private static ScanRequest request(String scanId, Instant deadline) {
        Target target = Target.newBuilder().setId("tls://shop.example.com:443").setService("shop").setHost("shop.example.com")
                .setPorts(List.of(443)).setProtocol(Protocol.TLS).build();
        return ScanRequest.newBuilder().setScanId(scanId).setTarget(target).setRequestedAt(NOW.minusSeconds(60))
                .setNotAfterDeadline(deadline).build();
    }

    private static Observation observation(Target target, String scanId, String address) {
        Endpoint endpoint = new Endpoint(address, target.getPorts().getFirst(), null);
        return Observation.newBuilder().setScanId(scanId).setTargetId(target.getId()).setService(target.getService())
                .setHost(target.getHost()).setEndpoint(endpoint).setScanEndpoints(List.of(endpoint))
                .setObservedAt(NOW).setOutcome(Outcome.REFUSED).setError("connection refused")
                .setTimings(Timings.newBuilder().setConnectMillis(1L).setTotalMillis(1L).build()).build();
    }
}

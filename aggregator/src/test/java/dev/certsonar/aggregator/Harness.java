package dev.certsonar.aggregator;

import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The aggregator topology on a TopologyTestDriver, driven by one clock: records are piped with the harness's time as
 * their timestamp, and the driver's wall clock moves with it. The punctuators run every millisecond of wall-clock time,
 * so each {@link #advance} runs them once, at the time advanced to.
 */
final class Harness implements AutoCloseable {

    private Instant now;
    final Topics topics = Topics.withPrefix("test.");
    final AggregatorConfig config;
    final TopologyTestDriver driver;
    final TestInputTopic<String, Target> targets;
    final TestInputTopic<String, byte[]> rawTargets;
    final TestInputTopic<String, Observation> observations;
    final TestOutputTopic<String, ScanRequest> scanRequests;
    final TestOutputTopic<String, ServiceStatus> statuses;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    final TestInputTopic<String, AcceptedException> exceptions;
    final TestInputTopic<String, AlertLifecycle> alertStates;
    final TestInputTopic<String, Silence> silences;

    Harness(Instant start, Path stateDir) {
        this(start, stateDir, AggregatorConfig.DEFAULT);
    }

    Harness(Instant start, Path stateDir, AggregatorConfig base) {
        this.now = start;
        this.config = base.withStateDir(stateDir).withHttp("127.0.0.1", -1).withPunctuationInterval(Duration.ofMillis(1));
        Properties props = AggregatorApp.streamsProperties(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"), topics, config);
        // The test driver keeps what a deserialization handler sends to the dead-letter topic only without
        // exactly-once; the integration test covers the same path with exactly-once on a real broker.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once");
        this.driver = new TopologyTestDriver(ExpiryTopology.build(new StreamsBuilder(), topics, config).build(), props, start);
        this.targets = driver.createInputTopic(topics.targets().name(), new StringSerializer(), topics.targets().valueSerde().serializer());
        this.rawTargets = driver.createInputTopic(topics.targets().name(), new StringSerializer(), new ByteArraySerializer());
        this.observations = driver.createInputTopic(topics.observations().name(), new StringSerializer(),
                topics.observations().valueSerde().serializer());
        this.scanRequests = driver.createOutputTopic(topics.scanRequests().name(), topics.scanRequests().keySerde().deserializer(),
                topics.scanRequests().valueSerde().deserializer());
        this.statuses = driver.createOutputTopic(topics.serviceStatus().name(), topics.serviceStatus().keySerde().deserializer(),
                topics.serviceStatus().valueSerde().deserializer());
        this.deadLetters = driver.createOutputTopic(topics.deadLetters().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.exceptions = driver.createInputTopic(topics.exceptions().name(), new StringSerializer(),
                topics.exceptions().valueSerde().serializer());
        this.alertStates = driver.createInputTopic(topics.alertStates().name(), new StringSerializer(),
                topics.alertStates().valueSerde().serializer());
        this.silences = driver.createInputTopic(topics.silences().name(), new StringSerializer(),
                topics.silences().valueSerde().serializer());
    }

    /** Writes the exception (keyed by its id) at the harness's time. */
    void exception(AcceptedException e) {
        exceptions.pipeInput(e.getId(), e, now());
    }

    void removeException(String id) {
        exceptions.pipeInput(id, null, now());
    }

    /** Bytes written to one of the topics as they are, to see what becomes of them. */
    void raw(String topic, String key, byte[] value) {
        driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer()).pipeInput(key, value, now());
    }

    Instant now() {
        return now;
    }

    /** Moves the time on by {@code d} (at least a millisecond) and runs the wall-clock punctuators once, at the new time. */
    void advance(Duration d) {
        if (d.toMillis() < 1) {
            throw new IllegalArgumentException("advance by at least 1 ms, not " + d);
        }
        now = now.plus(d);
        driver.advanceWallClockTime(d);
    }

    /** Moves the time to {@code t} (after now). */
    void advanceTo(Instant t) {
        advance(Duration.between(now, t));
    }

    void target(Target t) {
        targets.pipeInput(t.getId(), t, now());
    }

    void removeTarget(String id) {
        targets.pipeInput(id, null, now());
    }

    void observe(Observation o) {
        observations.pipeInput(o.getService(), o, now());
    }

    /** The status the services store holds for the service, or null. */
    ServiceStatus heldStatus(String service) {
        byte[] held = driver.<String, byte[]>getKeyValueStore(StoreNames.SERVICES).get(service);
        return topics.serviceStatus().valueSerde().deserializer().deserialize(topics.serviceStatus().name(), held);
    }

    List<TestRecord<String, ServiceStatus>> statusRecords() {
        return statuses.readRecordsToList();
    }

    List<ServiceStatus> statusValues() {
        return statuses.readValuesToList();
    }

    /** The one status written since the last read. */
    ServiceStatus onlyStatus() {
        List<ServiceStatus> values = statuses.readValuesToList();
        if (values.size() != 1) {
            throw new AssertionError("expected one service-status record, got " + values.size() + ": " + values);
        }
        return values.get(0);
    }

    @Override
    public void close() {
        driver.close();
    }
}

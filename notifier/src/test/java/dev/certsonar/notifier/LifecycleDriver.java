package dev.certsonar.notifier;

import dev.certsonar.schemas.DeadLetterHandler;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Silence;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The notifier's topology in a {@link TopologyTestDriver}, with every topic it reads and writes. */
final class LifecycleDriver implements AutoCloseable {

    static final Topics TOPICS = Topics.withPrefix("test.");

    final TopologyTestDriver driver;
    final TestInputTopic<String, ServiceStatus> statuses;
    final TestInputTopic<String, Silence> silences;
    final TestInputTopic<String, Acknowledgement> acks;
    final TestInputTopic<byte[], byte[]> rawSilences;
    final TestInputTopic<byte[], byte[]> rawAcks;
    final TestOutputTopic<String, Alert> alerts;
    final TestOutputTopic<String, AlertLifecycle> states;
    final TestOutputTopic<String, Acknowledgement> ackTombstones;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    /** The topology with the notifier's handling of unreadable input: to the dead-letter topic, and on. */
    LifecycleDriver(Path stateDir, NotifierConfig config, Instant start) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "notifier-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.putAll(DeadLetterHandler.properties(TOPICS.deadLetters().name(), "notifier"));
        driver = new TopologyTestDriver(AlertTopology.build(new StreamsBuilder(), TOPICS, config).build(), props, start);
        statuses = driver.createInputTopic(TOPICS.serviceStatus().name(), TOPICS.serviceStatus().keySerde().serializer(),
                TOPICS.serviceStatus().valueSerde().serializer());
        silences = driver.createInputTopic(TOPICS.silences().name(), TOPICS.silences().keySerde().serializer(),
                TOPICS.silences().valueSerde().serializer());
        acks = driver.createInputTopic(TOPICS.acknowledgements().name(), TOPICS.acknowledgements().keySerde().serializer(),
                TOPICS.acknowledgements().valueSerde().serializer());
        rawSilences = driver.createInputTopic(TOPICS.silences().name(), new ByteArraySerializer(), new ByteArraySerializer());
        rawAcks = driver.createInputTopic(TOPICS.acknowledgements().name(), new ByteArraySerializer(), new ByteArraySerializer());
        alerts = driver.createOutputTopic(TOPICS.alerts().name(), TOPICS.alerts().keySerde().deserializer(),
                TOPICS.alerts().valueSerde().deserializer());
        states = driver.createOutputTopic(TOPICS.alertStates().name(), TOPICS.alertStates().keySerde().deserializer(),
                TOPICS.alertStates().valueSerde().deserializer());
        ackTombstones = driver.createOutputTopic(TOPICS.acknowledgements().name(),
                TOPICS.acknowledgements().keySerde().deserializer(), TOPICS.acknowledgements().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(TOPICS.deadLetters().name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    void send(ServiceStatus status) {
        statuses.pipeInput(status.getService(), status, status.getUpdatedAt());
    }

    /** The alert events written since the last read, each keyed by its service. */
    List<Alert> read() {
        return alerts.readKeyValuesToList().stream().peek(kv -> assertThat(kv.key).isEqualTo(kv.value.getService()))
                .map(kv -> kv.value).toList();
    }

    /** The alert states written since the last read, each keyed by its alertId (a tombstone's value is null). */
    List<KeyValue<String, AlertLifecycle>> readStates() {
        List<KeyValue<String, AlertLifecycle>> out = states.readKeyValuesToList();
        out.stream().filter(kv -> kv.value != null).forEach(kv -> assertThat(kv.key).isEqualTo(kv.value.getAlertId()));
        return out;
    }

    @Override
    public void close() {
        driver.close();
    }
}

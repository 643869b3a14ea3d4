package dev.certsonar.aggregator.http;

import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes what operators decide to the compacted topics (silences, acknowledgements, exceptions, targets) with an idempotent
 * producer ({@code acks=all}), and waits until the broker has the record, so a 2xx answer means it is written.
 */
public final class OperatorWrites implements AutoCloseable {

    /** A write the broker did not confirm in time or refused. */
    public static final class NotWritten extends RuntimeException {
        NotWritten(String topic, Throwable cause) {
            super("writing to " + topic + " failed", cause);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final Topics topics;
    private final KafkaProducer<String, byte[]> producer;

    public OperatorWrites(Map<String, Object> kafkaProps, Topics topics) {
        this.topics = topics;
        Map<String, Object> props = new HashMap<>();
        ProducerConfig.configNames().forEach(name -> {
            if (kafkaProps.containsKey(name)) {
                props.put(name, kafkaProps.get(name));
            }
        });
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() - 1_000);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "certsonar-aggregator-operator-writes");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public void silence(Silence s) {
        write(topics.silences(), s.getId(), s);
    }

    public void exception(AcceptedException e) {
        write(topics.exceptions(), e.getId(), e);
    }

    /** Removes the exception (a tombstone). */
    public void removeException(String id) {
        write(topics.exceptions(), id, null);
    }

    public void acknowledge(Acknowledgement a) {
        write(topics.acknowledgements(), a.getAlertId(), a);
    }

    /** Withdraws the acknowledgement of the alert (a tombstone). */
    public void withdrawAcknowledgement(String alertId) {
        write(topics.acknowledgements(), alertId, null);
    }

    /** Adds or replaces targets on the targets topic, keyed by id; returns once the broker has every one. */
    public void targets(List<Target> targets) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        Topic<String, Target> topic = topics.targets();
        for (Target t : targets) {
            sent.add(producer.send(new ProducerRecord<>(topic.name(), t.getId(), topic.valueSerde().serializer().serialize(topic.name(), t))));
        }
        for (Future<RecordMetadata> f : sent) {
            await(topic.name(), f);
        }
    }

    /** Removes the target (a tombstone on the targets topic). */
    public void removeTarget(String id) {
        write(topics.targets(), id, null);
    }

    private <V> void write(Topic<String, V> topic, String key, V value) {
        byte[] bytes = value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value);
        await(topic.name(), producer.send(new ProducerRecord<>(topic.name(), key, bytes)));
    }

    private static void await(String topic, Future<RecordMetadata> sent) {
        try {
            sent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotWritten(topic, e);
        } catch (ExecutionException e) {
            throw new NotWritten(topic, e.getCause());
        } catch (TimeoutException e) {
            throw new NotWritten(topic, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

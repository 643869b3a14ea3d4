package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.avro.Alert;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Writes alerts a channel did not take to the {@code alerts-undeliverable} topic, keyed by service, with the channel,
 * the number of tries, why the channel gave up and the last error in headers. Each write is acknowledged before it returns, so the reader
 * commits its position only after the alert is safe there.
 */
public final class KafkaUndeliverable implements Undeliverable, AutoCloseable {

    public static final String ERROR_HEADER = "certsonar.error";
    public static final String ERROR_CLASS_HEADER = "certsonar.error.class";
    public static final String CHANNEL_HEADER = "certsonar.channel";
    public static final String ATTEMPTS_HEADER = "certsonar.attempts";
    public static final String REASON_HEADER = "certsonar.reason";

    private final Topic<String, Alert> topic;
    private final KafkaProducer<String, Alert> producer;

    public KafkaUndeliverable(Map<String, Object> kafkaProps, Topic<String, Alert> topic) {
        this.topic = topic;
        Map<String, Object> p = new HashMap<>(kafkaProps);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    @Override
    public void accept(Alert alert, String channel, int attempts, Reason reason, Throwable lastError) {
        ProducerRecord<String, Alert> record = new ProducerRecord<>(topic.name(), alert.getService(), alert);
        String message = lastError.getMessage() == null ? lastError.toString() : lastError.getMessage();
        record.headers().add(ERROR_HEADER, message.getBytes(StandardCharsets.UTF_8));
        record.headers().add(ERROR_CLASS_HEADER, lastError.getClass().getName().getBytes(StandardCharsets.UTF_8));
        record.headers().add(CHANNEL_HEADER, channel.getBytes(StandardCharsets.UTF_8));
        record.headers().add(ATTEMPTS_HEADER, Integer.toString(attempts).getBytes(StandardCharsets.UTF_8));
        record.headers().add(REASON_HEADER, reason.label().getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryStopped("stopped while writing an undeliverable alert to " + topic.name());
        } catch (ExecutionException e) {
            throw new KafkaException("cannot write an undeliverable alert to " + topic.name(), e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}

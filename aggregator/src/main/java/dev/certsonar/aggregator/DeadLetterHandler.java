package dev.certsonar.aggregator;

import dev.certsonar.schemas.DeadLetters;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Sends input that cannot be read (or is not a valid target) to the dead-letter topic named by
 * {@code errors.dead.letter.queue.topic.name}, with the original key, value and headers and the
 * reason in certsonar's error headers, and goes on with the next record. The dead-letter record is
 * produced in the task's transaction, so it is written exactly when the input is consumed.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);

    public static final String COMPONENT = "aggregator";

    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new IllegalArgumentException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
                    + " must name the dead-letter topic for " + DeadLetterHandler.class.getName());
        }
        this.deadLetterTopic = topic.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        log.warn("Unreadable record at {}-{}@{} goes to {}: {}", record.topic(), record.partition(), record.offset(),
                deadLetterTopic, exception.getMessage());
        ProducerRecord<byte[], byte[]> deadLetter = DeadLetters.of(deadLetterTopic, record, exception, COMPONENT);
        return Response.resume(List.of(deadLetter));
    }
}

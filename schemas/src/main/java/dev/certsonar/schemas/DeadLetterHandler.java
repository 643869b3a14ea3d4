package dev.certsonar.schemas;

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
 * The deserialization exception handler of certsonar's Kafka Streams applications: sends input that cannot be read (or
 * breaks the rules of its record) to the dead-letter topic named by {@code errors.dead.letter.queue.topic.name}, with
 * the original key, value and headers and the reason in certsonar's headers ({@link DeadLetters}), and goes on with the
 * next record. The dead-letter record is produced in the task's transaction, so it is written exactly when the input is
 * consumed. The Streams property {@link DeadLetters#COMPONENT} names the component that could not read it.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);

    private String deadLetterTopic;
    private String component;

    /** The Streams properties that install this handler for a component, dead-lettering to the given topic. */
    public static Map<String, Object> properties(String deadLetterTopic, String component) {
        return Map.of(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName(),
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic,
                DeadLetters.COMPONENT, component);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new IllegalArgumentException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
                    + " must name the dead-letter topic for " + DeadLetterHandler.class.getName());
        }
        Object name = configs.get(DeadLetters.COMPONENT);
        if (name == null || name.toString().isBlank()) {
            throw new IllegalArgumentException(DeadLetters.COMPONENT + " must name the component for "
                    + DeadLetterHandler.class.getName());
        }
        this.deadLetterTopic = topic.toString();
        this.component = name.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        log.warn("Unreadable record at {}-{}@{} goes to {}: {}", record.topic(), record.partition(), record.offset(),
                deadLetterTopic, exception.getMessage());
        ProducerRecord<byte[], byte[]> deadLetter = DeadLetters.of(deadLetterTopic, record, exception, component);
        return Response.resume(List.of(deadLetter));
    }
}

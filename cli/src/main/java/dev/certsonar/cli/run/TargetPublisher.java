package dev.certsonar.cli.run;

import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Puts targets on the {@code targets} topic, keyed by their id, and waits until the broker has them. */
public final class TargetPublisher {

    private TargetPublisher() {
    }

    public static void publish(Map<String, Object> kafka, Topics topics, List<Target> targets) {
        Topic<String, Target> topic = topics.targets();
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, Target> producer = new KafkaProducer<>(props,
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (Target target : targets) {
                sent.add(producer.send(new ProducerRecord<>(topic.name(), target.getId(), target)));
            }
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing targets", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("could not publish targets to " + topic.name() + ": " + cause.getMessage(), cause);
        }
    }
}

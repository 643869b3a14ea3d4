package dev.certsonar.aggregator.http;

import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.schemas.DeadLetters;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A follower of a topic keeps going past records its reader fails on, and says when reading does not work. */
@ExtendWith(KafkaBrokerExtension.class)
class TopicFollowerIT {

    @Test
    void aRecordTheReaderFailsOnIsDeadLetteredAndTheNextOnesAreRead(EmbeddedKafkaBroker broker) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "follow-" + id;
        String deadLetters = "dead-" + id;
        create(broker, topic, deadLetters);
        List<String> read = new CopyOnWriteArrayList<>();
        TopicFollower.Reader reader = new TopicFollower.Reader() {
            @Override
            public void begin(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
                consumer.seekToBeginning(partitions);
            }

            @Override
            public void record(ConsumerRecord<byte[], byte[]> r) {
                String value = new String(r.value(), StandardCharsets.UTF_8);
                if (value.equals("bug")) {
                    throw new IllegalStateException("a reader that cannot handle " + value);
                }
                read.add(value);
            }
        };
        try (TopicFollower follower = new TopicFollower(props(broker), topic, "follower-" + id, "nothing", reader,
                deadLetters, "test")) {
            follower.start();
            send(broker, topic, "one", "bug", "two");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(read).containsExactly("one", "two"));
            assertThat(follower.unreadable()).isEqualTo(1);
            assertThat(follower.healthy()).isTrue();
            List<ConsumerRecord<byte[], byte[]>> letters = readAll(broker, deadLetters, 1);
            assertThat(letters).singleElement().satisfies(r -> {
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("bug");
                assertThat(new String(r.headers().lastHeader(DeadLetters.ERROR).value(), StandardCharsets.UTF_8))
                        .contains("a reader that cannot handle bug");
                assertThat(new String(r.headers().lastHeader(DeadLetters.SOURCE_OFFSET).value(), StandardCharsets.UTF_8))
                        .isEqualTo("1");
            });
        }
    }

    @Test
    void readingThatKeepsFailingIsTriedAgainAndMakesTheFollowerUnhealthyUntilItWorks(EmbeddedKafkaBroker broker) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "follow-" + id;
        create(broker, topic, "dead-" + id);
        AtomicBoolean broken = new AtomicBoolean(true);
        AtomicInteger begun = new AtomicInteger();
        List<String> read = new CopyOnWriteArrayList<>();
        TopicFollower.Reader reader = new TopicFollower.Reader() {
            @Override
            public void begin(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
                begun.incrementAndGet();
                if (broken.get()) {
                    throw new IllegalStateException("cannot begin yet");
                }
                consumer.seekToBeginning(partitions);
            }

            @Override
            public void record(ConsumerRecord<byte[], byte[]> r) {
                read.add(new String(r.value(), StandardCharsets.UTF_8));
            }
        };
        send(broker, topic, "one");
        try (TopicFollower follower = new TopicFollower(props(broker), topic, "follower-" + id, "nothing", reader,
                "dead-" + id, "test")) {
            assertThat(follower.healthy()).as("not started").isTrue();
            follower.start();
            // tried again after 1, 2, 4 and 8 s: the fifth failure in a row makes it unhealthy
            await().atMost(Duration.ofSeconds(90)).until(() -> !follower.healthy());
            assertThat(begun.get()).isGreaterThanOrEqualTo(TopicFollower.UNHEALTHY_AFTER);
            assertThat(follower.failures()).isGreaterThanOrEqualTo(TopicFollower.UNHEALTHY_AFTER);
            assertThat(read).isEmpty();

            broken.set(false);
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(read).containsExactly("one"));
            await().atMost(Duration.ofSeconds(10)).until(follower::healthy);
        }
    }

    @Test
    void theBackoffDoublesUpToAMinute() {
        List<Long> seconds = new ArrayList<>();
        for (int n = 1; n <= 9; n++) {
            seconds.add(TopicFollower.backoff(n).toSeconds());
        }
        assertThat(seconds).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L);
    }

    private static Map<String, Object> props(EmbeddedKafkaBroker broker) {
        return Map.of("bootstrap.servers", broker.bootstrapServers());
    }

    private static void create(EmbeddedKafkaBroker broker, String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            List<NewTopic> all = new ArrayList<>();
            for (String t : topics) {
                all.add(new NewTopic(t, 1, (short) 1));
            }
            admin.createTopics(all).all().get();
        }
    }

    private static void send(EmbeddedKafkaBroker broker, String topic, String... values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props(broker), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (String v : values) {
                producer.send(new ProducerRecord<>(topic, v.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(EmbeddedKafkaBroker broker, String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.GROUP_ID_CONFIG, "read-" + topic),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
            });
        }
        return out;
    }
}

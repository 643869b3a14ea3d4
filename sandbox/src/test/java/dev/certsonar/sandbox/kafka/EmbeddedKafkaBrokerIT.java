package dev.certsonar.sandbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;

@ExtendWith(KafkaBrokerExtension.class)
class EmbeddedKafkaBrokerIT {

    @Test
    void producerAndConsumerRoundTripThroughTheSharedBroker(EmbeddedKafkaBroker broker) throws Exception {
        assertThat(broker).isSameAs(KafkaBrokerExtension.broker());
        assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        String topic = "t-" + UUID.randomUUID() + ".roundtrip";
        createTopics(broker, topic);

        produce(broker, topic, List.of("k1=v1", "k2=v2", "k3=v3"));

        assertThat(consumeAll(broker, topic, 3)).containsExactly("k1=v1", "k2=v2", "k3=v3");
    }

    @Test
    void adminCreatesTopicsWithTheirPartitions(EmbeddedKafkaBroker broker) throws Exception {
        String prefix = "t-" + UUID.randomUUID() + ".";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(
                    new NewTopic(prefix + "a", 3, (short) 1),
                    new NewTopic(prefix + "b", 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get();

            // a created topic reaches the broker's metadata cache a moment after the controller acknowledged it
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(admin.listTopics().names().get()).contains(prefix + "a", prefix + "b"));
            var descriptions = admin.describeTopics(List.of(prefix + "a")).allTopicNames().get();
            assertThat(descriptions.get(prefix + "a").partitions()).hasSize(3);
        }
    }

    @Test
    void aTakenPortFailsFastNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            long started = System.nanoTime();

            assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().port(port).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("already in use");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aBindFailureDuringStartNamesThePortAndLeavesNoBrokerThreads() throws Exception {
        Set<Thread> before = nonDaemonThreads();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            int controllerPort;
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                controllerPort = free.getLocalPort();
            }
            // listeners given as raw configuration skip the port check, so Kafka's own bind fails
            var builder = EmbeddedKafkaBroker.builder()
                    .config("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort)
                    .config("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port)
                    .config("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);

            assertThatThrownBy(builder::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already in use")
                    .hasMessageContaining(Integer.toString(port));
        }
        await().pollInSameThread().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(nonDaemonThreads()).as("threads left by the failed start").isSubsetOf(before));
    }

    private static Set<Thread> nonDaemonThreads() {
        Set<Thread> threads = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !t.isDaemon()) {
                threads.add(t);
            }
        }
        return threads;
    }

    @Test
    void aRestartOnTheSameDataFolderKeepsTopicsAndRecords(@TempDir Path dataDir) throws Exception {
        String topic = "kept";
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDir(dataDir).start()) {
            createTopics(first, topic);
            produce(first, topic, List.of("a=1", "b=2"));
        }
        assertThat(dataDir.resolve("meta.properties")).exists();
        String clusterId = Files.readString(dataDir.resolve("meta.properties"));

        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDir(dataDir).start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", second.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).contains(topic);
            }
            assertThat(consumeAll(second, topic, 2)).containsExactly("a=1", "b=2");
        }
        assertThat(Files.readString(dataDir.resolve("meta.properties"))).isEqualTo(clusterId);
    }

    @Test
    void aTemporaryDataFolderIsDeletedOnClose() {
        Path dir;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
            dir = broker.dataDir();
            assertThat(dir).isDirectory();
        }
        assertThat(dir).doesNotExist();
    }

    private static void createTopics(EmbeddedKafkaBroker broker, String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : topics) {
                newTopics.add(new NewTopic(t, 1, (short) 1));
            }
            admin.createTopics(newTopics).all().get();
        }
    }

    private static void produce(EmbeddedKafkaBroker broker, String topic, List<String> keyValues) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (String kv : keyValues) {
                String[] parts = kv.split("=", 2);
                producer.send(new ProducerRecord<>(topic, parts[0], parts[1])).get();
            }
        }
    }

    private static List<String> consumeAll(EmbeddedKafkaBroker broker, String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "g-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.key() + "=" + r.value());
                }
                return seen.size() >= expected;
            });
        }
        return seen;
    }
}

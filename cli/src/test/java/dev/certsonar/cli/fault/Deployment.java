package dev.certsonar.cli.fault;

import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * certsonar as an operator deploys it: {@code certsonar scanner}, {@code certsonar aggregator} and
 * {@code certsonar notifier}, each a process of its own with its own data folder, meeting only on the topics of one
 * broker. The notifier delivers every alert to one webhook; the scanner trusts the endpoints' root.
 */
final class Deployment implements AutoCloseable {

    static final int PARTITIONS = 3;

    final Component scanner;
    final Component aggregator;
    final Component notifier;
    private final String bootstrap;
    private final Topics topics;

    /**
     * @param environment  {@code KAFKA_*} variables of the aggregator and notifier processes
     * @param spacing      the scanner's least time between two probe starts of one address: with few addresses, how
     *                     long a run of many endpoints lasts
     */
    Deployment(String bootstrap, Topics topics, Path caFile, Webhook webhook, Path dir, Map<String, String> environment,
               Duration spacing) throws IOException {
        this.bootstrap = bootstrap;
        this.topics = topics;
        Files.createDirectories(dir);
        Path config = dir.resolve("certsonar.yaml");
        Files.writeString(config, """
                channels:
                  - {name: hook, type: webhook, url: "%s"}
                """.formatted(webhook.url()));
        String[] common = {"--config", config.toString(), "--bootstrap-server", bootstrap, "--topic-prefix",
                topics.prefix(), "--http-port", "0", "--partitions", String.valueOf(PARTITIONS), "--ca-file",
                caFile.toString()};
        scanner = new Component("scanner", dir, Map.of(), concat(common, "--data-dir", dir.resolve("scanner-data").toString(),
                "--per-address-spacing", spacing.toMillis() + "ms"));
        aggregator = new Component("aggregator", dir, environment, concat(common, "--data-dir",
                dir.resolve("aggregator-data").toString()));
        notifier = new Component("notifier", dir, environment, concat(common, "--data-dir",
                dir.resolve("notifier-data").toString()));
    }

    /** Creates the topics, starts the three processes and waits until each is ready. */
    void start() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TopicAdmin.ensureTopics(admin, topics, PARTITIONS, (short) 1);
        }
        for (Component c : List.of(scanner, aggregator, notifier)) {
            c.start();
        }
        for (Component c : List.of(scanner, aggregator, notifier)) {
            c.awaitReady(Duration.ofSeconds(120));
        }
    }

    /** A producer of targets and their tombstones, acknowledged by the broker. */
    KafkaProducer<String, Target> targetProducer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        return new KafkaProducer<>(props, new StringSerializer(), topics.targets().valueSerde().serializer());
    }

    /** Publishes targets and waits for the broker's acknowledgement. */
    void publish(List<Target> targets) throws Exception {
        try (KafkaProducer<String, Target> producer = targetProducer()) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Target t : targets) {
                sent.add(producer.send(new ProducerRecord<>(topics.targets().name(), t.getId(), t)));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    boolean allAlive() {
        return scanner.isAlive() && aggregator.isAlive() && notifier.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        for (Component c : List.of(scanner, aggregator, notifier)) {
            c.close();
        }
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}

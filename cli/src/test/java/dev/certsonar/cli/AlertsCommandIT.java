package dev.certsonar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.notifier.AlertJson;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(KafkaBrokerExtension.class)
class AlertsCommandIT {

    private EmbeddedKafkaBroker broker;
    private String prefix;
    private Topic<String, Alert> alerts;

    @BeforeEach
    void setUp(EmbeddedKafkaBroker broker) throws Exception {
        this.broker = broker;
        this.prefix = "t-" + UUID.randomUUID() + ".";
        this.alerts = Topics.withPrefix(prefix).alerts();
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(alerts.name(), Optional.of(2), Optional.empty()))).all().get();
        }
    }

    @Test
    void tailPrintsEachAlertAsItArrivesUntilStopped() throws Exception {
        Tail tail = Tail.start("alerts", "tail", "--bootstrap-server", broker.bootstrapServers(), "--topic-prefix", prefix);
        await().atMost(Duration.ofSeconds(60)).until(() -> tail.err().contains("following " + alerts.name()));

        produce(AlertLineTest.expiring("payments-api", "1a2b3c4d5e6f"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(tail.out())
                .contains("FIRING    CRITICAL  EXPIRING/CRITICAL          payments-api  6.2 days  CN=pay.example.com  alert 1a2b3c4d"));
        assertThat(tail.stop()).isZero();
    }

    @Test
    void tailFromTheBeginningAsJsonShowsEarlierAlerts() throws Exception {
        Alert shop = AlertLineTest.expiring("shop", "aaaa1111");
        produce(shop);
        produce(AlertLineTest.expiring("mail", "bbbb2222"));

        Tail tail = Tail.start("alerts", "tail", "--from-beginning", "--json",
                "--bootstrap-server", broker.bootstrapServers(), "--topic-prefix", prefix);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(tail.out().lines().count()).isEqualTo(2));
        assertThat(tail.stop()).isZero();
        List<JsonNode> lines = tail.out().lines().map(AlertsCommandIT::parse).toList();
        assertThat(lines).extracting(node -> node.get("alertId").asText()).containsExactlyInAnyOrder("aaaa1111", "bbbb2222");
        assertThat(tail.out().lines()).contains(AlertJson.toJsonString(shop));
        assertThat(lines.get(0).get("certificate").get("subject").asText()).isEqualTo("CN=pay.example.com");
    }

    @Test
    void aClusterThatDoesNotAnswerIsReportedAndTheCommandEnds() {
        CommandRun run = CommandRun.of("alerts", "tail", "--bootstrap-server", "127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("alerts tail: Kafka at 127.0.0.1:1 did not answer within 30 s");
    }

    @Test
    void tailWaitsForTheTopicToBeCreated() throws Exception {
        String otherPrefix = "t-" + UUID.randomUUID() + ".";
        Topic<String, Alert> later = Topics.withPrefix(otherPrefix).alerts();
        Tail tail = Tail.start("alerts", "tail", "--bootstrap-server", broker.bootstrapServers(), "--topic-prefix", otherPrefix);
        await().atMost(Duration.ofSeconds(60)).until(() -> tail.err().contains("waiting for " + later.name() + " to be created"));

        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(later.name(), Optional.of(1), Optional.empty()))).all().get();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> tail.err().contains("following " + later.name()));
        try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(broker.clientProperties(),
                later.keySerde().serializer(), later.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(later.name(), "late", AlertLineTest.expiring("late", "cccc3333"))).get();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(tail.out()).contains("late", "alert cccc3333"));
        assertThat(tail.stop()).isZero();
    }

    private void produce(Alert alert) throws Exception {
        try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(broker.clientProperties(),
                alerts.keySerde().serializer(), alerts.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(alerts.name(), alert.getService(), alert)).get();
        }
    }

    private static JsonNode parse(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    /** The command running in its own thread, stopped by interrupting it as Ctrl-C would. */
    private record Tail(Thread thread, StringWriter outText, StringWriter errText, AtomicInteger exitCode) {

        static Tail start(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicInteger exitCode = new AtomicInteger(-1);
            Thread thread = new Thread(() -> exitCode.set(Main.commandLine()
                    .setOut(new PrintWriter(out, true))
                    .setErr(new PrintWriter(err, true))
                    .execute(args)), "alerts-tail");
            thread.start();
            return new Tail(thread, out, err, exitCode);
        }

        String out() {
            return outText.toString();
        }

        String err() {
            return errText.toString();
        }

        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(Duration.ofSeconds(30));
            assertThat(thread.isAlive()).as("alerts tail still running after the interrupt").isFalse();
            return exitCode.get();
        }
    }
}

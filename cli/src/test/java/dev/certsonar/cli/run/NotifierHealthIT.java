package dev.certsonar.cli.run;

import dev.certsonar.notifier.NotifierApp;
import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.notifier.delivery.Routes;
import dev.certsonar.notifier.delivery.WebhookChannel;
import dev.certsonar.sandbox.http.HttpReceiver;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The notifier as {@code certsonar notifier} serves it: a delivery whose restarts keep failing turns {@code /healthz}
 * to 503, and {@code /metrics} counts its restarts. The failure is the broker's: {@code alerts-undeliverable} refuses
 * every record, so an alert the channel rejects can be neither delivered nor handed over.
 */
@ExtendWith(KafkaBrokerExtension.class)
class NotifierHealthIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void aDeliveryThatKeepsFailingMakesHealthzUnhealthyAndItsRestartsAreCounted(EmbeddedKafkaBroker broker)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = Topics.withPrefix("t-" + run + ".");
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topics.alertsUndeliverable().name(), 1, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "100")))).all().get(30, TimeUnit.SECONDS);
            TopicAdmin.ensureTopics(admin, topics, 1, (short) 1);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NotifierConfig config = NotifierConfig.DEFAULT.withApplicationId("notifier-" + run)
                .withStateDir(dir.resolve("notifier"))
                .withDeliveryRestarts(new RetryPolicy(3, Duration.ofMillis(200), Duration.ofMillis(400)));
        try (HttpReceiver receiver = new HttpReceiver();
             NotifierApp app = new NotifierApp(broker.clientProperties(), topics, config, Clock.systemUTC(), a -> { },
                     List.of(new WebhookChannel("ops", receiver.url("/hook"), null, Duration.ofSeconds(5), Clock.systemUTC())),
                     Routes.toAll(List.of("ops")), Map.of("ops", new RetryPolicy(1, Duration.ZERO, Duration.ZERO)), registry);
             ComponentHttpServer server = ComponentHttpServer.start("127.0.0.1", 0, registry, app::isAlive, app::isReady)) {
            receiver.status.set(400);
            app.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> get(server, "/readyz").statusCode() == 200);
            assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);

            try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(broker.clientProperties(),
                    new StringSerializer(), topics.alerts().valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(topics.alerts().name(), "shop", Alert.newBuilder().setAlertId("a-1")
                        .setEventId("e-1").setState(AlertState.FIRING).setSeverity(Severity.CRITICAL)
                        .setCondition(ConditionType.EXPIRED).setLevel(Severity.CRITICAL).setService("shop")
                        .setMessage("the certificate of shop expired").setAt(Instant.now()).build())).get();
            }

            await("the delivery gives up").atMost(Duration.ofSeconds(60)).until(() -> get(server, "/healthz").statusCode() == 503);
            String group = "notifier-" + run + "-channel-ops";
            assertThat(get(server, "/metrics").body())
                    .contains("certsonar_notifier_delivery_restarts_total{group=\"" + group + "\"} 2.0")
                    .contains("certsonar_notifier_delivery_alive{group=\"" + group + "\"} 0.0")
                    .contains("certsonar_notifier_delivery_alive{group=\"notifier-" + run + "-delivery\"} 1.0");
            assertThat(app.stoppedPart()).contains("the alert delivery of consumer group " + group);
        }
    }

    private HttpResponse<String> get(ComponentHttpServer server, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

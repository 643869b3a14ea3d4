package dev.certsonar.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Observation;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two aggregator instances share the work; the HTTP API of either answers for every service and certificate. */
@ExtendWith(KafkaBrokerExtension.class)
class InteractiveQueriesIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final int SERVICES = 12;

    @TempDir
    Path dir;
    final List<AggregatorApp> apps = new ArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void close() {
        apps.forEach(AggregatorApp::close);
    }

    @Test
    void eitherInstanceAnswersForEveryService(EmbeddedKafkaBroker broker) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = Topics.withPrefix("iq-" + id + ".");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, topics, 4, (short) 1);
        }
        for (int i = 0; i < 2; i++) {
            int port = freePort();
            AggregatorConfig config = AggregatorConfig.DEFAULT.withApplicationId("iq-" + id).withStateDir(dir.resolve("instance-" + i))
                    .withHttp("127.0.0.1", port).withApplicationServer("127.0.0.1:" + port).withReplicationFactor(1);
            AggregatorApp app = new AggregatorApp(Map.of("bootstrap.servers", broker.bootstrapServers()), topics, config, Clock.systemUTC());
            app.start();
            apps.add(app);
        }

        Obs shared = Obs.lifetime(Instant.now(), Duration.ofDays(90), Duration.ofDays(40)).subject("CN=*.example.com");
        try (KafkaProducer<String, Observation> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), topics.observations().valueSerde().serializer())) {
            for (int i = 0; i < SERVICES; i++) {
                Observation o = Observation.newBuilder(shared.build()).setService("svc-" + i).setTargetId("tls://svc-" + i + ":443")
                        .setHost("svc-" + i).build();
                producer.send(new ProducerRecord<>(topics.observations().name(), o.getService(), o)).get();
            }
        }

        await().atMost(WAIT).until(() -> apps.stream().allMatch(AggregatorApp::isReady) && localCounts().stream().mapToInt(c -> c).sum() == SERVICES);
        assertThat(localCounts()).as("both instances hold some services").allSatisfy(c -> assertThat(c).isPositive());

        for (AggregatorApp app : apps) {
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode services = get(app, "/api/services");
                assertThat(services).hasSize(SERVICES);
            });
            for (int i = 0; i < SERVICES; i++) {
                JsonNode service = get(app, "/api/services/svc-" + i);
                assertThat(service.path("service").asText()).isEqualTo("svc-" + i);
                assertThat(service.path("endpoints")).hasSize(1);
            }
            JsonNode certificate = get(app, "/api/certificates/" + shared.leaf().getSha256());
            assertThat(certificate.path("services")).hasSize(SERVICES);
            assertThat(certificate.path("endpoints")).hasSize(SERVICES);
            assertThat(certificate.path("subject").asText()).isEqualTo("CN=*.example.com");
        }
    }

    private List<Integer> localCounts() {
        List<Integer> counts = new ArrayList<>();
        for (AggregatorApp app : apps) {
            try {
                var store = app.streams().store(StoreQueryParameters.fromNameAndType(StoreNames.SERVICES,
                        QueryableStoreTypes.keyValueStore()));
                counts.add((int) store.approximateNumEntries());
            } catch (RuntimeException e) {
                counts.add(0);
            }
        }
        return counts;
    }

    private JsonNode get(AggregatorApp app, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

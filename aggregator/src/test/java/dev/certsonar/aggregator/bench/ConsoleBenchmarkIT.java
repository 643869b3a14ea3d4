package dev.certsonar.aggregator.bench;

import dev.certsonar.aggregator.AggregatorApp;
import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.aggregator.TestTopics;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.EndpointStatus;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Status;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How fast the console's pages answer with 100,000 services (each with an endpoint and a leaf certificate) in the
 * service list, beside {@code /api/services} of the same data in the same run: the services page (the first page,
 * a search, a deep page, a filter), the overview (counts, the 26-week chart over the whole inventory, the worst
 * services) and the certificates page, each asked for many times in a row by one client after a warm-up; median,
 * p95 and size. Runs only with {@code -Dcertsonar.bench=true} ({@code -Dcertsonar.bench.services=N},
 * {@code -Dcertsonar.bench.samples=N}):
 * {@code mvn -o verify -pl aggregator -Dit.test=ConsoleBenchmarkIT -Dcertsonar.bench=true}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ConsoleBenchmarkIT {

    private static final Logger log = LoggerFactory.getLogger(ConsoleBenchmarkIT.class);
    private static final List<String> OWNERS = List.of("team-payments", "team-web", "team-identity", "team-infra", "team-docs",
            "team-partners", "team-data", "team-mobile", "team-search", "team-ml");

    @TempDir
    Path stateDir;

    record Result(String what, double medianMs, double p95Ms, long bytes) {
    }

    private final int services = Integer.getInteger("certsonar.bench.services", 100_000);
    private final int samples = Integer.getInteger("certsonar.bench.samples", 200);

    @Test
    void pagesWith100000Services(EmbeddedKafkaBroker broker) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("certsonar.bench"),
                "the console benchmark runs only with -Dcertsonar.bench=true (it takes minutes)");
        Topics topics = TestTopics.create(broker, "console-bench");
        Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        Instant now = Instant.now();
        long produceStart = System.nanoTime();
        produce(kafka, topics.serviceStatus(), services, now);
        double produceSeconds = (System.nanoTime() - produceStart) / 1e9;

        AggregatorConfig config = AggregatorConfig.DEFAULT.withApplicationId(TestTopics.applicationId(topics)).withStateDir(stateDir)
                .withHttp("127.0.0.1", 0).withReplicationFactor(1);
        try (AggregatorApp app = new AggregatorApp(kafka, topics, config, Clock.systemUTC())) {
            long start = System.nanoTime();
            app.start();
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> app.serviceIndex().size() == services);
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            await().atMost(Duration.ofMinutes(2)).until(app::isReady);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + app.httpPort();

            Map<String, String> cases = new LinkedHashMap<>();
            cases.put("services page: first 50, worst first", "/services");
            cases.put("services page: search 'svc-0042' (text)", "/services?q=svc-0042");
            cases.put("services page: status CRITICAL, owner, label", "/services?status=CRITICAL&owner=team-web&label=env:prod");
            cases.put("services page: page at offset 50,000", "/services?offset=50000");
            cases.put("services page: sorted by owner (a full sort)", "/services?sort=owner");
            cases.put("overview (counts, 26-week chart, worst 10)", "/");
            cases.put("overview by owner", "/?by=owner");
            cases.put("certificates page: expiring within 30 days", "/certificates?days=30");
            cases.put("/api/services?limit=50 (JSON, same page)", "/api/services?limit=50");
            List<Result> results = new ArrayList<>();
            for (Map.Entry<String, String> c : cases.entrySet()) {
                results.add(measure(http, base + c.getValue(), c.getKey(), samples));
            }
            results.add(measure(http, base + "/api/services", "/api/services (JSON, every service)", Math.max(5, samples / 20)));

            StringBuilder report = new StringBuilder(String.format("""
                    console benchmark: %,d services (one endpoint and one leaf certificate each), %d samples a page after 20 warm-ups
                      service-status produced in %.1f s; the aggregator's service list loaded in %.1f s after start
                    %-52s %10s %10s %12s
                    """, services, samples, produceSeconds, loadSeconds, "page", "median ms", "p95 ms", "bytes"));
            for (Result r : results) {
                report.append(String.format("%-52s %10.1f %10.1f %,12d%n", r.what(), r.medianMs(), r.p95Ms(), r.bytes()));
            }
            log.info("\n{}", report);
            Path out = Path.of("target", "console-benchmark.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            assertThat(results).allSatisfy(r -> assertThat(r.bytes()).as(r.what()).isPositive());
        }
    }

    private static Result measure(HttpClient http, String url, String what, int samples) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();
        for (int i = 0; i < 20; i++) {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as(url).isEqualTo(200);
        }
        List<Double> ms = new ArrayList<>(samples);
        long bytes = 0;
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            ms.add((System.nanoTime() - t0) / 1e6);
            bytes = r.body().length;
        }
        Collections.sort(ms);
        return new Result(what, ms.get(ms.size() / 2), ms.get((int) Math.ceil(ms.size() * 0.95) - 1), bytes);
    }

    private static void produce(Map<String, Object> kafka, Topic<String, ServiceStatus> topic, int services, Instant now) throws Exception {
        Map<String, Object> props = new LinkedHashMap<>(kafka);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 << 10);
        HexFormat hex = HexFormat.of();
        try (KafkaProducer<String, ServiceStatus> producer = new KafkaProducer<>(props, topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            for (int i = 0; i < services; i++) {
                String name = String.format("svc-%06d", i);
                int days = (i * 37) % 400 - 10;
                Instant notAfter = now.plus(Duration.ofDays(days)).plusSeconds(i % 86_400);
                Status status = days < 0 ? Status.EXPIRED : days < 7 ? Status.CRITICAL : days < 30 ? Status.WARNING
                        : i % 50 == 0 ? Status.UNREACHABLE : Status.OK;
                String sha = hex.formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(name.getBytes()));
                CertificateRef leaf = CertificateRef.newBuilder().setSha256(sha).setSubject("CN=" + name + ".example.com")
                        .setIssuer(i % 3 == 0 ? "CN=R11, O=Let's Encrypt" : "CN=Example Corp Issuing CA")
                        .setNotBefore(notAfter.minus(Duration.ofDays(90))).setNotAfter(notAfter).build();
                EndpointStatus endpoint = EndpointStatus.newBuilder()
                        .setEndpoint(Endpoint.newBuilder().setAddress("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255))
                                .setPort(443).setSni(name + ".example.com").build())
                        .setTargetId("tls://" + name + ".example.com:443").setStatus(status).setOutcome(Outcome.OK).setNotAfter(notAfter)
                        .setLeaf(leaf).setLastObservedAt(now).setLeafKeyAlgorithm(i % 4 == 0 ? "RSA" : "EC")
                        .setLeafKeyBits(i % 4 == 0 ? 2048 : 256).build();
                ServiceStatus s = ServiceStatus.newBuilder().setService(name).setOwner(OWNERS.get(i % OWNERS.size()))
                        .setLabels(Map.of("env", i % 5 == 0 ? "staging" : "prod")).setStatus(status).setNotAfter(notAfter)
                        .setEndpoints(List.of(endpoint)).setUpdatedAt(now)
                        .setProblems(status == Status.OK ? List.of() : List.of("certificate CN=" + name + ".example.com: " + status))
                        .build();
                producer.send(new ProducerRecord<>(topic.name(), name, s));
            }
            producer.flush();
        }
    }
}

package dev.certsonar.cli.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.cli.CommandProcess;
import dev.certsonar.notifier.delivery.KafkaUndeliverable;
import dev.certsonar.notifier.delivery.WebhookChannel;
import dev.certsonar.sandbox.http.HttpReceiver;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A channel that is down, against a real {@code certsonar notifier} process, a real broker and two real webhook
 * receivers. The notifier delivers every alert to both channels, {@code flaky} and {@code steady}; {@code flaky} has a
 * retry budget of its own. First {@code flaky} answers 503 for less than its budget, then recovers: its alerts are
 * retried with backoff and delivered once it is back, each event once after deduplication by its Idempotency-Key.
 * Then it answers 503 for longer than its budget: those alerts go to {@code alerts-undeliverable} with the reason.
 * {@code steady} gets every alert of both batches while {@code flaky} is down, each once.
 *
 * <p>Sized for CI by default; {@code bench/channel-outage} runs the same test at full scale through the system
 * properties {@code certsonar.fault.alerts} (alerts in all, half in each outage), {@code certsonar.fault.budget} (the
 * retry budget of {@code flaky}) and {@code certsonar.fault.firstOutage} (how long the first outage lasts at least).
 */
@ExtendWith(KafkaBrokerExtension.class)
class ChannelOutageIT {

    private static final Logger log = LoggerFactory.getLogger(ChannelOutageIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HTTP_PORT = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)");
    private static final int PARTITIONS = 3;

    private static final int ALERTS = Integer.getInteger("certsonar.fault.alerts", 40);
    private static final Duration BUDGET = Durations.parse(System.getProperty("certsonar.fault.budget", "30s"));
    private static final Duration FIRST_OUTAGE = Durations.parse(System.getProperty("certsonar.fault.firstOutage", "10s"));
    /** How long a batch may take to reach a channel that is up: generous for a loaded machine, never a measurement. */
    private static final Duration PROMPT = Duration.ofSeconds(60).plus(Duration.ofMillis(20L * ALERTS));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process notifier;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (notifier != null) {
            notifier.destroyForcibly();
        }
    }

    /** An event as a channel received it: which notification (its Idempotency-Key) carried it. */
    record Received(String eventId, String service, String key) {
    }

    @Test
    void aChannelThatIsDownIsRetriedWithinItsBudgetAndHandsOverWhatOutlastsItWhileTheOtherChannelDeliversThroughout(
            EmbeddedKafkaBroker broker) throws Exception {
        assertThat(FIRST_OUTAGE).as("the first outage is shorter than the budget").isLessThan(BUDGET);
        String run = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = Topics.withPrefix("t-" + run + ".");
        try (Admin admin = Admin.create(broker.clientProperties())) {
            TopicAdmin.ensureTopics(admin, topics, PARTITIONS, (short) 1);
        }
        try (HttpReceiver flaky = new HttpReceiver(); HttpReceiver steady = new HttpReceiver();
             Undeliverable undeliverable = new Undeliverable(broker, topics)) {
            AtomicBoolean down = new AtomicBoolean(true);
            Taken byFlaky = new Taken(flaky);
            Taken bySteady = new Taken(steady);
            flaky.refuse = r -> down.get();
            startNotifier(broker, topics, flaky, steady);
            int half = ALERTS / 2;

            // the first outage, shorter than the budget
            List<String> first = services("a", half);
            Instant firstSent = publish(broker, topics, first);
            await("the steady channel has the first batch while the flaky one is down").atMost(PROMPT)
                    .pollInterval(Duration.ofMillis(200)).until(() -> bySteady.services().containsAll(first));
            Duration steadyFirst = Duration.between(firstSent, Instant.now());
            assertThat(flaky.accepted).as("nothing reached the flaky channel while it was down").isEmpty();
            await("every notification of the first batch is tried again with backoff").atMost(PROMPT)
                    .pollInterval(Duration.ofMillis(200)).until(() -> triedTwice(flaky, first.size()));
            await("the first outage lasts its time").atMost(FIRST_OUTAGE.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Duration.between(firstSent, Instant.now()).compareTo(FIRST_OUTAGE) >= 0);
            Duration firstOutage = Duration.between(firstSent, Instant.now());
            down.set(false);
            assertThat(firstOutage).as("the first outage stayed within the budget").isLessThan(BUDGET);
            await("the flaky channel gets the first batch once it is back").atMost(PROMPT.plus(BUDGET))
                    .pollInterval(Duration.ofMillis(200)).until(() -> byFlaky.services().containsAll(first));
            assertThat(undeliverable.events()).as("nothing of the first outage is undeliverable").isEmpty();

            // the second outage, longer than the budget
            down.set(true);
            int flakyBefore = flaky.accepted.size();
            List<String> second = services("b", ALERTS - half);
            Instant secondSent = publish(broker, topics, second);
            await("the steady channel has the second batch while the flaky one is down").atMost(PROMPT)
                    .pollInterval(Duration.ofMillis(200)).until(() -> bySteady.services().containsAll(second));
            Duration steadySecond = Duration.between(secondSent, Instant.now());
            await("the second batch goes to alerts-undeliverable once the budget is spent").atMost(PROMPT.plus(BUDGET).plus(BUDGET))
                    .pollInterval(Duration.ofMillis(500)).until(() -> undeliverable.services().containsAll(second));
            await("the second outage outlasts the budget").atMost(BUDGET.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Duration.between(secondSent, Instant.now()).compareTo(BUDGET) > 0);
            Duration secondOutage = Duration.between(secondSent, Instant.now());
            down.set(false);
            await("nothing of the second batch reaches the flaky channel after it is back").during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(30)).until(() -> flaky.accepted.size() == flakyBefore);

            // what each channel has, deduplicated by the Idempotency-Key
            List<Received> toSteady = bySteady.events();
            List<Received> toFlaky = byFlaky.events();
            assertThat(distinctServices(toSteady)).as("steady: every alert of both batches")
                    .containsExactlyInAnyOrderElementsOf(concat(first, second));
            assertThat(distinctEvents(toSteady)).as("steady: one event per alert").hasSize(ALERTS);
            assertThat(distinctServices(toFlaky)).as("flaky: the first batch, none of the second")
                    .containsExactlyInAnyOrderElementsOf(first);
            assertThat(distinctEvents(toFlaky)).hasSize(first.size());
            List<ConsumerRecord<String, Alert>> handedOver = undeliverable.records();
            assertThat(handedOver).allSatisfy(r -> {
                assertThat(header(r, KafkaUndeliverable.CHANNEL_HEADER)).isEqualTo("flaky");
                assertThat(header(r, KafkaUndeliverable.REASON_HEADER)).isEqualTo("budget_spent");
                assertThat(header(r, KafkaUndeliverable.ERROR_HEADER)).contains("HTTP 503");
            });
            assertThat(undeliverable.services()).containsExactlyInAnyOrderElementsOf(second);
            long undeliverableRepeats = handedOver.size() - undeliverable.events().size();

            String metrics = get("/metrics").orElseThrow();
            assertThat(notifier.isAlive()).as("the notifier runs on").isTrue();
            assertThat(get("/healthz")).contains("ok\n");
            assertThat(counter(metrics, "certsonar_notifier_notifications_total", "channel=\"flaky\"", "result=\"undeliverable\""))
                    .isEqualTo(second.size());
            assertThat(counter(metrics, "certsonar_notifier_notification_retries_total", "channel=\"flaky\""))
                    .isGreaterThanOrEqualTo(first.size() + second.size());
            assertThat(metrics).contains("certsonar_notifier_delivery_restarts_total{");
            assertThat(counter(metrics, "certsonar_notifier_delivery_restarts_total", "channel-flaky")).isZero();

            log.info("Channel outage: {} alerts; first outage {} s (budget {} s), second {} s; steady had each batch "
                            + "after {} s and {} s; flaky: {} requests, {} events delivered ({} repeated), {} undeliverable "
                            + "({} repeated); steady: {} events ({} repeated); lost 0",
                    ALERTS, firstOutage.toSeconds(), BUDGET.toSeconds(), secondOutage.toSeconds(), steadyFirst.toSeconds(),
                    steadySecond.toSeconds(), flaky.requests.size(), distinctEvents(toFlaky).size(), repeats(flaky),
                    undeliverable.events().size(), undeliverableRepeats, distinctEvents(toSteady).size(), repeats(steady));
        }
        notifier.destroy();
        assertThat(notifier.waitFor(60, TimeUnit.SECONDS)).as("the notifier stops on SIGTERM").isTrue();
    }

    private void startNotifier(EmbeddedKafkaBroker broker, Topics topics, HttpReceiver flaky, HttpReceiver steady)
            throws IOException {
        Path config = dir.resolve("certsonar.yaml");
        Files.writeString(config, """
                channels:
                  - name: flaky
                    type: webhook
                    url: "%s"
                    retry: {attempts: 1000000, initialBackoff: 500ms, maxBackoff: 4s, budget: %s}
                  - {name: steady, type: webhook, url: "%s"}
                """.formatted(flaky.url("/hook"), Durations.format(BUDGET), steady.url("/hook")));
        Path output = dir.resolve("notifier.log");
        notifier = CommandProcess.start(output, "notifier", "--config", config.toString(),
                "--bootstrap-server", broker.bootstrapServers(), "--topic-prefix", topics.prefix(),
                "--data-dir", dir.resolve("notifier-data").toString(), "--http-port", "0",
                "--partitions", String.valueOf(PARTITIONS));
        await("the notifier is ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!notifier.isAlive()) {
                throw new AssertionError("the notifier exited with " + notifier.exitValue() + ": " + Files.readString(output));
            }
            return get("/readyz").isPresent();
        });
    }

    private int httpPort;

    private Optional<String> get(String path) {
        try {
            if (httpPort == 0) {
                Matcher m = HTTP_PORT.matcher(Files.readString(dir.resolve("notifier.log")));
                if (!m.find()) {
                    return Optional.empty();
                }
                httpPort = Integer.parseInt(m.group(1));
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The value of the counter whose line has every one of {@code parts}; 0 when there is none. */
    private static double counter(String metrics, String name, String... parts) {
        return metrics.lines().filter(l -> l.startsWith(name + "{"))
                .filter(l -> List.of(parts).stream().allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static List<String> services(String batch, int count) {
        List<String> services = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            services.add("svc-" + batch + "-" + i);
        }
        return services;
    }

    /** One status per service with a certificate of its own that expires in three days: one CRITICAL alert each. */
    private static Instant publish(EmbeddedKafkaBroker broker, Topics topics, List<String> services) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> props = new HashMap<>(broker.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaProducer<String, ServiceStatus> producer = new KafkaProducer<>(props, new StringSerializer(),
                topics.serviceStatus().valueSerde().serializer())) {
            for (String service : services) {
                CertificateRef cert = CertificateRef.newBuilder().setSha256(sha256(service)).setSubject("CN=" + service)
                        .setIssuer("CN=Fault CA").setNotBefore(now.minus(Duration.ofDays(87)))
                        .setNotAfter(now.plus(Duration.ofDays(3))).build();
                Condition expiring = Condition.newBuilder().setType(ConditionType.EXPIRING).setLevel(Severity.CRITICAL)
                        .setCertificate(cert).setEndpoints(List.of("127.0.0.1:443 sni=" + service)).setSince(now)
                        .setMessage("expires in 3 days").build();
                producer.send(new ProducerRecord<>(topics.serviceStatus().name(), service, ServiceStatus.newBuilder()
                        .setService(service).setOwner("team-fault").setStatus(Status.CRITICAL)
                        .setNotAfter(cert.getNotAfter()).setDaysLeft(3.0).setConditions(List.of(expiring))
                        .setUpdatedAt(now).build()));
            }
            producer.flush();
        }
        return now;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every one of {@code count} notifications reached the receiver at least twice. */
    private static boolean triedTwice(HttpReceiver receiver, int count) {
        Map<String, Integer> tries = new HashMap<>();
        for (HttpReceiver.Request r : receiver.requests) {
            tries.merge(r.header(WebhookChannel.IDEMPOTENCY_HEADER), 1, Integer::sum);
        }
        return tries.values().stream().filter(n -> n >= 2).count() >= count;
    }

    /** The events a receiver took, each accepted request read once as they come. */
    private static final class Taken {
        private final HttpReceiver receiver;
        private final List<Received> events = new ArrayList<>();
        private int read;

        Taken(HttpReceiver receiver) {
            this.receiver = receiver;
        }

        synchronized List<Received> events() {
            for (int size = receiver.accepted.size(); read < size; read++) {
                events.addAll(ChannelOutageIT.events(receiver.accepted.get(read)));
            }
            return List.copyOf(events);
        }

        Set<String> services() {
            return distinctServices(events());
        }
    }

    private static List<Received> events(HttpReceiver.Request request) {
        try {
            List<Received> events = new ArrayList<>();
            for (JsonNode a : JSON.readTree(request.body()).get("alerts")) {
                events.add(new Received(a.get("eventId").asText(), a.get("service").asText(),
                        request.header(WebhookChannel.IDEMPOTENCY_HEADER)));
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> distinctServices(List<Received> received) {
        return received.stream().map(Received::service).collect(Collectors.toSet());
    }

    private static Set<String> distinctEvents(List<Received> received) {
        return received.stream().map(Received::eventId).collect(Collectors.toSet());
    }

    /** Notifications accepted more than once: what a receiver that deduplicates by Idempotency-Key drops. */
    private static int repeats(HttpReceiver receiver) {
        return receiver.accepted.size() - receiver.acceptedDistinct(WebhookChannel.IDEMPOTENCY_HEADER).size();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** Reads alerts-undeliverable all the time into a list. */
    private static final class Undeliverable implements AutoCloseable {
        private final List<ConsumerRecord<String, Alert>> records = new CopyOnWriteArrayList<>();
        private final AtomicBoolean reading = new AtomicBoolean(true);
        private final Thread reader;

        Undeliverable(EmbeddedKafkaBroker broker, Topics topics) {
            Map<String, Object> props = new HashMap<>(broker.clientProperties());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "undeliverable-reader-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            reader = Thread.ofVirtual().start(() -> {
                try (KafkaConsumer<String, Alert> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                        topics.alertsUndeliverable().valueSerde().deserializer())) {
                    consumer.subscribe(List.of(topics.alertsUndeliverable().name()));
                    while (reading.get()) {
                        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                    }
                }
            });
        }

        List<ConsumerRecord<String, Alert>> records() {
            return List.copyOf(records);
        }

        Set<String> events() {
            return records.stream().map(r -> r.value().getEventId()).collect(Collectors.toSet());
        }

        Set<String> services() {
            return records.stream().map(r -> r.value().getService()).collect(Collectors.toCollection(ConcurrentHashMap::newKeySet));
        }

        @Override
        public void close() throws InterruptedException {
            reading.set(false);
            reader.join(Duration.ofSeconds(10));
        }
    }
}

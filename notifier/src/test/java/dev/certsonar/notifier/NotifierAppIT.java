package dev.certsonar.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.notifier.delivery.Channel;
import dev.certsonar.notifier.delivery.KafkaUndeliverable;
import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.notifier.delivery.Routes;
import dev.certsonar.notifier.delivery.WebhookChannel;
import dev.certsonar.sandbox.http.HttpReceiver;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.policy.Matchers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.certsonar.notifier.Statuses.cert;
import static dev.certsonar.notifier.Statuses.condition;
import static dev.certsonar.notifier.Statuses.status;
import static dev.certsonar.schemas.avro.ConditionType.EXPIRING;
import static dev.certsonar.schemas.avro.ConditionType.UNTRUSTED;
import static dev.certsonar.schemas.avro.Severity.CRITICAL;
import static dev.certsonar.schemas.avro.Severity.WARNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** The notifier on a real broker: status in, alert out, and restarts that neither repeat nor lose an alert. */
@ExtendWith(KafkaBrokerExtension.class)
class NotifierAppIT {

    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    EmbeddedKafkaBroker broker;
    Topics topics;
    NotifierConfig config;
    KafkaProducer<String, ServiceStatus> producer;
    final List<Alert> delivered = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    NotifierApp app;

    @BeforeEach
    void setUp(EmbeddedKafkaBroker broker) throws Exception {
        this.broker = broker;
        String run = UUID.randomUUID().toString();
        topics = Topics.withPrefix("t-" + run + ".");
        config = NotifierConfig.DEFAULT.withApplicationId("notifier-it-" + run).withStateDir(stateDir.resolve("a"));
        try (Admin admin = Admin.create(broker.clientProperties())) {
            TopicAdmin.ensureTopics(admin, topics, 2, (short) 1);
        }
        Map<String, Object> p = new HashMap<>(broker.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, topics.serviceStatus().keySerde().serializer(),
                topics.serviceStatus().valueSerde().serializer());
    }

    @AfterEach
    void tearDown() {
        if (app != null) {
            app.close();
        }
        producer.close();
    }

    private void startApp(NotifierConfig c) {
        app = new NotifierApp(broker.clientProperties(), topics, c, Clock.systemUTC(), delivered::add);
        app.start();
        await().atMost(PATIENCE).until(app::isReady);
    }

    private void startApp(NotifierConfig c, Channel channel) {
        app = new NotifierApp(broker.clientProperties(), topics, c, Clock.systemUTC(), delivered::add, List.of(channel));
        app.start();
        await().atMost(PATIENCE).until(app::isReady);
    }

    private static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(400));

    private void startApp(NotifierConfig c, List<Channel> channels, Map<String, RetryPolicy> retries) {
        app = new NotifierApp(broker.clientProperties(), topics, c, Clock.systemUTC(), delivered::add, channels,
                Routes.toAll(channels.stream().map(Channel::name).toList()), retries, registry);
        app.start();
        await().atMost(PATIENCE).until(app::isReady);
    }

    private void send(ServiceStatus status) throws Exception {
        producer.send(new ProducerRecord<>(topics.serviceStatus().name(), status.getService(), status)).get();
    }

    @Test
    void status_in_alert_out_and_restarts_neither_repeat_nor_lose_an_alert() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        CertificateRef expiring = cert("aa".repeat(32), "CN=shop.example.com", now.plus(Duration.ofDays(3)));
        CertificateRef renewed = cert("bb".repeat(32), "CN=shop.example.com", now.plus(Duration.ofDays(90)));
        CertificateRef selfSigned = cert("cc".repeat(32), "CN=blog.example.com", now.plus(Duration.ofDays(300)));
        CertificateRef api = cert("dd".repeat(32), "CN=api.example.com", now.plus(Duration.ofDays(20)));

        startApp(config);
        send(status("shop", now, expiring, condition(EXPIRING, CRITICAL, expiring, now)));
        send(status("blog", now, selfSigned, condition(UNTRUSTED, CRITICAL, selfSigned, now)));
        await().atMost(PATIENCE).until(() -> delivered.size() == 2);
        send(status("shop", now.plusSeconds(1), expiring, condition(EXPIRING, CRITICAL, expiring, now, 2)));
        send(status("blog", now.plusSeconds(1), selfSigned, condition(UNTRUSTED, CRITICAL, selfSigned, now, 2)));
        await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> delivered.size() == 2);

        app.close();
        send(status("blog", now.plusSeconds(2), selfSigned, condition(UNTRUSTED, CRITICAL, selfSigned, now, 3)));
        send(status("shop", now.plusSeconds(2), renewed));
        startApp(config);
        send(status("api", now.plusSeconds(3), api, condition(EXPIRING, WARNING, api, now)));
        await().atMost(PATIENCE).until(() -> delivered.size() == 4);
        await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> delivered.size() == 4);

        app.close();
        startApp(config.withStateDir(stateDir.resolve("b")));
        send(status("blog", now.plusSeconds(4), selfSigned, condition(UNTRUSTED, CRITICAL, selfSigned, now, 4)));
        send(status("blog", now.plusSeconds(5), selfSigned));
        await().atMost(PATIENCE).until(() -> delivered.size() == 5);
        await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> delivered.size() == 5);

        List<Alert> onTopic = readCommitted();
        assertThat(onTopic).extracting(Alert::getService, Alert::getCondition, Alert::getState)
                .containsExactlyInAnyOrder(
                        tuple("shop", EXPIRING, AlertState.FIRING),
                        tuple("blog", UNTRUSTED, AlertState.FIRING),
                        tuple("shop", EXPIRING, AlertState.RESOLVED),
                        tuple("api", EXPIRING, AlertState.FIRING),
                        tuple("blog", UNTRUSTED, AlertState.RESOLVED));
        assertThat(onTopic).extracting(Alert::getEventId).doesNotHaveDuplicates();
        assertThat(delivered).extracting(Alert::getEventId)
                .containsExactlyInAnyOrderElementsOf(onTopic.stream().map(Alert::getEventId).toList());
        Alert shopResolved = onTopic.stream()
                .filter(a -> a.getService().equals("shop") && a.getState() == AlertState.RESOLVED).findFirst().orElseThrow();
        assertThat(shopResolved.getMessage()).contains("renewed");
        assertThat(shopResolved.getFirstFiredAt()).isEqualTo(now);
    }

    @Test
    void a_webhook_gets_one_grouped_notification_retries_and_sends_nothing_twice_across_a_restart() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        CertificateRef wildcard = cert("ee".repeat(32), "CN=*.example.com", now.plus(Duration.ofDays(100)));
        NotifierConfig c = config.withDelivery(Duration.ofSeconds(2), QUICK);
        try (HttpReceiver receiver = new HttpReceiver()) {
            startApp(c, new WebhookChannel("ops", receiver.url("/hook"), "k", Duration.ofSeconds(5), Clock.systemUTC()));
            for (String service : List.of("shop", "blog", "api")) {
                send(status(service, now, wildcard, condition(UNTRUSTED, CRITICAL, wildcard, now)));
            }
            await().atMost(PATIENCE).until(() -> delivered.size() == 3);
            await().atMost(PATIENCE).until(() -> !receiver.requests.isEmpty());
            await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> receiver.requests.size() == 1);
            JsonNode group = JSON.readTree(receiver.requests.getFirst().body());
            assertThat(group.get("alerts")).extracting(a -> a.get("service").asText())
                    .containsExactlyInAnyOrder("shop", "blog", "api");

            app.close();
            receiver.failuresLeft.set(2);
            startApp(c, new WebhookChannel("ops", receiver.url("/hook"), "k", Duration.ofSeconds(5), Clock.systemUTC()));
            send(status("shop", now.plusSeconds(1), wildcard));
            await().atMost(PATIENCE).until(() -> receiver.requests.size() == 4);
            await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> receiver.requests.size() == 4);

            List<String> keys = receiver.requests.stream().map(r -> r.header("Idempotency-Key")).toList();
            assertThat(keys.get(1)).isEqualTo(keys.get(2)).isEqualTo(keys.get(3)).isNotEqualTo(keys.get(0));
            JsonNode resolved = JSON.readTree(receiver.requests.get(3).body()).get("alerts");
            assertThat(resolved).singleElement().satisfies(a -> {
                assertThat(a.get("service").asText()).isEqualTo("shop");
                assertThat(a.get("state").asText()).isEqualTo("RESOLVED");
            });
        }
    }

    @Test
    void what_a_channel_rejects_goes_to_alerts_undeliverable_with_the_error() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        CertificateRef selfSigned = cert("ff".repeat(32), "CN=blog.example.com", now.plus(Duration.ofDays(300)));
        try (HttpReceiver receiver = new HttpReceiver()) {
            receiver.status.set(400);
            startApp(config.withDelivery(Duration.ZERO, QUICK),
                    new WebhookChannel("ops", receiver.url("/hook"), "k", Duration.ofSeconds(5), Clock.systemUTC()));
            send(status("blog", now, selfSigned, condition(UNTRUSTED, CRITICAL, selfSigned, now)));

            Map<String, Object> props = new HashMap<>(broker.clientProperties());
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "undeliverable-reader-" + UUID.randomUUID());
            try (KafkaConsumer<String, Alert> consumer = new KafkaConsumer<>(props,
                    topics.alertsUndeliverable().keySerde().deserializer(),
                    topics.alertsUndeliverable().valueSerde().deserializer())) {
                consumer.subscribe(List.of(topics.alertsUndeliverable().name()));
                List<ConsumerRecord<String, Alert>> got = new ArrayList<>();
                await().atMost(PATIENCE).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                    return !got.isEmpty();
                });
                ConsumerRecord<String, Alert> r = got.getFirst();
                assertThat(r.key()).isEqualTo("blog");
                assertThat(r.value().getCondition()).isEqualTo(UNTRUSTED);
                assertThat(header(r, KafkaUndeliverable.CHANNEL_HEADER)).isEqualTo("ops");
                assertThat(header(r, KafkaUndeliverable.ATTEMPTS_HEADER)).isEqualTo("1");
                assertThat(header(r, KafkaUndeliverable.ERROR_HEADER)).contains("HTTP 400");
            }
            assertThat(receiver.requests).hasSize(1);
        }
    }

    @Test
    void a_channel_whose_receiver_hangs_holds_up_no_other_channel() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (HttpReceiver hanging = new HttpReceiver(); HttpReceiver prompt = new HttpReceiver()) {
            hanging.hang = true;
            RetryPolicy patient = new RetryPolicy(100, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMinutes(5));
            startApp(config.withDelivery(Duration.ZERO, QUICK), List.of(
                    new WebhookChannel("stuck", hanging.url("/hook"), null, Duration.ofSeconds(1), Clock.systemUTC()),
                    new WebhookChannel("ops", prompt.url("/hook"), null, Duration.ofSeconds(5), Clock.systemUTC())),
                    Map.of("stuck", patient));
            List<String> services = List.of("shop", "blog", "api", "mail", "www");
            for (int i = 0; i < services.size(); i++) {
                String service = services.get(i);
                CertificateRef own = cert(("5" + i).repeat(32), "CN=" + service + ".example.com",
                        now.plus(Duration.ofDays(3)));
                send(status(service, now, own, condition(EXPIRING, CRITICAL, own, now)));
            }

            await("every alert reaches the prompt channel while the other one hangs").atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(prompt.accepted).hasSize(services.size()));
            assertThat(hanging.requests).as("the stuck channel is still trying").isNotEmpty();
            assertThat(hanging.accepted).isEmpty();
            await("the stuck channel retries").atMost(PATIENCE).until(() -> registry.get(
                    "certsonar.notifier.notification.retries").tag("channel", "stuck").counter().count() > 0);
            assertThat(hanging.accepted).isEmpty();
            assertThat(app.isAlive()).isTrue();
            assertThat(registry.get("certsonar.notifier.notifications").tag("channel", "ops").tag("result", "delivered")
                    .counter().count()).isEqualTo(services.size());
        }
    }

    @Test
    void a_delivery_that_keeps_failing_is_restarted_then_makes_the_notifier_no_longer_alive() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        CertificateRef selfSigned = cert("34".repeat(32), "CN=blog.example.com", now.plus(Duration.ofDays(300)));
        try (Admin admin = Admin.create(broker.clientProperties()); HttpReceiver receiver = new HttpReceiver()) {
            // the broker refuses every record of alerts-undeliverable, so the rejected alert cannot be handed over
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC,
                    topics.alertsUndeliverable().name()), List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "100"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            receiver.status.set(400);
            startApp(config.withDelivery(Duration.ZERO, QUICK)
                            .withDeliveryRestarts(new RetryPolicy(3, Duration.ofMillis(200), Duration.ofMillis(400))),
                    List.of(new WebhookChannel("ops", receiver.url("/hook"), null, Duration.ofSeconds(5), Clock.systemUTC())),
                    Map.of());
            send(status("blog", now, selfSigned, condition(UNTRUSTED, CRITICAL, selfSigned, now)));

            await("the delivery gives up").atMost(PATIENCE).until(() -> !app.isAlive());
            String group = config.applicationId() + "-channel-ops";
            assertThat(app.stoppedPart()).contains("the alert delivery of consumer group " + group);
            assertThat(registry.get("certsonar.notifier.delivery.restarts").tag("group", group).counter().count())
                    .isEqualTo(2.0);
            assertThat(registry.get("certsonar.notifier.delivery.alive").tag("group", group).gauge().value()).isZero();
            assertThat(app.state()).as("the alert lifecycle goes on").isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(receiver.requests).as("tried once per run").hasSize(3);
        }
    }

    @Test
    void unreadable_input_goes_to_dead_letters_and_alerting_goes_on() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        CertificateRef selfSigned = cert("12".repeat(32), "CN=blog.example.com", now.plus(Duration.ofDays(300)));
        startApp(config);
        Map<String, Object> p = new HashMap<>(broker.clientProperties());
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topics.serviceStatus().name(), "blog".getBytes(), "not avro".getBytes())).get();
            raw.send(new ProducerRecord<>(topics.alerts().name(), "blog".getBytes(), "not avro either".getBytes())).get();
            raw.send(new ProducerRecord<>(topics.silences().name(), "s1".getBytes(), "no silence".getBytes())).get();
            Silence backwards = silence("s2", now, now.minusSeconds(60), "service=blog");
            raw.send(new ProducerRecord<>(topics.silences().name(), "s2".getBytes(),
                    topics.silences().valueSerde().serializer().serialize("", backwards))).get();
            raw.send(new ProducerRecord<>(topics.acknowledgements().name(), "a1".getBytes(), "no ack".getBytes())).get();
        }
        send(status("blog", now, selfSigned, condition(UNTRUSTED, CRITICAL, selfSigned, now)));
        await().atMost(PATIENCE).until(() -> delivered.size() == 1);

        Map<String, Object> c = new HashMap<>(broker.clientProperties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-reader-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.deadLetters().name()));
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return got.size() >= 5;
            });
            assertThat(got).filteredOn(r -> !new String(r.key()).equals("s2"))
                    .extracting(r -> new String(r.value()))
                    .containsExactlyInAnyOrder("not avro", "not avro either", "no silence", "no ack");
            ConsumerRecord<byte[], byte[]> invalid = got.stream().filter(r -> new String(r.key()).equals("s2"))
                    .findFirst().orElseThrow();
            assertThat(header(invalid, DeadLetters.ERROR)).contains("endsAt", "is before startsAt");
            assertThat(header(invalid, DeadLetters.SOURCE_TOPIC)).isEqualTo(topics.silences().name());
            ConsumerRecord<byte[], byte[]> fromDelivery = got.stream()
                    .filter(r -> new String(r.value()).equals("not avro either")).findFirst().orElseThrow();
            assertThat(header(fromDelivery, DeadLetters.COMPONENT)).isEqualTo("notifier");
            assertThat(header(fromDelivery, DeadLetters.SOURCE_TOPIC)).isEqualTo(topics.alerts().name());
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        return new String(r.headers().lastHeader(name).value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private List<Alert> readCommitted() {
        List<Alert> alerts = readCommitted(topics.alerts()).stream().map(r -> {
            assertThat(r.key()).isEqualTo(r.value().getService());
            return r.value();
        }).toList();
        return alerts;
    }

    /** Every record of the topic up to its end, as read_committed readers see them. */
    private <V> List<ConsumerRecord<String, V>> readCommitted(Topic<String, V> topic) {
        Map<String, Object> c = new HashMap<>(broker.clientProperties());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(c, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return records;
    }

    /** The latest state of each alert on alert-states, by alertId (a forgotten alert is absent). */
    private Map<String, AlertLifecycle> alertStates() {
        Map<String, AlertLifecycle> latest = new HashMap<>();
        for (ConsumerRecord<String, AlertLifecycle> r : readCommitted(topics.alertStates())) {
            if (r.value() == null) {
                latest.remove(r.key());
            } else {
                latest.put(r.key(), r.value());
            }
        }
        return latest;
    }

    private <V> void write(Topic<String, V> topic, String key, V value) throws Exception {
        Map<String, Object> p = new HashMap<>(broker.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, V> out = new KafkaProducer<>(p, topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            out.send(new ProducerRecord<>(topic.name(), key, value)).get();
        }
    }

    private static Silence silence(String id, Instant starts, Instant ends, String matcher) {
        return Silence.newBuilder().setId(id).setMatchers(List.of(Matchers.parse(matcher))).setStartsAt(starts)
                .setEndsAt(ends).setCreatedBy("alice").setComment("migration").setCreatedAt(starts).build();
    }

    /**
     * Fires an alert of a service named canary, which the channel gets, then writes the silence and waits until the
     * notifier applies it: the canary's state turns SILENCED. A silence takes a moment to reach the lifecycle (it
     * passes through a repartition), so an alert that fires in that moment is not muted yet.
     */
    private void silenceInEffect(Silence silence, HttpReceiver receiver) throws Exception {
        CertificateRef canary = cert("30".repeat(32), "CN=canary.example.com", Instant.now().plus(Duration.ofDays(3)));
        send(status("canary", Instant.now().truncatedTo(ChronoUnit.MILLIS), canary, condition(EXPIRING, CRITICAL, canary,
                Instant.now())));
        await().atMost(PATIENCE).until(() -> receiver.requests.size() == 1);
        write(topics.silences(), silence.getId(), silence);
        await().atMost(PATIENCE).until(() -> alertStates().values().stream()
                .anyMatch(s -> s.getService().equals("canary") && s.getState() == LifecycleState.SILENCED));
    }

    /**
     * With no wall-clock check while the silence lasts (so that its end is seen only after a restart): shop's alert
     * fires at {@code now} under a silence of team-web's services that ends at {@code ends}; then the notifier stops.
     */
    private void shopFiresUnderASilenceAndTheNotifierStops(HttpReceiver receiver, Instant now, Instant ends) throws Exception {
        CertificateRef expiring = cert("31".repeat(32), "CN=shop.example.com", now.plus(Duration.ofDays(3)));
        startApp(config.withPunctuateInterval(Duration.ofHours(1)), webhook(receiver));
        silenceInEffect(silence("s1", now.minusSeconds(60), ends, "owner=team-web"), receiver);
        send(status("shop", now, expiring, condition(EXPIRING, CRITICAL, expiring, now)));
        await().atMost(PATIENCE).until(() -> delivered.stream().anyMatch(a -> a.getService().equals("shop")));
        app.close();
    }

    @Test
    void a_silence_that_ends_while_the_notifier_is_stopped_gives_the_channel_the_alert_once_after_the_restart() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (HttpReceiver receiver = new HttpReceiver()) {
            shopFiresUnderASilenceAndTheNotifierStops(receiver, now, now.plusSeconds(60));
            assertThat(delivered).filteredOn(a -> a.getService().equals("shop")).singleElement()
                    .extracting(Alert::getSilenced).isEqualTo(true);
            assertThat(receiver.requests).as("the channel does not get a silenced alert").hasSize(1);

            write(topics.silences(), "s1", silence("s1", now.minusSeconds(60), now.plusSeconds(1), "owner=team-web"));
            await().atMost(PATIENCE).until(() -> Instant.now().isAfter(now.plusSeconds(1)));
            startApp(config.withPunctuateInterval(Duration.ofSeconds(1)), webhook(receiver));
            await().atMost(PATIENCE).until(() -> receiver.requests.size() == 2);
            JsonNode sent = JSON.readTree(receiver.requests.get(1).body()).get("alerts");
            assertThat(sent).singleElement().satisfies(a -> {
                assertThat(a.get("service").asText()).isEqualTo("shop");
                assertThat(a.get("state").asText()).isEqualTo("FIRING");
                assertThat(a.get("reminder").asBoolean()).isFalse();
            });

            app.close();
            startApp(config.withPunctuateInterval(Duration.ofSeconds(1)), webhook(receiver));
            await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> receiver.requests.size() == 2);
        }
        assertThat(readCommitted()).filteredOn(a -> a.getService().equals("shop"))
                .extracting(Alert::getState, Alert::getSilenced)
                .containsExactly(tuple(AlertState.FIRING, true), tuple(AlertState.FIRING, false));
        assertThat(alertStates().values()).extracting(AlertLifecycle::getState).containsOnly(LifecycleState.FIRING);
    }

    @Test
    void a_silence_whose_end_passes_while_the_notifier_is_stopped_is_seen_ended_by_the_first_check_after_the_restart()
            throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant ends = now.plusSeconds(20);
        try (HttpReceiver receiver = new HttpReceiver()) {
            shopFiresUnderASilenceAndTheNotifierStops(receiver, now, ends);
            await().atMost(PATIENCE).until(() -> Instant.now().isAfter(ends));
            startApp(config.withPunctuateInterval(Duration.ofSeconds(1)), webhook(receiver));
            await().atMost(PATIENCE).until(() -> receiver.requests.size() == 2);
            await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> receiver.requests.size() == 2);
        }
        List<Alert> shop = readCommitted().stream().filter(a -> a.getService().equals("shop")).toList();
        assertThat(shop).extracting(Alert::getSilenced).containsExactly(true, false);
        assertThat(shop.getFirst().getAt()).isEqualTo(now);
        assertThat(shop.getLast().getAt()).as("the first wall-clock check after the restart").isAfterOrEqualTo(ends);
    }

    @Test
    void a_silenced_alert_is_not_sent_after_a_restart_on_rebuilt_state() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        CertificateRef selfSigned = cert("32".repeat(32), "CN=blog.example.com", now.plus(Duration.ofDays(300)));
        try (HttpReceiver receiver = new HttpReceiver()) {
            startApp(config.withPunctuateInterval(Duration.ofSeconds(1)), webhook(receiver));
            silenceInEffect(silence("s1", now.minusSeconds(60), now.plus(Duration.ofDays(1)), "owner=~team-.*"), receiver);
            send(status("blog", now, selfSigned, condition(UNTRUSTED, CRITICAL, selfSigned, now)));
            await().atMost(PATIENCE).until(() -> delivered.stream().anyMatch(a -> a.getService().equals("blog")));
            app.close();

            startApp(config.withPunctuateInterval(Duration.ofSeconds(1)).withStateDir(stateDir.resolve("rebuilt")),
                    webhook(receiver));
            send(status("blog", now.plusSeconds(1), selfSigned, condition(UNTRUSTED, CRITICAL, selfSigned, now, 2)));
            await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> receiver.requests.size() == 1);
        }
        assertThat(readCommitted()).filteredOn(a -> a.getService().equals("blog")).singleElement()
                .extracting(Alert::getSilenced).isEqualTo(true);
        assertThat(alertStates().values()).filteredOn(s -> s.getService().equals("blog")).singleElement().satisfies(s -> {
            assertThat(s.getState()).isEqualTo(LifecycleState.SILENCED);
            assertThat(s.getSilences()).containsExactly("s1");
        });
    }

    @Test
    void acknowledgements_reach_the_alerts_of_every_partition_stop_reminders_and_end_with_the_alert() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        NotifierConfig c = config.withPunctuateInterval(Duration.ofMillis(500))
                .withReminders(Map.of("CRITICAL", Duration.ofSeconds(2)));
        List<String> services = List.of("shop", "blog", "api", "mail", "cdn", "db");
        startApp(c);
        for (String service : services) {
            CertificateRef cert = cert(AlertIds.hash(service).repeat(2), "CN=" + service, now.plus(Duration.ofDays(3)));
            send(status(service, now, cert, condition(EXPIRING, CRITICAL, cert, now)));
        }
        await().atMost(PATIENCE).until(() -> alertStates().size() == services.size());
        Map<String, AlertLifecycle> firing = alertStates();
        for (String alertId : firing.keySet()) {
            write(topics.acknowledgements(), alertId, Acknowledgement.newBuilder().setAlertId(alertId).setBy("bob")
                    .setAt(Instant.now()).setComment("on it").build());
        }
        await().atMost(PATIENCE).until(() -> alertStates().values().stream()
                .allMatch(s -> s.getState() == LifecycleState.ACKNOWLEDGED));
        // a reminder emitted before its acknowledgement was processed may still be on its way to the receiver: once
        // nothing more arrives for 3 s, nothing more may arrive at all, while reminders every 2 s would keep coming
        int[] last = {-1};
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(3)).until(() -> {
            int count = delivered.size();
            boolean settled = count == last[0];
            last[0] = count;
            return settled;
        });
        int seen = delivered.size();
        await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> delivered.size() == seen);

        for (String service : services) {
            send(status(service, Instant.now(), null));
        }
        await().atMost(PATIENCE).until(() -> alertStates().values().stream()
                .allMatch(s -> s.getState() == LifecycleState.RESOLVED));
        Map<String, Acknowledgement> acks = new HashMap<>();
        await().atMost(PATIENCE).until(() -> {
            readCommitted(topics.acknowledgements()).forEach(r -> acks.put(r.key(), r.value()));
            return acks.keySet().equals(firing.keySet()) && acks.values().stream().allMatch(java.util.Objects::isNull);
        });
    }

    private static WebhookChannel webhook(HttpReceiver receiver) {
        return new WebhookChannel("ops", receiver.url("/hook"), "k", Duration.ofSeconds(5), Clock.systemUTC());
    }
}

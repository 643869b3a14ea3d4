package dev.certsonar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.notifier.AlertIds;
import dev.certsonar.notifier.NotifierApp;
import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.notifier.delivery.Channel;
import dev.certsonar.notifier.delivery.Notification;
import dev.certsonar.sandbox.junit.KafkaBrokerExtension;
import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.TopicAdmin;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.avro.Status;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code silence}, {@code ack} and {@code exceptions} against a real broker, and with a notifier that applies them. */
@ExtendWith(KafkaBrokerExtension.class)
class OperatorCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String UUID_FORM = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private final String prefix = "t-" + UUID.randomUUID() + ".";
    private final Topics topics = Topics.withPrefix(prefix);
    private EmbeddedKafkaBroker broker;

    /** Every topic, as the components create them: the embedded broker creates none by itself. */
    @BeforeEach
    void createTopics(EmbeddedKafkaBroker broker) {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            TopicAdmin.ensureTopics(admin, topics, 2, (short) 1);
        }
        this.broker = broker;
    }

    private CommandRun run(String... args) {
        return CommandRun.of(Stream.concat(Stream.of(args),
                Stream.of("--bootstrap-server", broker.bootstrapServers(), "--topic-prefix", prefix)).toArray(String[]::new));
    }

    private <V> Map<String, V> latest(Topic<String, V> topic) throws Exception {
        CertsonarConfig config = CertsonarConfig.DEFAULT.withKafka(Map.of("bootstrap.servers", broker.bootstrapServers()));
        return new ClusterTopic<>(config, topic).readAll(new PrintWriter(new StringWriter()));
    }

    private <V> void write(Topic<String, V> topic, String key, V value) throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(broker.clientProperties(),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    @Test
    void a_silence_is_added_listed_and_expired() throws Exception {
        CommandRun added = run("silence", "add", "--match", "service=~shop-.*", "label.env=prod", "--for", "2h",
                "--comment", "planned migration", "--by", "alice");
        assertThat(added.exitCode()).as(added.err()).isZero();
        String id = added.out().strip();
        assertThat(id).matches(UUID_FORM);

        Silence stored = latest(topics.silences()).get(id);
        assertThat(stored.getCreatedBy()).isEqualTo("alice");
        assertThat(Duration.between(stored.getStartsAt(), stored.getEndsAt())).isEqualTo(Duration.ofHours(2));

        CommandRun list = run("silence", "list");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out().lines().toList()).hasSize(2).first().asString()
                .startsWith("ID").contains("STATE", "MATCHERS", "STARTS", "ENDS", "BY", "COMMENT");
        assertThat(list.out().lines().toList().get(1)).startsWith(id).contains("active", "service=~shop-.* label.env=prod",
                stored.getEndsAt().toString(), "alice", "planned migration");

        JsonNode json = parse(run("silence", "list", "--json").out().strip());
        assertThat(json.get("id").asText()).isEqualTo(id);
        assertThat(json.get("state").asText()).isEqualTo("active");
        assertThat(json.get("matchers").get(0).get("value").asText()).isEqualTo("shop-.*");
        assertThat(json.get("matchers").get(0).get("regex").asBoolean()).isTrue();
        assertThat(json.get("comment").asText()).isEqualTo("planned migration");

        CommandRun expired = run("silence", "expire", id);
        assertThat(expired.exitCode()).as(expired.err()).isZero();
        assertThat(expired.out()).contains("expired silence " + id);
        assertThat(latest(topics.silences()).get(id).getEndsAt()).isBeforeOrEqualTo(Instant.now());
        CommandRun empty = run("silence", "list");
        assertThat(empty.out().lines()).hasSize(1);
        assertThat(empty.err()).contains("no active or pending silences on " + prefix + "silences");
        assertThat(run("silence", "expire", id).out()).contains("silence " + id + " had already ended at");
    }

    @Test
    void expiring_an_unknown_silence_is_an_error_naming_it() {
        CommandRun unknown = run("silence", "expire", "no-such-silence");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("certsonar silence expire: no silence with id no-such-silence on " + prefix
                + "silences (`certsonar silence list` shows them)");
    }

    @Test
    void an_exception_is_added_listed_and_removed() throws Exception {
        CommandRun added = run("exceptions", "add", "--match", "service=intranet", "--accept", "untrusted",
                "HOSTNAME_MISMATCH", "--reason", "internal CA, self-signed on purpose", "--until", "2099-01-01", "--by", "carol");
        assertThat(added.exitCode()).as(added.err()).isZero();
        String id = added.out().strip();
        assertThat(id).matches(UUID_FORM);
        AcceptedException stored = latest(topics.exceptions()).get(id);
        assertThat(stored.getConditions()).containsExactly(ConditionType.UNTRUSTED, ConditionType.HOSTNAME_MISMATCH);
        assertThat(stored.getUntil()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));

        CommandRun list = run("exceptions", "list");
        assertThat(list.out().lines().toList().get(1)).startsWith(id).contains("UNTRUSTED,HOSTNAME_MISMATCH",
                "service=intranet", "2099-01-01T00:00:00Z", "carol", "internal CA, self-signed on purpose");
        JsonNode json = parse(run("exceptions", "list", "--json").out().strip());
        assertThat(json.get("conditions").get(1).asText()).isEqualTo("HOSTNAME_MISMATCH");
        assertThat(json.get("reason").asText()).isEqualTo("internal CA, self-signed on purpose");

        CommandRun unknown = run("exceptions", "remove", id, "no-such-exception");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no exception with id no-such-exception");
        assertThat(latest(topics.exceptions())).containsKey(id);

        CommandRun removed = run("exceptions", "remove", id);
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("removed exception " + id);
        assertThat(latest(topics.exceptions())).isEmpty();
    }

    static AlertLifecycle state(String service, ConditionType condition, LifecycleState state) {
        Instant at = Instant.parse("2026-11-27T12:00:00Z");
        return AlertLifecycle.newBuilder().setAlertId(AlertIds.alertId(service, null, condition, Severity.CRITICAL))
                .setState(state).setSeverity(Severity.CRITICAL).setCondition(condition).setLevel(Severity.CRITICAL)
                .setService(service).setSince(at).setResolvedAt(state == LifecycleState.RESOLVED ? at : null)
                .setUpdatedAt(at).build();
    }

    @Test
    void only_a_firing_alert_is_acknowledged_and_an_acknowledgement_can_be_withdrawn() throws Exception {
        AlertLifecycle firing = state("shop", ConditionType.UNTRUSTED, LifecycleState.FIRING);
        AlertLifecycle held = state("shop", ConditionType.UNREACHABLE, LifecycleState.HELD);
        AlertLifecycle resolved = state("blog", ConditionType.UNTRUSTED, LifecycleState.RESOLVED);
        for (AlertLifecycle s : List.of(firing, held, resolved)) {
            write(topics.alertStates(), s.getAlertId(), s);
        }

        CommandRun acked = run("ack", firing.getAlertId().substring(0, 8), "--comment", "renewing", "--by", "bob");
        assertThat(acked.exitCode()).as(acked.err()).isZero();
        assertThat(acked.out()).contains("acknowledged alert " + firing.getAlertId() + " (CRITICAL UNTRUSTED on shop) as bob");
        Acknowledgement ack = latest(topics.acknowledgements()).get(firing.getAlertId());
        assertThat(ack.getBy()).isEqualTo("bob");
        assertThat(ack.getComment()).isEqualTo("renewing");

        CommandRun heldRefused = run("ack", held.getAlertId());
        assertThat(heldRefused.exitCode()).isEqualTo(1);
        assertThat(heldRefused.err()).contains("alert " + held.getAlertId() + " (CRITICAL UNREACHABLE on shop) is held");
        CommandRun resolvedRefused = run("ack", resolved.getAlertId());
        assertThat(resolvedRefused.exitCode()).isEqualTo(1);
        assertThat(resolvedRefused.err()).contains("is not firing: it resolved at 2026-11-27T12:00:00Z; only a firing "
                + "alert can be acknowledged");
        CommandRun unknown = run("ack", "ffffffff");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("certsonar ack: no alert ffffffff on " + prefix + "alert-states");
        for (String id : List.of("aaaa0001", "aaaa0002")) {
            write(topics.alertStates(), id, AlertLifecycle.newBuilder(firing).setAlertId(id).build());
        }
        CommandRun ambiguous = run("ack", "aaaa");
        assertThat(ambiguous.exitCode()).isEqualTo(1);
        assertThat(ambiguous.err()).contains("certsonar ack: aaaa starts the ids of 2 alerts (aaaa0001, aaaa0002); "
                + "give more of the id");
        assertThat(latest(topics.acknowledgements())).containsOnlyKeys(firing.getAlertId());

        CommandRun withdrawn = run("ack", "--withdraw", firing.getAlertId());
        assertThat(withdrawn.exitCode()).as(withdrawn.err()).isZero();
        assertThat(withdrawn.out()).contains("withdrew the acknowledgement of alert " + firing.getAlertId());
        assertThat(latest(topics.acknowledgements())).isEmpty();
    }

    /** A channel that keeps what it is given. */
    record Kept(List<Notification> notifications) implements Channel {
        @Override
        public String name() {
            return "kept";
        }

        @Override
        public void send(Notification notification) {
            notifications.add(notification);
        }
    }

    /** A certificate fingerprint of the service's own. */
    static String sha(String service) {
        return String.format("%064x", new BigInteger(1, service.getBytes(StandardCharsets.UTF_8)));
    }

    static ServiceStatus expiring(String service, Instant at) {
        CertificateRef cert = CertificateRef.newBuilder().setSha256(sha(service)).setSubject("CN=" + service)
                .setNotAfter(at.plus(Duration.ofDays(3))).build();
        Condition condition = Condition.newBuilder().setType(ConditionType.EXPIRING).setLevel(Severity.CRITICAL)
                .setCertificate(cert).setSince(at).setMessage("").build();
        return ServiceStatus.newBuilder().setService(service).setOwner("team-web").setStatus(Status.CRITICAL)
                .setConditions(List.of(condition)).setUpdatedAt(at).build();
    }

    private long notified(List<Notification> kept, String service) {
        return kept.stream().filter(n -> n.alerts().getFirst().getService().equals(service)).count();
    }

    /** The alert events of the service the channel got, in the order it got them. */
    private static List<Alert> delivered(List<Notification> kept, String service) {
        return kept.stream().flatMap(n -> n.alerts().stream()).filter(a -> a.getService().equals(service)).toList();
    }

    /**
     * The acknowledgement stops the reminders the lifecycle emits once it applied it: the alert's
     * {@code lastNotifiedAt} on alert-states then is the time of the last event the channels are given. Delivery is
     * asynchronous (the group window holds events for a while), so that event may reach the channel after the state
     * shows ACKNOWLEDGED; no event of the alert is emitted after it.
     */
    @Test
    void a_notifier_applies_what_the_commands_write(@TempDir Path stateDir) throws Exception {
        List<Notification> kept = new CopyOnWriteArrayList<>();
        NotifierConfig config = NotifierConfig.DEFAULT.withApplicationId("operator-it-" + UUID.randomUUID())
                .withStateDir(stateDir).withPunctuateInterval(Duration.ofMillis(500))
                .withReminders(Map.of("CRITICAL", Duration.ofSeconds(2)));
        String blog = AlertIds.alertId("blog", sha("blog"), ConditionType.EXPIRING, Severity.CRITICAL);
        String shop = AlertIds.alertId("shop", sha("shop"), ConditionType.EXPIRING, Severity.CRITICAL);
        try (NotifierApp notifier = new NotifierApp(broker.clientProperties(), topics, config, Clock.systemUTC(), alert -> { },
                List.of(new Kept(kept)))) {
            notifier.start();
            await().atMost(PATIENCE).until(notifier::isReady);
            write(topics.serviceStatus(), "blog", expiring("blog", Instant.now().truncatedTo(ChronoUnit.MILLIS)));
            await().atMost(PATIENCE).until(() -> notified(kept, "blog") >= 2);

            CommandRun acked = run("ack", blog.substring(0, 8), "--by", "bob");
            assertThat(acked.exitCode()).as(acked.err()).isZero();
            AlertLifecycle acknowledged = await().atMost(PATIENCE).until(() -> latest(topics.alertStates()).get(blog),
                    s -> s != null && s.getState() == LifecycleState.ACKNOWLEDGED);
            Instant lastNotified = acknowledged.getLastNotifiedAt();
            await().atMost(PATIENCE).until(() -> delivered(kept, "blog").stream()
                    .anyMatch(a -> a.getAt().equals(lastNotified)));
            long blogNotifications = notified(kept, "blog");
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15))
                    .until(() -> notified(kept, "blog") == blogNotifications);

            CommandRun silenced = run("silence", "add", "--match", "owner=team-web", "--for", "1h", "--comment", "migration");
            assertThat(silenced.exitCode()).as(silenced.err()).isZero();
            await().atMost(PATIENCE).until(() -> stateOf(blog) == LifecycleState.SILENCED);
            write(topics.serviceStatus(), "shop", expiring("shop", Instant.now().truncatedTo(ChronoUnit.MILLIS)));
            await().atMost(PATIENCE).until(() -> stateOf(shop) == LifecycleState.SILENCED);
            assertThat(notified(kept, "shop")).isZero();

            CommandRun ended = run("silence", "expire", silenced.out().strip());
            assertThat(ended.exitCode()).as(ended.err()).isZero();
            // the FIRING event muted until now goes to the channel once, first; its reminders follow on their schedule
            await().atMost(PATIENCE).until(() -> delivered(kept, "shop").stream().anyMatch(Alert::getReminder));
            List<Alert> shopEvents = delivered(kept, "shop");
            assertThat(shopEvents).filteredOn(a -> !a.getReminder()).hasSize(1);
            assertThat(shopEvents.getFirst().getReminder()).isFalse();
            await().atMost(PATIENCE).until(() -> stateOf(shop) == LifecycleState.FIRING);
            assertThat(delivered(kept, "blog")).as("no event of the acknowledged alert after %s", lastNotified)
                    .allSatisfy(a -> assertThat(a.getAt()).isBeforeOrEqualTo(lastNotified));
        }
    }

    private LifecycleState stateOf(String alertId) throws Exception {
        AlertLifecycle state = latest(topics.alertStates()).get(alertId);
        return state == null ? null : state.getState();
    }
}

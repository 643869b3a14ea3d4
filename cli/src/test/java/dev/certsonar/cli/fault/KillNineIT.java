package dev.certsonar.cli.fault;

import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The aggregator and the notifier are each killed with SIGKILL three times, at random points while the endpoints
 * flow, and started again at once; a run without faults on a broker of its own, fed the same endpoints in the same way
 * at the same time, is the reference. Both runs are real {@code certsonar scanner}, {@code aggregator} and
 * {@code notifier} processes. Targets arrive steadily over the flow time, and the targets of half of the expiring
 * certificates are removed once their alert fired, so alerts both fire and resolve while the components die.
 *
 * <p>Compared with the reference, the alerts topic of the faulty run holds the same (alertId, state) events, none
 * missing and none more; no alertId fires or resolves twice; no eventId stands for two events; and the webhook
 * receiver, dropping notifications whose Idempotency-Key it has seen, has every event of the alerts topic, each once.
 * eventIds differ between runs (they carry when each episode started), so runs are compared by alertId and state.
 *
 * <p>The kill points come from a seeded random (the seed is logged; {@code -Dcertsonar.fault.seed=N} repeats a run).
 * A point that falls while the component is still starting after the previous kill waits until it is ready, so each
 * kill hits a working process. The killed components run with a 6 s consumer session (1 s heartbeats) instead of
 * Kafka's 45 s, so a restarted process takes over its partitions in seconds. Sized for CI by default;
 * {@code bench/faults kill-nine} runs it at full scale through {@code certsonar.fault.endpoints} and
 * {@code certsonar.fault.flow} (how long the targets take to arrive).
 */
class KillNineIT {

    private static final Logger log = LoggerFactory.getLogger(KillNineIT.class);

    private static final int ENDPOINTS = Integer.getInteger("certsonar.fault.endpoints", 500);
    private static final Duration FLOW = Durations.parse(System.getProperty("certsonar.fault.flow", "60s"));
    private static final long SEED = Long.getLong("certsonar.fault.seed", new SecureRandom().nextLong());
    private static final int KILLS = 3;
    private static final int ADDRESSES = 4;
    private static final Duration SPACING = Duration.ofMillis(20);
    private static final Map<String, String> FAST_TAKEOVER = Map.of("KAFKA_SESSION_TIMEOUT_MS", "6000",
            "KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
    /** How long the runs may take after the flow: generous for a loaded machine, never a measurement. */
    private static final Duration CATCH_UP = Duration.ofSeconds(240).plus(Duration.ofMillis(60L * ENDPOINTS));

    @TempDir
    Path dir;
    /** The processes' output, kept after the test. */
    private final Path logs = Logs.folder("kill-nine");

    /** A kill of {@code component} at {@code at} after the flow started. */
    record Kill(String component, Duration at) {
    }

    /** (alertId, state): what an alert event is, across runs. */
    record Event(String alertId, AlertState state) {
    }

    @Test
    void killingTheAggregatorAndTheNotifierThreeTimesEachLosesAndRepeatsNoAlert() throws Exception {
        log.info("Kill points from seed {} (repeat with -Dcertsonar.fault.seed={})", SEED, SEED);
        List<Kill> kills = schedule(new Random(SEED));
        log.info("Kills planned: {}; output of the processes in {}", kills, logs);

        try (Endpoints endpoints = Endpoints.start(ENDPOINTS, ADDRESSES, dir);
             Run reference = new Run("reference", endpoints, logs.resolve("reference"), List.of());
             Run faulty = new Run("faulty", endpoints, logs.resolve("faulty"), kills)) {
            reference.start();
            faulty.start();
            Instant start = Instant.now();
            reference.begin(start);
            faulty.begin(start);
            await("both runs have every target, every removal, every kill, and every alert fired and delivered")
                    .atMost(FLOW.plus(CATCH_UP)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(List.of(reference.step(), faulty.step())).containsOnly(""));
            Duration took = Duration.between(start, Instant.now());
            for (Run run : List.of(reference, faulty)) {
                int size = run.alerts.size();
                await(run.name + ": no more alerts come").during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(60))
                        .until(() -> run.alerts.size() == size);
            }

            Set<String> alerting = endpoints.alerting();
            for (Run run : List.of(reference, faulty)) {
                run.logRepeats();
            }
            for (Run run : List.of(reference, faulty)) {
                assertThat(run.services(AlertState.FIRING)).as(run.name + ": services that fired").isEqualTo(alerting);
                assertThat(run.services(AlertState.RESOLVED)).as(run.name + ": services that resolved")
                        .isEqualTo(run.removedServices());
                assertThat(run.alerts.values()).as(run.name + ": no reminders").noneMatch(Alert::getReminder);
                assertThat(run.alerts.count(a -> new Event(a.getAlertId(), a.getState())))
                        .as(run.name + ": no alertId fires or resolves twice")
                        .allSatisfy((event, n) -> assertThat(n).as(event.toString()).isEqualTo(1L));
                assertThat(run.alerts.count(Alert::getEventId)).as(run.name + ": an eventId stands for one event")
                        .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
                assertThat(run.webhook.eventIds()).as(run.name + ": the receiver has every event of the alerts topic")
                        .isEqualTo(run.alerts.values().stream().map(Alert::getEventId).collect(Collectors.toSet()));
                assertThat(run.webhook.eventsKeptTwice()).as(run.name + ": events a deduplicating receiver took twice")
                        .isEmpty();
            }
            Set<Event> expected = reference.events();
            Set<Event> got = faulty.events();
            assertThat(got).as("the faulty run's (alertId, state) events: none missing")
                    .containsAll(expected);
            assertThat(got).as("the faulty run's (alertId, state) events: none more").isEqualTo(expected);
            assertThat(faulty.deployment.aggregator.kills()).as("aggregator kills").isEqualTo(KILLS);
            assertThat(faulty.deployment.notifier.kills()).as("notifier kills").isEqualTo(KILLS);

            log.info("kill -9: {} endpoints over {} s, seed {}; aggregator and notifier killed {} times each at {}; both "
                            + "runs complete {} s after the start; {} events ({} FIRING, {} RESOLVED) in each run, the "
                            + "same (alertId, state) events; faulty run: 0 repeated on the alerts topic, {} notifications "
                            + "accepted ({} repeated, dropped by Idempotency-Key); reference: {} notifications ({} repeated); "
                            + "killed components ready again after {} s; lost 0",
                    ENDPOINTS, FLOW.toSeconds(), SEED, KILLS, faulty.killed, took.toSeconds(), got.size(),
                    faulty.services(AlertState.FIRING).size(), faulty.services(AlertState.RESOLVED).size(),
                    faulty.webhook.receiver.accepted.size(), faulty.webhook.repeatedNotifications(),
                    reference.webhook.receiver.accepted.size(), reference.webhook.repeatedNotifications(),
                    faulty.takeovers.stream().map(d -> String.valueOf(d.toSeconds())).collect(Collectors.joining(", ")));
        }
    }

    /** Three kills of each component at random points of the flow, in time order. */
    private static List<Kill> schedule(Random random) {
        List<Kill> kills = new ArrayList<>();
        for (String component : List.of("aggregator", "notifier")) {
            for (int i = 0; i < KILLS; i++) {
                kills.add(new Kill(component, Duration.ofMillis((long) (FLOW.toMillis() * (0.05 + 0.95 * random.nextDouble())))));
            }
        }
        kills.sort(Comparator.comparing(Kill::at));
        return kills;
    }

    /**
     * One run on a broker of its own: the targets arrive steadily over {@link #FLOW}; the target of endpoint
     * {@code i} with {@code i % 10 == 2} (half of the expiring ones) is removed once its alert fired; its kills happen
     * at their points. {@link #step()} does what is due and says what the run still lacks.
     */
    private static final class Run implements AutoCloseable {
        final String name;
        final Deployment deployment;
        final Webhook webhook;
        final List<String> killed = new ArrayList<>();
        TopicLog<Alert> alerts;
        private final EmbeddedKafkaBroker broker;
        private final Topics topics = Topics.withPrefix("certsonar.");
        private final List<Target> targets;
        private final Set<String> alerting;
        private final List<Kill> kills;
        private final Map<String, Target> toRemove = new HashMap<>();
        private final Set<String> removed = new TreeSet<>();
        private KafkaProducer<String, Target> producer;
        private Instant start;
        private int published;
        private int nextKill;
        private final Map<Component, Instant> restarting = new HashMap<>();
        final List<Duration> takeovers = new ArrayList<>();

        Run(String name, Endpoints endpoints, Path dir, List<Kill> kills) throws Exception {
            this.name = name;
            this.targets = endpoints.targets();
            this.alerting = endpoints.alerting();
            this.kills = kills;
            broker = EmbeddedKafkaBroker.builder().start();
            webhook = new Webhook();
            deployment = new Deployment(broker.bootstrapServers(), topics, endpoints.caFile(), webhook, dir,
                    FAST_TAKEOVER, SPACING);
        }

        void start() throws Exception {
            deployment.start();
            alerts = new TopicLog<>(broker.bootstrapServers(), topics.alerts());
            producer = deployment.targetProducer();
        }

        void begin(Instant start) {
            this.start = start;
        }

        /** Does what is due: publishes, removes, kills; returns what the run still lacks, empty when it is complete. */
        String step() throws Exception {
            Duration elapsed = Duration.between(start, Instant.now());
            int due = (int) Math.min(targets.size(), Math.ceil(targets.size() * (double) elapsed.toMillis() / FLOW.toMillis()));
            for (; published < due; published++) {
                Target t = targets.get(published);
                producer.send(new ProducerRecord<>(topics.targets().name(), t.getId(), t));
                if (published % 10 == 2) {
                    toRemove.put(t.getService(), t);
                }
            }
            Set<String> fired = services(AlertState.FIRING);
            for (var it = toRemove.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (fired.contains(e.getKey())) {
                    producer.send(new ProducerRecord<>(topics.targets().name(), e.getValue().getId(), null));
                    removed.add(e.getKey());
                    it.remove();
                }
            }
            producer.flush();
            for (var it = restarting.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().get("/readyz").isPresent()) {
                    Duration takeover = Duration.between(e.getValue(), Instant.now());
                    takeovers.add(takeover);
                    log.info("{}: certsonar {} ready again {} s after it was killed", name, e.getKey().name(),
                            takeover.toSeconds());
                    it.remove();
                }
            }
            if (nextKill < kills.size() && elapsed.compareTo(kills.get(nextKill).at()) >= 0) {
                Kill kill = kills.get(nextKill);
                Component victim = kill.component().equals("aggregator") ? deployment.aggregator : deployment.notifier;
                if (victim.get("/readyz").isPresent()) {
                    victim.kill();
                    restarting.put(victim, Instant.now());
                    victim.start();
                    killed.add(kill.component() + "@" + elapsed.toSeconds() + "s");
                    log.info("{}: killed certsonar {} with SIGKILL {} s into the flow, started again", name,
                            kill.component(), elapsed.toSeconds());
                    nextKill++;
                }
            }
            return missing(fired);
        }

        /** What the run still lacks to be complete, empty when nothing. */
        private String missing(Set<String> fired) {
            List<String> missing = new ArrayList<>();
            if (published < targets.size()) {
                missing.add((targets.size() - published) + " targets to publish");
            }
            if (!toRemove.isEmpty()) {
                missing.add(toRemove.size() + " targets to remove once they fired");
            }
            if (nextKill < kills.size() || !restarting.isEmpty()) {
                missing.add((kills.size() - nextKill) + " kills to do, " + restarting.size() + " restarts to finish");
            }
            Set<String> notFired = new TreeSet<>(alerting);
            notFired.removeAll(fired);
            if (!notFired.isEmpty()) {
                missing.add(notFired.size() + " services to fire, e.g. " + notFired.stream().limit(5).toList());
            }
            Set<String> notResolved = new TreeSet<>(removed);
            notResolved.removeAll(services(AlertState.RESOLVED));
            if (!notResolved.isEmpty()) {
                missing.add(notResolved.size() + " removed services to resolve, e.g. " + notResolved.stream().limit(5).toList());
            }
            Set<String> undelivered = alerts.values().stream().map(Alert::getEventId).collect(Collectors.toCollection(TreeSet::new));
            undelivered.removeAll(webhook.eventIds());
            if (!undelivered.isEmpty()) {
                missing.add(undelivered.size() + " events to deliver, e.g. " + undelivered.stream().limit(5).toList());
            }
            return missing.isEmpty() ? "" : name + ": " + String.join("; ", missing);
        }

        /** Logs every record of an (alertId, state) that is on the alerts topic more than once, to tell why. */
        void logRepeats() {
            Map<Event, List<ConsumerRecord<String, Alert>>> byEvent = alerts.records().stream()
                    .collect(Collectors.groupingBy(r -> new Event(r.value().getAlertId(), r.value().getState())));
            byEvent.forEach((event, records) -> {
                if (records.size() > 1) {
                    for (ConsumerRecord<String, Alert> r : records) {
                        Alert a = r.value();
                        log.warn("{}: {} {} repeated: partition {} offset {} eventId {} service {} at {} firstFiredAt {} "
                                        + "condition {} level {} certificate {}", name, event.alertId(), event.state(),
                                r.partition(), r.offset(), a.getEventId(), a.getService(), a.getAt(), a.getFirstFiredAt(),
                                a.getCondition(), a.getLevel(), a.getCertificate() == null ? null : a.getCertificate().getSha256());
                    }
                }
            });
        }

        Set<String> services(AlertState state) {
            return alerts.values().stream().filter(a -> a.getState() == state).map(Alert::getService)
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        Set<String> removedServices() {
            return Set.copyOf(removed);
        }

        Set<Event> events() {
            return alerts.values().stream().map(a -> new Event(a.getAlertId(), a.getState())).collect(Collectors.toSet());
        }

        @Override
        public void close() throws Exception {
            try (broker; webhook; deployment) {
                if (producer != null) {
                    producer.close(Duration.ofSeconds(10));
                }
                if (alerts != null) {
                    alerts.close();
                }
            }
        }
    }
}

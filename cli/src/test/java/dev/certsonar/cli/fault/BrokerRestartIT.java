package dev.certsonar.cli.fault;

import dev.certsonar.sandbox.kafka.EmbeddedKafkaBroker;
import dev.certsonar.schemas.Durations;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ScanRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker stops halfway through a run and starts again on the same data folder and port, against real
 * {@code certsonar scanner}, {@code aggregator} and {@code notifier} processes and real TLS endpoints. Every scan
 * request the aggregator made is observed, every alert fires once on the alerts topic, and the webhook receiver, which
 * drops a notification whose Idempotency-Key it has seen, has each alert's event once.
 *
 * <p>Sized for CI by default; {@code bench/faults broker-restart} runs it at full scale through the system properties
 * {@code certsonar.fault.endpoints} (endpoints, three in five alerting), {@code certsonar.fault.outage} (how long the
 * broker is down) and {@code certsonar.fault.spacing} (the scanner's spacing of probes of one address; with four
 * addresses, how long the scans take).
 */
class BrokerRestartIT {

    private static final Logger log = LoggerFactory.getLogger(BrokerRestartIT.class);

    private static final int ENDPOINTS = Integer.getInteger("certsonar.fault.endpoints", 500);
    private static final Duration OUTAGE = Durations.parse(System.getProperty("certsonar.fault.outage", "30s"));
    private static final Duration SPACING = Durations.parse(System.getProperty("certsonar.fault.spacing", "100ms"));
    private static final int ADDRESSES = 4;
    /**
     * The aggregator and notifier give up on a transaction's commit after 10 s instead of Kafka's 60 s, so a transaction
     * open when the broker stops times out within an outage of tens of seconds, as it does in a longer one with Kafka's
     * defaults.
     */
    private static final Map<String, String> SHORT_TIMEOUTS = Map.of("KAFKA_MAX_BLOCK_MS", "10000");
    /** How long the pipeline may take to catch up after the restart: generous for a loaded machine, never a measurement. */
    private static final Duration CATCH_UP = Duration.ofSeconds(180).plus(Duration.ofMillis(60L * ENDPOINTS));

    @TempDir
    Path dir;
    /** The processes' output, kept after the test. */
    private final Path logs = Logs.folder("broker-restart");

    private EmbeddedKafkaBroker broker;

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyScanRequestIsObservedAndEveryAlertDeliveredOnceWhenTheBrokerRestartsHalfwayThroughARun() throws Exception {
        log.info("Output of the processes in {}", logs);
        Path kafkaDir = dir.resolve("kafka");
        broker = EmbeddedKafkaBroker.builder().dataDir(kafkaDir).start();
        int port = broker.port();
        int controllerPort = broker.controllerPort();
        String bootstrap = broker.bootstrapServers();
        Topics topics = Topics.withPrefix("certsonar.");

        try (Endpoints endpoints = Endpoints.start(ENDPOINTS, ADDRESSES, dir);
             Webhook webhook = new Webhook();
             Deployment certsonar = new Deployment(bootstrap, topics, endpoints.caFile(), webhook, logs,
                     SHORT_TIMEOUTS, SPACING)) {
            certsonar.start();
            try (TopicLog<ScanRequest> requests = new TopicLog<>(bootstrap, topics.scanRequests());
                 TopicLog<Observation> observations = new TopicLog<>(bootstrap, topics.observations());
                 TopicLog<Alert> alerts = new TopicLog<>(bootstrap, topics.alerts())) {
                Instant start = Instant.now();
                certsonar.publish(endpoints.targets());
                await("half of the endpoints observed").atMost(CATCH_UP).pollInterval(Duration.ofMillis(50))
                        .until(() -> observed(observations).size() >= ENDPOINTS / 2);
                int before = observed(observations).size();
                Duration beforeStop = Duration.between(start, Instant.now());

                broker.close();
                Instant stopped = Instant.now();
                await("every component keeps running while the broker is down").during(OUTAGE)
                        .atMost(OUTAGE.plusSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(certsonar::allAlive);
                broker = EmbeddedKafkaBroker.builder().dataDir(kafkaDir).port(port).controllerPort(controllerPort).start();
                Duration down = Duration.between(stopped, Instant.now());
                log.info("Broker restarted after {} s down; {} of {} endpoints were observed when it stopped",
                        down.toSeconds(), before, ENDPOINTS);

                Set<String> alerting = endpoints.alerting();
                await("every scan request observed, every alert fired and delivered").atMost(CATCH_UP)
                        .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                            assertThat(certsonar.allAlive()).as("every component runs").isTrue();
                            assertThat(scanIds(requests)).as("scan requests").hasSizeGreaterThanOrEqualTo(ENDPOINTS);
                            assertThat(observed(observations)).as("observed scans").containsAll(scanIds(requests));
                            assertThat(firing(alerts)).as("services that fired").containsAll(alerting);
                            assertThat(webhook.eventIds()).as("events delivered")
                                    .containsAll(alerts.values().stream().map(a -> a.getEventId().toString()).toList());
                        });
                Duration total = Duration.between(start, Instant.now());
                int fired = alerts.size();
                await("no more alerts come").during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(60))
                        .until(() -> alerts.size() == fired);

                assertThat(firing(alerts)).as("only the alerting endpoints fired").isEqualTo(alerting);
                assertThat(alerts.values()).as("only FIRING events, none a reminder")
                        .allSatisfy(a -> {
                            assertThat(a.getState()).isEqualTo(AlertState.FIRING);
                            assertThat(a.getReminder()).isFalse();
                        });
                assertThat(alerts.count(a -> a.getAlertId().toString())).as("no alertId fires twice")
                        .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
                assertThat(webhook.eventIds()).as("the receiver has every event")
                        .isEqualTo(alerts.values().stream().map(a -> a.getEventId().toString()).collect(Collectors.toSet()));
                assertThat(webhook.eventsKeptTwice()).as("events under two keys: a receiver would take them twice").isEmpty();
                Map<String, Long> observationsPerScan = observations.count(o -> o.getScanId().toString());
                long repeatedObservations = observations.size() - observationsPerScan.size();
                long repeatedRequests = requests.size() - scanIds(requests).size();
                log.info("Broker restart: {} endpoints, broker down {} s after {} s with {} observed; every request "
                                + "observed and every alert delivered {} s after the start; {} scan requests ({} repeated), "
                                + "{} observations ({} repeated), {} alerts (0 fired twice), {} notifications accepted "
                                + "({} repeated, dropped by Idempotency-Key); lost 0",
                        ENDPOINTS, down.toSeconds(), beforeStop.toSeconds(), before, total.toSeconds(), requests.size(),
                        repeatedRequests, observations.size(), repeatedObservations, alerts.size(),
                        webhook.receiver.accepted.size(), webhook.repeatedNotifications());
            }
        }
    }

    private static Set<String> scanIds(TopicLog<ScanRequest> requests) {
        return requests.values().stream().map(r -> r.getScanId().toString()).collect(Collectors.toSet());
    }

    private static Set<String> observed(TopicLog<Observation> observations) {
        return observations.values().stream().map(o -> o.getScanId().toString()).collect(Collectors.toSet());
    }

    private static Set<String> firing(TopicLog<Alert> alerts) {
        return alerts.values().stream().filter(a -> a.getState() == AlertState.FIRING)
                .map(a -> a.getService().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
}

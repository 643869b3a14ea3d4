package dev.certsonar.aggregator;

import dev.certsonar.aggregator.fleet.FleetConfig;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.EndpointStatus;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.ScannerHeartbeat;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Zones, the fleet, the dead-man and the watchdog on the aggregator's topology. */
class FleetTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Duration INTERVAL = Duration.ofMinutes(5);

    @TempDir
    Path stateDir;
    private Harness h;
    private TestInputTopic<String, ScannerHeartbeat> heartbeats;
    private TestOutputTopic<String, ScanRequest> zoneB;

    @BeforeEach
    void start() {
        ExpiryPolicy policy = new ExpiryPolicy(INTERVAL, 30, 0.25, 7, 0.1);
        FleetConfig fleet = FleetConfig.DEFAULT.withHeartbeatInterval(HEARTBEAT).withBehindAfter(Duration.ofMinutes(1))
                .withOwner("team-platform", Map.of("tier", "infra"));
        h = new Harness(T0, stateDir, AggregatorConfig.DEFAULT.withPolicy(policy).withFleet(fleet));
        heartbeats = h.driver.createInputTopic(h.topics.scannerHeartbeats().name(), new StringSerializer(),
                h.topics.scannerHeartbeats().valueSerde().serializer());
        zoneB = h.driver.createOutputTopic(h.topics.scanRequests("b").name(), h.topics.scanRequests().keySerde().deserializer(),
                h.topics.scanRequests().valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static Target target(String id, String service, String host, String zone) {
        return Target.newBuilder(Obs.target(id, service, "team-web", host)).setZone(zone).build();
    }

    private void beat(String scannerId, String zone, long backlog) {
        heartbeats.pipeInput(scannerId, ScannerHeartbeat.newBuilder().setScannerId(scannerId).setZone(zone).setVersion("test")
                .setStartedAt(T0).setSentAt(h.now()).setIntervalMillis(HEARTBEAT.toMillis()).setBacklog(backlog).build(), h.now());
    }

    private List<ServiceStatus> statusesOf(String service) {
        return h.statusValues().stream().filter(s -> s != null && s.getService().equals(service)).toList();
    }

    @Test
    void eachZonesRequestsGoToItsOwnTopicAndTheDefaultZoneKeepsScanRequests() {
        h.target(target("tls://a.example:443", "a", "a.example", Zones.DEFAULT));
        h.target(target("tls://b.example:443", "b", "b.example", "b"));

        assertThat(h.scanRequests.readValuesToList()).extracting(r -> r.getTarget().getHost()).containsExactly("a.example");
        assertThat(zoneB.readValuesToList()).extracting(r -> r.getTarget().getHost()).containsExactly("b.example");
    }

    @Test
    void aSilentZoneIsOneFleetDownItsEndpointsAreHeldNotStaleAndItsReturnResolvesAndRescans() {
        h.target(target("tls://b.example:443", "b", "b.example", "b"));
        beat("b-1", "b", 0);
        h.observe(Obs.at(h.now(), T0.minus(Duration.ofDays(10)), T0.plus(Duration.ofDays(80)))
                .service("b").target("tls://b.example:443").host("b.example").build());
        zoneB.readValuesToList();
        assertThat(statusesOf("zone:b")).last().extracting(ServiceStatus::getStatus).isEqualTo(Status.OK);

        h.advance(Duration.ofSeconds(31));
        List<ServiceStatus> zone = statusesOf("zone:b");
        assertThat(zone).last().satisfies(s -> {
            assertThat(s.getStatus()).isEqualTo(Status.CRITICAL);
            assertThat(s.getOwner()).isEqualTo("team-platform");
            assertThat(s.getLabels()).containsEntry("tier", "infra").containsEntry("zone", "b");
            assertThat(s.getConditions()).extracting(Condition::getType).containsExactly(ConditionType.FLEET_DOWN);
        });
        ServiceStatus held = h.heldStatus("b");
        assertThat(held.getEndpoints()).extracting(EndpointStatus::getHeld).containsExactly("zone b has no scanner");
        assertThat(held.getProblems()).contains("zone b has no scanner");

        h.advance(INTERVAL.multipliedBy(10));
        assertThat(h.heldStatus("b").getConditions()).extracting(Condition::getType).doesNotContain(ConditionType.STALE);
        assertThat(h.statusValues()).flatExtracting(ServiceStatus::getConditions).extracting(Condition::getType)
                .doesNotContain(ConditionType.STALE);

        zoneB.readValuesToList();
        beat("b-2", "b", 0);
        assertThat(statusesOf("zone:b")).last().satisfies(s -> {
            assertThat(s.getStatus()).isEqualTo(Status.OK);
            assertThat(s.getConditions()).isEmpty();
        });
        assertThat(h.heldStatus("b").getEndpoints()).extracting(EndpointStatus::getHeld).containsOnlyNulls();
        h.advance(Duration.ofMillis(5));
        assertThat(zoneB.readValuesToList()).extracting(r -> r.getTarget().getHost()).containsExactly("b.example");
        assertThat(h.heldStatus("b").getConditions()).extracting(Condition::getType).doesNotContain(ConditionType.STALE);
    }

    @Test
    void heartbeatsReadLateByABusyAggregatorKeepTheirZoneUpAndSilenceStillTakesItDown() {
        h.target(target("tls://b.example:443", "b", "b.example", "b"));
        beat("b-1", "b", 0);
        assertThat(statusesOf("zone:b")).last().extracting(ServiceStatus::getStatus).isEqualTo(Status.OK);

        // the aggregator falls 15 s behind its inputs: the heartbeat sent 5 s after the first is read 20 s after it
        h.advance(Duration.ofSeconds(20));
        Instant sent = T0.plusSeconds(5);
        heartbeats.pipeInput("b-1", ScannerHeartbeat.newBuilder().setScannerId("b-1").setZone("b").setVersion("test")
                .setStartedAt(T0).setSentAt(sent).setIntervalMillis(HEARTBEAT.toMillis()).setBacklog(0).build(), sent);
        h.advance(Duration.ofSeconds(20));
        assertThat(statusesOf("zone:b")).as("35 s after the heartbeat was sent, 20 s after it was read: not down")
                .allSatisfy(s -> assertThat(s.getStatus()).isEqualTo(Status.OK));

        h.advance(Duration.ofSeconds(15));
        assertThat(statusesOf("zone:b")).as("nothing read for 35 s: down").last().satisfies(s -> {
            assertThat(s.getStatus()).isEqualTo(Status.CRITICAL);
            assertThat(s.getConditions()).extracting(Condition::getType).containsExactly(ConditionType.FLEET_DOWN);
        });
    }

    @Test
    void aZoneWhoseBacklogKeepsGrowingFallsBehindUntilItShrinks() {
        h.target(target("tls://b.example:443", "b", "b.example", "b"));
        for (long backlog = 10; backlog <= 100; backlog += 10) {
            beat("b-1", "b", backlog);
            h.advance(HEARTBEAT);
        }
        assertThat(statusesOf("zone:b")).last().satisfies(s -> {
            assertThat(s.getStatus()).isEqualTo(Status.WARNING);
            assertThat(s.getConditions()).extracting(Condition::getType).containsExactly(ConditionType.FLEET_BEHIND);
        });
        beat("b-1", "b", 0);
        assertThat(statusesOf("zone:b")).last().extracting(ServiceStatus::getStatus).isEqualTo(Status.OK);
    }

    @Test
    void zonesAreWatchedFromTheFleetsFirstHeartbeatOn() {
        h.target(target("tls://b.example:443", "b", "b.example", "b"));
        h.advance(INTERVAL);
        assertThat(statusesOf("zone:b")).isEmpty();
        beat("a-1", Zones.DEFAULT, 0);
        assertThat(statusesOf("zone:b")).last().extracting(ServiceStatus::getStatus).isEqualTo(Status.OK);
        h.advance(Duration.ofSeconds(31));
        assertThat(statusesOf("zone:b")).last().extracting(ServiceStatus::getStatus).isEqualTo(Status.CRITICAL);
    }

    @Test
    void aHeartbeatThatCannotBeReadOrNamesABadZoneGoesToTheDeadLetters() {
        h.raw(h.topics.scannerHeartbeats().name(), "x-1", "not avro".getBytes(StandardCharsets.UTF_8));
        h.raw(h.topics.scannerHeartbeats().name(), "x-2", h.topics.scannerHeartbeats().valueSerde().serializer()
                .serialize("t", ScannerHeartbeat.newBuilder().setScannerId("x-2").setZone("no spaces").setVersion("test")
                        .setStartedAt(T0).setSentAt(T0).setIntervalMillis(1000).build()));
        assertThat(h.deadLetters.readRecordsToList()).hasSize(2);
        beat("a-1", Zones.DEFAULT, 0);
        assertThat(h.deadLetters.readRecordsToList()).isEmpty();
    }

    @Test
    void aTargetOfABadZoneOrNamedAsTheFleetsServicesGoesToTheDeadLetters() {
        h.target(target("tls://x.example:443", "zone:b", "x.example", "b"));
        h.target(target("tls://y.example:443", "certsonar:watchdog", "y.example", Zones.DEFAULT));
        h.target(target("tls://z.example:443", "z", "z.example", "no spaces"));
        h.rawTargets.pipeInput("json", "{\"host\":\"w.example\",\"zone\":\"a/b\"}".getBytes(StandardCharsets.UTF_8), h.now());

        assertThat(h.deadLetters.readRecordsToList()).hasSize(4);
        assertThat(h.scanRequests.readValuesToList()).isEmpty();
        assertThat(h.statusValues()).isEmpty();
    }

    @Test
    void theWatchdogFiresEveryInterval() {
        h.close();
        h = new Harness(T0, stateDir.resolve("w"), AggregatorConfig.DEFAULT
                .withFleet(FleetConfig.DEFAULT.withWatchdogInterval(Duration.ofMinutes(1))));
        h.advance(Duration.ofSeconds(1));
        h.advance(Duration.ofSeconds(30));
        h.advance(Duration.ofSeconds(30));
        h.advance(Duration.ofSeconds(30));
        List<ServiceStatus> watchdog = statusesOf("certsonar:watchdog");
        assertThat(watchdog).hasSize(2).allSatisfy(s ->
                assertThat(s.getConditions()).extracting(Condition::getType).containsExactly(ConditionType.WATCHDOG));
        assertThat(watchdog).extracting(ServiceStatus::getUpdatedAt).containsExactly(T0.plusSeconds(1), T0.plusSeconds(61));
    }
}

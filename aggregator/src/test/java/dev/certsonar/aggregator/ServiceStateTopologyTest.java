package dev.certsonar.aggregator;

import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class ServiceStateTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    static final Duration DAY = Duration.ofDays(1);
    static final Duration SIX_HOURS = Duration.ofHours(6);
    static final Target SHOP = Obs.target("tls://shop.example.com:443", "shop", "team-web", "shop.example.com");
    /** The same target scanned every 60 days, so that weeks pass in a test without the endpoint going stale. */
    static final Target SHOP_RARELY = Target.newBuilder(SHOP).setIntervalMillis(Duration.ofDays(60).toMillis()).build();

    @TempDir
    Path stateDir;
    Harness h;

    @BeforeEach
    void start() {
        h = new Harness(T0, stateDir);
        h.target(SHOP);
        h.scanRequests.readValuesToList();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static Stream<Arguments> observations() {
        Duration ninety = Duration.ofDays(90);
        return Stream.of(
                argumentSet("90-day certificate, 60 days left", (UnaryOperator<Obs>) o -> o, ninety, Duration.ofDays(60),
                        Status.OK, null, null),
                argumentSet("90-day certificate, 20 days left (warn at 22.5)", (UnaryOperator<Obs>) o -> o, ninety, Duration.ofDays(20),
                        Status.WARNING, ConditionType.EXPIRING, Severity.WARNING),
                argumentSet("90-day certificate, 5 days left (critical at 7)", (UnaryOperator<Obs>) o -> o, ninety, Duration.ofDays(5),
                        Status.CRITICAL, ConditionType.EXPIRING, Severity.CRITICAL),
                argumentSet("expired a day ago", (UnaryOperator<Obs>) o -> o, ninety, Duration.ofDays(-1),
                        Status.EXPIRED, ConditionType.EXPIRED, Severity.CRITICAL),
                argumentSet("self-signed", (UnaryOperator<Obs>) Obs::selfSigned, ninety, Duration.ofDays(60),
                        Status.INVALID, ConditionType.UNTRUSTED, Severity.CRITICAL),
                argumentSet("self-signed and pinned as an anchor", (UnaryOperator<Obs>) Obs::pinnedSelfSigned, ninety, Duration.ofDays(60),
                        Status.OK, null, null),
                argumentSet("legacy protocol", (UnaryOperator<Obs>) Obs::legacyProtocol, ninety, Duration.ofDays(60),
                        Status.WARNING, ConditionType.LEGACY_PROTOCOL, Severity.WARNING),
                argumentSet("lifetime over the maximum", (UnaryOperator<Obs>) Obs::lifetimeExceedsMaximum, ninety, Duration.ofDays(60),
                        Status.WARNING, ConditionType.LIFETIME_EXCEEDS_MAXIMUM, Severity.WARNING),
                argumentSet("no path to an anchor", (UnaryOperator<Obs>) Obs::untrusted, ninety, Duration.ofDays(60),
                        Status.INVALID, ConditionType.UNTRUSTED, Severity.CRITICAL),
                argumentSet("hostname mismatch", (UnaryOperator<Obs>) Obs::hostnameMismatch, ninety, Duration.ofDays(60),
                        Status.INVALID, ConditionType.HOSTNAME_MISMATCH, Severity.CRITICAL),
                argumentSet("incomplete chain", (UnaryOperator<Obs>) Obs::incompleteChain, ninety, Duration.ofDays(60),
                        Status.INVALID, ConditionType.INCOMPLETE_CHAIN, Severity.CRITICAL),
                argumentSet("weak key", (UnaryOperator<Obs>) Obs::weakKey, ninety, Duration.ofDays(60),
                        Status.INVALID, ConditionType.WEAK_CRYPTO, Severity.CRITICAL),
                argumentSet("weak signature", (UnaryOperator<Obs>) Obs::weakSignature, ninety, Duration.ofDays(60),
                        Status.INVALID, ConditionType.WEAK_CRYPTO, Severity.CRITICAL),
                argumentSet("revoked", (UnaryOperator<Obs>) Obs::revoked, ninety, Duration.ofDays(60),
                        Status.INVALID, ConditionType.REVOKED, Severity.CRITICAL),
                argumentSet("revocation unknown past the grace period", (UnaryOperator<Obs>) Obs::revocationUnknownPastGrace,
                        ninety, Duration.ofDays(60), Status.WARNING, ConditionType.REVOCATION_UNKNOWN, Severity.WARNING));
    }

    @ParameterizedTest
    @MethodSource("observations")
    void anObservationGivesTheServiceItsStatusAndCondition(UnaryOperator<Obs> shape, Duration lifetime, Duration left,
                                                           Status status, ConditionType condition, Severity level) {
        Observation o = shape.apply(Obs.lifetime(h.now(), lifetime, left)).build();
        h.observe(o);

        List<TestRecord<String, ServiceStatus>> records = h.statusRecords();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo("shop");
        ServiceStatus s = records.get(0).value();
        assertThat(s.getStatus()).isEqualTo(status);
        assertThat(s.getNotAfter()).isEqualTo(o.getNotAfter());
        assertThat(s.getDaysLeft()).isCloseTo(left.toMillis() / (double) DAY.toMillis(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.getOwner()).isEqualTo("team-web");
        assertThat(s.getLabels()).containsEntry("env", "prod");
        assertThat(s.getEndpoints()).hasSize(1);
        assertThat(s.getEndpoints().get(0).getStatus()).isEqualTo(status);
        if (condition == null) {
            assertThat(s.getConditions()).isEmpty();
            assertThat(s.getProblems()).isEmpty();
        } else {
            assertThat(s.getConditions()).hasSize(1);
            Condition c = s.getConditions().get(0);
            assertThat(c.getType()).isEqualTo(condition);
            assertThat(c.getLevel()).isEqualTo(level);
            if (condition == ConditionType.LEGACY_PROTOCOL) {
                assertThat(c.getCertificate()).as("the protocol is the server's, not a certificate's").isNull();
            } else {
                assertThat(c.getCertificate().getSha256()).isEqualTo(o.getChain().get(0).getSha256());
            }
            assertThat(c.getEndpoints()).containsExactly("10.0.0.1:443 sni=shop.example.com");
            assertThat(c.getSince()).isEqualTo(h.now());
            assertThat(c.getConsecutive()).isEqualTo(1);
            assertThat(s.getProblems()).hasSize(1);
        }
    }

    @Test
    void anObservationKeyedOtherwiseOrWithoutKeyCountsForItsService() {
        Endpoint one = Obs.endpoint("10.0.0.1", 443, "shop.example.com");
        Endpoint two = Obs.endpoint("10.0.0.2", 443, "shop.example.com");
        Observation first = Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).endpoint(one).scanEndpoints(one, two).build();
        h.observations.pipeInput("not-the-service", first, h.now());
        List<TestRecord<String, ServiceStatus>> records = h.statusRecords();
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("shop");
            assertThat(r.value().getEndpoints()).hasSize(1);
        });

        h.advance(SIX_HOURS);
        Observation second = Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60))
                .endpoint(two).scanEndpoints(one, two).build();
        h.observations.pipeInput((String) null, second, h.now());
        assertThat(h.onlyStatus().getEndpoints()).extracting(e -> e.getEndpoint().getAddress())
                .containsExactly("10.0.0.1", "10.0.0.2");
    }

    @Test
    void anUnreachableEndpointIsUnreachableWithoutACertificate() {
        h.observe(Obs.unreachable(h.now(), Outcome.TIMEOUT).build());
        ServiceStatus s = h.onlyStatus();
        assertThat(s.getStatus()).isEqualTo(Status.UNREACHABLE);
        assertThat(s.getNotAfter()).isNull();
        assertThat(s.getDaysLeft()).isNull();
        assertThat(s.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo(ConditionType.UNREACHABLE);
            assertThat(c.getCertificate()).isNull();
        });
        assertThat(s.getEndpoints().get(0).getProblems()).containsExactly("probe failed: TIMEOUT");
    }

    @Test
    void aNameThatNoLongerResolvesReplacesTheEndpointsOfItsTarget() {
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).build());
        h.statusValues();
        h.advance(SIX_HOURS);
        h.observe(Obs.unreachable(h.now(), Outcome.DNS_FAILED).noEndpoint().build());
        ServiceStatus s = h.onlyStatus();
        assertThat(s.getStatus()).isEqualTo(Status.UNREACHABLE);
        assertThat(s.getEndpoints()).singleElement().satisfies(e -> assertThat(e.getEndpoint().getAddress()).isEqualTo("shop.example.com"));
        assertThat(s.getConditions()).singleElement().satisfies(c -> assertThat(c.getEndpoints()).containsExactly("shop.example.com"));
    }

    @Test
    void theWarningThresholdIsCrossedAtItsExactInstantWithoutANewObservation() {
        h.target(SHOP_RARELY);
        // 90-day certificate: warning once fewer than min(30, 22.5) days are left, critical under min(7, 9).
        Observation o = Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(40)).build();
        h.observe(o);
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.OK);

        Instant warnAt = o.getNotAfter().minus(Duration.ofHours(22 * 24 + 12));
        h.advanceTo(warnAt);
        assertThat(h.statusValues()).as("at the threshold itself, still OK").isEmpty();

        h.advanceTo(warnAt.plusMillis(1));
        ServiceStatus warning = h.onlyStatus();
        assertThat(warning.getStatus()).isEqualTo(Status.WARNING);
        assertThat(warning.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo(ConditionType.EXPIRING);
            assertThat(c.getLevel()).isEqualTo(Severity.WARNING);
            assertThat(c.getSince()).isEqualTo(warnAt.plusMillis(1));
        });

        Instant criticalAt = o.getNotAfter().minus(Duration.ofDays(7));
        h.advanceTo(criticalAt.plusMillis(1));
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.CRITICAL);

        h.advanceTo(o.getNotAfter());
        assertThat(h.statusValues()).as("at notAfter itself, not yet expired").isEmpty();
        h.advanceTo(o.getNotAfter().plusMillis(1));
        ServiceStatus expired = h.onlyStatus();
        assertThat(expired.getStatus()).isEqualTo(Status.EXPIRED);
        assertThat(expired.getConditions()).extracting(Condition::getType).containsExactly(ConditionType.EXPIRED);
    }

    @Test
    void aSixDayCertificateIsNotPermanentlyInWarning() {
        h.target(SHOP_RARELY);
        // lifetime 6 days: warning under min(30, 1.5) days, critical under min(7, 0.6) days.
        Observation o = Obs.lifetime(h.now(), Duration.ofDays(6), Duration.ofDays(5)).build();
        h.observe(o);
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.OK);

        h.advanceTo(o.getNotAfter().minus(Duration.ofHours(36)));
        assertThat(h.statusValues()).isEmpty();
        h.advance(Duration.ofMillis(1));
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.WARNING);

        h.advanceTo(o.getNotAfter().minus(Duration.ofMinutes((long) (0.6 * 24 * 60))).plusMillis(1));
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.CRITICAL);
    }

    @Test
    void a398DayCertificateWarnsAtThirtyDaysAndIsCriticalAtSeven() {
        h.target(SHOP_RARELY);
        Observation o = Obs.lifetime(h.now(), Duration.ofDays(398), Duration.ofDays(31)).build();
        h.observe(o);
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.OK);

        h.advanceTo(o.getNotAfter().minus(Duration.ofDays(30)).plusMillis(1));
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.WARNING);
        h.advanceTo(o.getNotAfter().minus(Duration.ofDays(7)));
        assertThat(h.statusValues()).isEmpty();
        h.advance(Duration.ofMillis(1));
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.CRITICAL);
    }

    @Test
    void theTargetsThresholdOverridesApply() {
        h.target(Target.newBuilder(SHOP).setWarnDays(60.0).setWarnFraction(1.0).build());
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(398), Duration.ofDays(50)).build());
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.WARNING);
    }

    @Test
    void withoutObservationsForThreeIntervalsAnEndpointIsStale() {
        Observation o = Obs.lifetime(h.now(), Duration.ofDays(398), Duration.ofDays(200)).build();
        h.observe(o);
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.OK);

        h.advanceTo(T0.plus(SIX_HOURS.multipliedBy(3)));
        assertThat(h.statusValues()).isEmpty();
        h.advance(Duration.ofMillis(1));
        ServiceStatus stale = h.onlyStatus();
        assertThat(stale.getStatus()).isEqualTo(Status.STALE);
        assertThat(stale.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo(ConditionType.STALE);
            assertThat(c.getEndpoints()).containsExactly("10.0.0.1:443 sni=shop.example.com");
        });

        h.observe(Obs.lifetime(h.now(), Duration.ofDays(398), Duration.ofDays(199)).build());
        ServiceStatus back = h.onlyStatus();
        assertThat(back.getStatus()).isEqualTo(Status.OK);
        assertThat(back.getConditions()).isEmpty();
    }

    @Test
    void aStaleEndpointWithAnExpiringCertificateKeepsTheWorseStatus() {
        Observation o = Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(5)).build();
        h.observe(o);
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.CRITICAL);
        h.advanceTo(T0.plus(SIX_HOURS.multipliedBy(3)).plusMillis(1));
        ServiceStatus s = h.onlyStatus();
        assertThat(s.getStatus()).isEqualTo(Status.CRITICAL);
        assertThat(s.getConditions()).extracting(Condition::getType).containsExactly(ConditionType.EXPIRING, ConditionType.STALE);
    }

    @Test
    void endpointsThatANewScanNoLongerFindsAreRetired() {
        Endpoint a = Obs.endpoint("10.0.0.1", 443, "shop.example.com");
        Endpoint b = Obs.endpoint("10.0.0.2", 443, "shop.example.com");
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).endpoint(a).scanEndpoints(a, b).build());
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(5)).endpoint(b).scanEndpoints(a, b).build());
        List<ServiceStatus> first = h.statusValues();
        assertThat(first.get(first.size() - 1).getStatus()).isEqualTo(Status.CRITICAL);
        assertThat(first.get(first.size() - 1).getEndpoints()).hasSize(2);

        h.advance(SIX_HOURS);
        h.statusValues();
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).endpoint(a).scanEndpoints(a).build());
        ServiceStatus s = h.onlyStatus();
        assertThat(s.getEndpoints()).singleElement().satisfies(e -> assertThat(e.getEndpoint()).isEqualTo(a));
        assertThat(s.getStatus()).isEqualTo(Status.OK);
        KeyValueStore<String, Observation> endpoints = h.driver.getKeyValueStore(StoreNames.ENDPOINTS);
        assertThat(endpoints.get("shop|tls://shop.example.com:443|10.0.0.2:443 sni=shop.example.com")).isNull();
    }

    @Test
    void aTargetNeverObservedTurnsItsServiceStaleAfterThreeIntervals() {
        Target quiet = Obs.target("tls://quiet.example.com:443", "quiet", "team-quiet", "quiet.example.com");
        h.target(quiet);
        java.util.function.Supplier<List<ServiceStatus>> quietStatuses = () -> h.statusRecords().stream()
                .filter(r -> r.key().equals("quiet")).map(TestRecord::value).toList();
        h.advance(SIX_HOURS.multipliedBy(3));
        assertThat(quietStatuses.get()).as("three intervals, not more: no status yet").isEmpty();
        h.advance(Duration.ofMillis(1));
        assertThat(quietStatuses.get()).singleElement().satisfies(stale -> {
            assertThat(stale.getStatus()).isEqualTo(Status.STALE);
            assertThat(stale.getOwner()).isEqualTo("team-quiet");
            assertThat(stale.getEndpoints()).isEmpty();
            assertThat(stale.getConditions()).singleElement().satisfies(c -> {
                assertThat(c.getType()).isEqualTo(ConditionType.STALE);
                assertThat(c.getMessage()).contains("tls://quiet.example.com:443");
            });
        });
        h.advance(SIX_HOURS);
        h.target(quiet);
        assertThat(quietStatuses.get()).as("still stale, nothing new").isEmpty();

        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).service("quiet").target("tls://quiet.example.com:443")
                .host("quiet.example.com").build());
        assertThat(quietStatuses.get()).singleElement().satisfies(s -> assertThat(s.getStatus()).isEqualTo(Status.OK));
    }

    @Test
    void aServiceWhoseNameExtendsAnotherWithTheSeparatorKeepsItsOwnEndpoints() {
        Endpoint a = Obs.endpoint("10.0.0.1", 443, "shop.example.com");
        Endpoint b = Obs.endpoint("10.0.0.2", 443, "shop.example.com");
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).endpoint(a).scanEndpoints(a).build());
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(3)).service("shop|tls://shop.example.com:443")
                .target("x").endpoint(b).scanEndpoints(b).build());
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(3)).service("shop\\").endpoint(b).scanEndpoints(b).build());
        h.advance(Duration.ofMinutes(1));
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(59)).endpoint(a).scanEndpoints(a).build());
        Map<String, ServiceStatus> last = new java.util.HashMap<>();
        h.statusRecords().forEach(r -> last.put(r.key(), r.value()));
        assertThat(last.get("shop").getEndpoints()).singleElement().satisfies(e -> assertThat(e.getEndpoint()).isEqualTo(a));
        assertThat(last.get("shop").getStatus()).isEqualTo(Status.OK);
        assertThat(last.get("shop|tls://shop.example.com:443").getEndpoints()).singleElement()
                .satisfies(e -> assertThat(e.getEndpoint()).isEqualTo(b));
        assertThat(last.get("shop\\").getEndpoints()).singleElement().satisfies(e -> assertThat(e.getEndpoint()).isEqualTo(b));
        assertThat(last.get("shop\\").getStatus()).isEqualTo(Status.CRITICAL);
    }

    @Test
    void serviceStatusIsWrittenOnlyWhenSomethingAPersonCaresAboutChanged() {
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(398), Duration.ofDays(200)).build());
        assertThat(h.statusValues()).hasSize(1);
        for (int i = 0; i < 5; i++) {
            h.advance(SIX_HOURS);
            h.observe(Observation.newBuilder(Obs.lifetime(T0, Duration.ofDays(398), Duration.ofDays(200)).build()).setObservedAt(h.now()).build());
        }
        assertThat(h.statusValues()).as("same certificate, days left ticking: nothing written").isEmpty();
    }

    @Test
    void consecutiveObservationsOfAConditionAreCountedAndWrittenUpToTheCap() {
        Observation o = Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(20)).build();
        h.observe(o);
        assertThat(h.onlyStatus().getConditions().get(0).getConsecutive()).isEqualTo(1);
        for (int expected = 2; expected <= 5; expected++) {
            h.advance(SIX_HOURS);
            h.observe(Observation.newBuilder(o).setObservedAt(h.now()).build());
            List<ServiceStatus> written = h.statusValues();
            int count = expected;
            if (expected <= AggregatorConfig.DEFAULT.consecutiveReported()) {
                assertThat(written).singleElement().satisfies(s -> assertThat(s.getConditions().get(0).getConsecutive()).isEqualTo(count));
            } else {
                assertThat(written).as("beyond the cap, consecutive counts are kept but not written").isEmpty();
            }
        }
        ServiceStatus held = h.heldStatus("shop");
        assertThat(held.getConditions().get(0).getConsecutive()).isEqualTo(5);
        assertThat(held.getConditions().get(0).getSince()).isEqualTo(T0);
    }

    @Test
    void anOutOfOrderObservationIsIgnored() {
        h.advance(SIX_HOURS);
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).build());
        h.statusValues();
        h.observe(Obs.lifetime(T0, Duration.ofDays(90), Duration.ofDays(5)).build());
        assertThat(h.statusValues()).isEmpty();
    }

    @Test
    void aTargetTombstoneRemovesItsEndpointsAndTheLastOneTheService() {
        Target api = Obs.target("tls://api.example.com:443", "shop", "team-web", "api.example.com");
        h.target(api);
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).build());
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(5)).target(api.getId()).host("api.example.com")
                .endpoint(Obs.endpoint("10.0.0.9", 443, "api.example.com")).subject("CN=api.example.com").build());
        assertThat(h.statusValues()).last().satisfies(s -> assertThat(s.getStatus()).isEqualTo(Status.CRITICAL));

        h.removeTarget(api.getId());
        ServiceStatus after = h.onlyStatus();
        assertThat(after.getStatus()).isEqualTo(Status.OK);
        assertThat(after.getEndpoints()).hasSize(1);

        h.removeTarget(SHOP.getId());
        List<TestRecord<String, ServiceStatus>> records = h.statusRecords();
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("shop");
            assertThat(r.value()).as("tombstone").isNull();
        });
        assertThat(h.heldStatus("shop")).isNull();
    }

    @Test
    void anObservationThatArrivesAfterItsTargetWasRemovedDoesNotBringTheServiceBack() {
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(3)).build());
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.CRITICAL);
        h.removeTarget(SHOP.getId());
        assertThat(h.statusRecords()).singleElement().satisfies(r -> assertThat(r.value()).as("tombstone").isNull());

        // a scan requested before the removal, observed after it (a restarted aggregator, a scanner catching up)
        h.advance(Duration.ofMinutes(1));
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(3)).build());
        assertThat(h.statusRecords()).as("no status for the removed target's service").isEmpty();
        assertThat(h.heldStatus("shop")).isNull();

        // added again, the target is observed again
        h.target(SHOP);
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(3)).build());
        assertThat(h.statusValues()).last().satisfies(s -> assertThat(s.getStatus()).isEqualTo(Status.CRITICAL));
    }

    @Test
    void theRemovalOfATargetIsForgottenAfterAWeek() {
        h.removeTarget(SHOP.getId());
        h.statusRecords();
        h.advance(Duration.ofDays(7).plusMinutes(5));
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(3)).build());
        assertThat(h.statusValues()).as("an observation of a target never known, or forgotten, counts as before")
                .last().satisfies(s -> assertThat(s.getStatus()).isEqualTo(Status.CRITICAL));
    }

    @Test
    void aTargetMovedToAnotherServiceLeavesTheOldOne() {
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).build());
        h.statusValues();
        h.target(Target.newBuilder(SHOP).setService("store").build());
        List<TestRecord<String, ServiceStatus>> records = h.statusRecords();
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("shop");
            assertThat(r.value()).isNull();
        });
    }

    @Test
    void whenTargetsNameDifferentOwnersTheFirstAlphabeticallyIsUsedAndTheProblemNoted() {
        h.target(Obs.target("tls://api.example.com:443", "shop", "team-api", "api.example.com"));
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).build());
        ServiceStatus s = h.onlyStatus();
        assertThat(s.getOwner()).isEqualTo("team-api");
        assertThat(s.getProblems()).singleElement().asString().contains("team-api", "team-web");
    }

    @Test
    void aRenewalServedOnSomeEndpointsIsARolloutAndIncompleteAfterTheGracePeriod() {
        Endpoint a = Obs.endpoint("10.0.0.1", 443, "shop.example.com");
        Endpoint b = Obs.endpoint("10.0.0.2", 443, "shop.example.com");
        Obs old = Obs.at(h.now(), T0.minus(Duration.ofDays(60)), T0.plus(Duration.ofDays(30))).serial("old");
        h.observe(old.endpoint(a).scanEndpoints(a, b).build());
        h.observe(Obs.at(h.now(), T0.minus(Duration.ofDays(60)), T0.plus(Duration.ofDays(30))).serial("old").endpoint(b).scanEndpoints(a, b).build());
        h.statusValues();

        h.advance(SIX_HOURS);
        Obs renewed = Obs.at(h.now(), T0, T0.plus(Duration.ofDays(90))).serial("new").endpoint(a).scanEndpoints(a, b);
        h.observe(renewed.build());
        ServiceStatus s = h.onlyStatus();
        assertThat(s.getRollout()).isNotNull();
        assertThat(s.getRollout().getNewCertificate().getSha256()).isEqualTo(renewed.leaf().getSha256());
        assertThat(s.getRollout().getEndpointsNew()).containsExactly("10.0.0.1:443 sni=shop.example.com");
        assertThat(s.getRollout().getEndpointsOld()).containsExactly("10.0.0.2:443 sni=shop.example.com");
        assertThat(s.getConditions()).extracting(Condition::getType).doesNotContain(ConditionType.ROLLOUT_INCOMPLETE);

        h.advanceTo(s.getRollout().getSince().plus(AggregatorConfig.DEFAULT.rolloutGrace()).plusMillis(1));
        ServiceStatus incomplete = h.onlyStatus();
        assertThat(incomplete.getConditions()).filteredOn(c -> c.getType() == ConditionType.ROLLOUT_INCOMPLETE)
                .singleElement().satisfies(c -> assertThat(c.getEndpoints()).containsExactly("10.0.0.2:443 sni=shop.example.com"));

        h.observe(Obs.at(h.now(), T0, T0.plus(Duration.ofDays(90))).serial("new").endpoint(b).scanEndpoints(a, b).build());
        ServiceStatus done = h.onlyStatus();
        assertThat(done.getRollout()).isNull();
        assertThat(done.getConditions()).isEmpty();
    }

    @Test
    void theInventoryKnowsWhereEachCertificateIsServed() {
        Endpoint a = Obs.endpoint("10.0.0.1", 443, "shop.example.com");
        Endpoint b = Obs.endpoint("10.0.0.2", 443, "shop.example.com");
        Obs shape = Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60));
        String sha = shape.leaf().getSha256();
        h.observe(shape.endpoint(a).scanEndpoints(a, b).build());
        h.observe(shape.endpoint(b).scanEndpoints(a, b).build());
        KeyValueStore<String, String> inventory = h.driver.getKeyValueStore(StoreNames.INVENTORY);
        assertThat(inventory.get(sha + "|shop|tls://shop.example.com:443|10.0.0.1:443 sni=shop.example.com")).isNotNull();
        assertThat(inventory.get(sha + "|shop|tls://shop.example.com:443|10.0.0.2:443 sni=shop.example.com")).isNotNull();

        h.removeTarget(SHOP.getId());
        assertThat(inventory.get(sha + "|shop|tls://shop.example.com:443|10.0.0.1:443 sni=shop.example.com")).isNull();
    }

    @Test
    void inARangeAnAddressWithoutTlsIsNoEndpointButAnEndpointThatStopsAnsweringIs() {
        Target range = Obs.target("tls://10.0.0.0/22:443", "net", null, "10.0.0.0/22");
        h.target(range);
        Endpoint a = Obs.endpoint("10.0.1.5", 443, null);
        Endpoint b = Obs.endpoint("10.0.1.6", 443, null);
        h.observe(Obs.unreachable(h.now(), Outcome.REFUSED).service("net").target(range.getId()).host("10.0.1.0/24")
                .endpoint(b).scanEndpoints(a, b).build());
        assertThat(h.statusValues()).isEmpty();

        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).service("net").target(range.getId())
                .host("10.0.1.0/24").endpoint(a).scanEndpoints(a, b).build());
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).service("net").target(range.getId())
                .host("10.0.2.0/24").endpoint(Obs.endpoint("10.0.2.9", 443, null)).scanEndpoints(Obs.endpoint("10.0.2.9", 443, null)).build());
        assertThat(h.statusValues()).last().satisfies(s -> assertThat(s.getEndpoints()).as("blocks do not retire each other").hasSize(2));

        h.advance(SIX_HOURS);
        h.observe(Obs.unreachable(h.now(), Outcome.REFUSED).service("net").target(range.getId()).host("10.0.1.0/24")
                .endpoint(a).scanEndpoints(a, b).build());
        ServiceStatus s = h.onlyStatus();
        assertThat(s.getStatus()).isEqualTo(Status.UNREACHABLE);
        assertThat(s.getEndpoints()).hasSize(2);
    }

    @Test
    void aTargetWhoseHostChangesForgetsTheEndpointsOfTheOldHost() {
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(5)).build());
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.CRITICAL);
        h.target(Target.newBuilder(SHOP).setHost("shop2.example.com").build());
        List<TestRecord<String, ServiceStatus>> records = h.statusRecords();
        assertThat(records).singleElement().satisfies(r -> assertThat(r.value()).isNull());
    }

    @Test
    void anUnchangedObservationMovesStalenessOnWithoutWritingAStatus() {
        Observation o = Obs.lifetime(h.now(), Duration.ofDays(398), Duration.ofDays(200)).build();
        h.observe(o);
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.OK);
        h.advance(Duration.ofHours(12));
        h.observe(Observation.newBuilder(o).setObservedAt(h.now()).build());
        assertThat(h.statusValues()).isEmpty();

        h.advanceTo(T0.plus(SIX_HOURS.multipliedBy(3)).plusMillis(1));
        assertThat(h.statusValues()).as("the last observation was 6 hours ago").isEmpty();
        h.advanceTo(T0.plus(Duration.ofHours(12)).plus(SIX_HOURS.multipliedBy(3)).plusMillis(1));
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.STALE);
    }

    @Test
    void observationsReplayedLaterGiveTheStatusesTheyGaveWhenFirstRead() {
        Observation o = Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(20)).build();
        h.observe(o);
        h.advance(Duration.ofMinutes(5));
        Observation renewed = Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(89)).build();
        h.observe(renewed);
        List<TestRecord<String, ServiceStatus>> first = h.statusRecords();
        assertThat(first).hasSize(2);

        try (Harness later = new Harness(T0.plus(Duration.ofDays(30)), stateDir.resolve("replay"))) {
            later.targets.pipeInput(SHOP.getId(), SHOP, T0);
            later.observations.pipeInput("shop", o, T0);
            later.observations.pipeInput("shop", renewed, T0.plus(Duration.ofMinutes(5)));
            List<TestRecord<String, ServiceStatus>> replayed = later.statusRecords();
            assertThat(replayed).extracting(TestRecord::value).isEqualTo(first.stream().map(TestRecord::value).toList());
            assertThat(replayed).extracting(TestRecord::timestamp).containsExactly(T0.toEpochMilli(),
                    T0.plus(Duration.ofMinutes(5)).toEpochMilli());
        }
    }

    @Test
    void aRecordThatArrivesLateIsJudgedAtTheTimeTheServiceHasReached() {
        Endpoint a = Obs.endpoint("10.0.0.1", 443, "shop.example.com");
        Endpoint b = Obs.endpoint("10.0.0.2", 443, "shop.example.com");
        h.advance(SIX_HOURS);
        h.observe(Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).endpoint(a).scanEndpoints(a, b).build());
        assertThat(h.onlyStatus().getUpdatedAt()).isEqualTo(T0.plus(SIX_HOURS));

        Instant late = T0.plus(Duration.ofHours(1));
        h.observations.pipeInput("shop", Obs.lifetime(late, Duration.ofDays(90), Duration.ofDays(5)).endpoint(b)
                .scanEndpoints(a, b).build(), late);
        List<TestRecord<String, ServiceStatus>> records = h.statusRecords();
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.timestamp()).isEqualTo(T0.plus(SIX_HOURS).toEpochMilli());
            assertThat(r.value().getStatus()).isEqualTo(Status.CRITICAL);
            assertThat(r.value().getUpdatedAt()).isEqualTo(T0.plus(SIX_HOURS));
            assertThat(r.value().getConditions()).singleElement()
                    .satisfies(c -> assertThat(c.getSince()).isEqualTo(T0.plus(SIX_HOURS)));
        });
    }

    @Test
    void theNextTransitionIsKeptInTheLayoutThePreviousVersionWroteAndRead() {
        Observation o = Obs.lifetime(h.now(), Duration.ofDays(398), Duration.ofDays(200)).build();
        h.observe(o);
        Instant staleAt = T0.plus(SIX_HOURS.multipliedBy(3)).plusMillis(1);

        byte[] service = "shop".getBytes(StandardCharsets.UTF_8);
        byte[] key = ByteBuffer.allocate(8 + service.length).putLong(staleAt.toEpochMilli()).put(service).array();
        KeyValueStore<Bytes, String> index = h.driver.getKeyValueStore(StoreNames.TRANSITION_INDEX);
        List<KeyValue<Bytes, String>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, String> it = index.all()) {
            it.forEachRemaining(entries::add);
        }
        assertThat(entries).singleElement().satisfies(kv -> {
            assertThat(kv.key.get()).isEqualTo(key);
            assertThat(kv.value).isEqualTo("shop");
        });
        assertThat(h.driver.<String, Long>getKeyValueStore(StoreNames.NEXT_TRANSITION).get("shop")).isEqualTo(staleAt.toEpochMilli());
    }
}

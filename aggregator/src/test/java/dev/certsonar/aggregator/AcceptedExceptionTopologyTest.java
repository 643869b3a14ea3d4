package dev.certsonar.aggregator;

import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class AcceptedExceptionTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    static final Instant UNTIL = Instant.parse("2027-03-01T00:00:00Z");
    static final Duration NINETY_DAYS = Duration.ofDays(90);
    static final Target SHOP = Obs.target("tls://shop.example.com:443", "shop", "team-web", "shop.example.com");
    /** Scanned every 200 days, so that months pass in a test without the endpoint going stale. */
    static final Target SHOP_RARELY = Target.newBuilder(SHOP).setIntervalMillis(Duration.ofDays(200).toMillis()).build();

    @TempDir
    Path stateDir;
    Harness h;

    @BeforeEach
    void start() {
        h = new Harness(T0, stateDir);
        h.target(SHOP_RARELY);
        h.scanRequests.readValuesToList();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static Matcher eq(String name, String value) {
        return new Matcher(name, value, false);
    }

    static Matcher re(String name, String value) {
        return new Matcher(name, value, true);
    }

    AcceptedException selfSignedByDesign(Instant until, Matcher... matchers) {
        return AcceptedException.newBuilder()
                .setId("ex-1")
                .setMatchers(List.of(matchers))
                .setConditions(List.of(ConditionType.UNTRUSTED))
                .setReason("self-signed by design")
                .setCreatedBy("carol")
                .setCreatedAt(h.now())
                .setUntil(until)
                .build();
    }

    Observation selfSigned() {
        return Obs.lifetime(h.now(), NINETY_DAYS, Duration.ofDays(60)).selfSigned().build();
    }

    static void assertAccepted(ServiceStatus s, String reasonLine) {
        assertThat(s.getStatus()).isEqualTo(Status.OK);
        assertThat(s.getConditions()).isEmpty();
        assertThat(s.getEndpoints()).singleElement().satisfies(e -> assertThat(e.getStatus()).isEqualTo(Status.OK));
        assertThat(s.getAccepted()).singleElement().satisfies(a -> {
            assertThat(a.getCondition().getType()).isEqualTo(ConditionType.UNTRUSTED);
            assertThat(a.getExceptionId()).isEqualTo("ex-1");
            assertThat(a.getReason()).isEqualTo("self-signed by design");
            assertThat(a.getCreatedBy()).isEqualTo("carol");
        });
        assertThat(s.getProblems()).singleElement().asString().endsWith(reasonLine);
    }

    @Test
    void anExceptionTurnsASelfSignedServiceOkAndShowsTheConditionAccepted() {
        h.observe(selfSigned());
        ServiceStatus invalid = h.onlyStatus();
        assertThat(invalid.getStatus()).isEqualTo(Status.INVALID);
        assertThat(invalid.getConditions()).extracting(c -> c.getType()).containsExactly(ConditionType.UNTRUSTED);

        h.advance(Duration.ofMinutes(5));
        h.exception(selfSignedByDesign(UNTIL, eq("service", "shop")));

        ServiceStatus accepted = h.onlyStatus();
        assertAccepted(accepted, "accepted: self-signed by design (by carol, until 2027-03-01)");
        assertThat(accepted.getAccepted().get(0).getUntil()).isEqualTo(UNTIL);
        assertThat(accepted.getAccepted().get(0).getCondition().getSince()).as("the condition keeps its age").isEqualTo(T0);
        assertThat(accepted.getProblems().get(0)).startsWith("certificate CN=shop.example.com is self-signed on 10.0.0.1:443");
        assertThat(h.heldStatus("shop")).isEqualTo(accepted);
    }

    @Test
    void anExceptionWrittenBeforeTheServiceIsSeenAppliesFromItsFirstStatus() {
        h.exception(selfSignedByDesign(null, eq("service", "shop")));
        h.observe(selfSigned());
        assertAccepted(h.onlyStatus(), "accepted: self-signed by design (by carol)");
    }

    @Test
    void theConditionCountsAgainAtUntil() {
        Instant until = h.now().plus(Duration.ofDays(2));
        h.exception(selfSignedByDesign(until, eq("service", "shop")));
        h.observe(selfSigned());
        h.statusValues();

        h.advanceTo(until.minusMillis(1));
        assertThat(h.statusValues()).as("in force until its end").isEmpty();

        h.advanceTo(until);
        ServiceStatus restored = h.onlyStatus();
        assertThat(restored.getStatus()).isEqualTo(Status.INVALID);
        assertThat(restored.getAccepted()).isEmpty();
        assertThat(restored.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo(ConditionType.UNTRUSTED);
            assertThat(c.getSince()).as("held since it was first seen, so no hold-down delays its alert").isEqualTo(T0);
        });
        assertThat(restored.getUpdatedAt()).isEqualTo(until);
        assertThat(h.driver.<String, byte[]>getKeyValueStore(StoreNames.EXCEPTIONS_IN_FORCE).get("ex-1")).as("forgotten").isNull();
    }

    @Test
    void aTombstoneRestoresTheConditionAtOnce() {
        h.exception(selfSignedByDesign(null, eq("service", "shop")));
        h.observe(selfSigned());
        h.statusValues();

        h.advance(Duration.ofMinutes(1));
        h.removeException("ex-1");
        ServiceStatus restored = h.onlyStatus();
        assertThat(restored.getStatus()).isEqualTo(Status.INVALID);
        assertThat(restored.getAccepted()).isEmpty();
        assertThat(restored.getConditions()).extracting(c -> c.getType()).containsExactly(ConditionType.UNTRUSTED);
    }

    @Test
    void aChangedReasonIsWrittenAndAnExceptionAlreadyEndedIsNotApplied() {
        h.exception(selfSignedByDesign(null, eq("service", "shop")));
        h.observe(selfSigned());
        h.statusValues();

        h.exception(AcceptedException.newBuilder(selfSignedByDesign(null, eq("service", "shop"))).setReason("lab device").build());
        assertThat(h.onlyStatus().getAccepted()).singleElement().satisfies(a -> assertThat(a.getReason()).isEqualTo("lab device"));

        h.exception(selfSignedByDesign(h.now().minusMillis(1), eq("service", "shop")));
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.INVALID);
    }

    @Test
    void onlyTheConditionsNamedAreAcceptedAndTheRestStillCount() {
        h.exception(selfSignedByDesign(null, eq("service", "shop")));
        h.observe(Obs.lifetime(h.now(), NINETY_DAYS, Duration.ofDays(20)).selfSigned().build());
        ServiceStatus s = h.onlyStatus();
        assertThat(s.getStatus()).as("the expiry warning still counts").isEqualTo(Status.WARNING);
        assertThat(s.getConditions()).extracting(c -> c.getType()).containsExactly(ConditionType.EXPIRING);
        assertThat(s.getAccepted()).extracting(a -> a.getCondition().getType()).containsExactly(ConditionType.UNTRUSTED);
    }

    static Stream<Arguments> matchers() {
        String sha = Obs.lifetime(T0, NINETY_DAYS, Duration.ofDays(60)).selfSigned().build().getChain().get(0).getSha256();
        return Stream.of(
                argumentSet("service", List.of(eq("service", "shop")), true),
                argumentSet("another service", List.of(eq("service", "shop2")), false),
                argumentSet("service by regex", List.of(re("service", "sh.*")), true),
                argumentSet("service by a regex that matches part only", List.of(re("service", "sh")), false),
                argumentSet("owner", List.of(eq("owner", "team-web")), true),
                argumentSet("owner by regex", List.of(re("owner", "team-(web|api)")), true),
                argumentSet("another owner", List.of(eq("owner", "team-api")), false),
                argumentSet("label", List.of(eq("label.env", "prod")), true),
                argumentSet("label by regex", List.of(re("label.env", "pr.d")), true),
                argumentSet("another label value", List.of(eq("label.env", "dev")), false),
                argumentSet("certificate", List.of(eq("certificate", sha)), true),
                argumentSet("certificate by regex", List.of(re("certificate", sha.substring(0, 8) + ".*")), true),
                argumentSet("another certificate", List.of(eq("certificate", "00".repeat(32))), false),
                argumentSet("target", List.of(eq("target", "tls://shop.example.com:443")), true),
                argumentSet("target by regex", List.of(re("target", "tls://shop\\..*")), true),
                argumentSet("another target", List.of(eq("target", "tls://other:443")), false),
                argumentSet("condition", List.of(eq("condition", "UNTRUSTED")), true),
                argumentSet("condition by regex", List.of(re("condition", "UNTRUSTED|EXPIRED")), true),
                argumentSet("another condition", List.of(eq("condition", "EXPIRED")), false),
                argumentSet("severity (the condition's level)", List.of(eq("severity", "CRITICAL")), true),
                argumentSet("severity by regex", List.of(re("severity", "WARN.*")), false),
                argumentSet("all hold", List.of(eq("service", "shop"), eq("owner", "team-web"), eq("label.env", "prod")), true),
                argumentSet("one of all fails", List.of(eq("service", "shop"), eq("owner", "team-api")), false),
                argumentSet("no matchers match nothing", List.of(), false));
    }

    @ParameterizedTest
    @MethodSource("matchers")
    void anExceptionAppliesWhenAllItsMatchersHold(List<Matcher> matchers, boolean accepted) {
        h.observe(selfSigned());
        h.statusValues();
        h.advance(Duration.ofMinutes(1));
        h.exception(selfSignedByDesign(null, matchers.toArray(Matcher[]::new)));
        ServiceStatus s = h.heldStatus("shop");
        assertThat(s.getStatus()).isEqualTo(accepted ? Status.OK : Status.INVALID);
        assertThat(s.getAccepted()).hasSize(accepted ? 1 : 0);
        assertThat(h.statusValues()).hasSize(accepted ? 1 : 0);
    }

    @Test
    void anExceptionChangesOnlyTheServicesItMatches() {
        Target other = Obs.target("tls://api.example.com:443", "api", "team-api", "api.example.com");
        h.target(Target.newBuilder(other).setIntervalMillis(Duration.ofDays(200).toMillis()).build());
        h.observe(selfSigned());
        h.observe(Obs.lifetime(h.now(), NINETY_DAYS, Duration.ofDays(60)).selfSigned().service("api").owner("team-api")
                .target(other.getId()).host("api.example.com").build());
        h.statusValues();

        h.exception(selfSignedByDesign(null, eq("owner", "team-api")));
        List<TestRecord<String, ServiceStatus>> written = h.statusRecords();
        assertThat(written).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("api");
            assertThat(r.value().getStatus()).isEqualTo(Status.OK);
        });
        assertThat(h.heldStatus("shop").getStatus()).isEqualTo(Status.INVALID);
    }

    @Test
    void unreadableOperatorRecordsGoToDeadLettersAndTheNextOnesAreRead() {
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        h.raw(h.topics.exceptions().name(), "bad", garbage);
        h.raw(h.topics.alertStates().name(), "bad-alert", garbage);
        h.raw(h.topics.silences().name(), "bad-silence", garbage);
        AcceptedException badRegex = selfSignedByDesign(null, re("service", "("));
        h.exceptions.pipeInput("bad-regex", AcceptedException.newBuilder(badRegex).setId("bad-regex").build(), h.now());

        List<TestRecord<byte[], byte[]>> dead = h.deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("bad", "bad-alert", "bad-silence", "bad-regex");
        assertThat(dead).allSatisfy(r -> {
            assertThat(DeadLetters.header(r.headers(), DeadLetters.ERROR)).isPresent();
            assertThat(DeadLetters.header(r.headers(), DeadLetters.COMPONENT)).contains("aggregator");
        });
        assertThat(dead).filteredOn(r -> new String(r.key(), StandardCharsets.UTF_8).equals("bad-regex")).singleElement()
                .satisfies(r -> assertThat(DeadLetters.header(r.headers(), DeadLetters.ERROR).orElseThrow())
                        .contains("field 'matchers[0].value': '(' is not a regular expression"));

        h.exception(selfSignedByDesign(null, eq("service", "shop")));
        h.observe(selfSigned());
        assertThat(h.onlyStatus().getStatus()).isEqualTo(Status.OK);
        AlertLifecycle alert = alertState("a-1");
        h.alertStates.pipeInput("a-1", alert, h.now());
        Silence silence = Silence.newBuilder().setId("s-1").setMatchers(List.of(eq("service", "shop"))).setStartsAt(h.now())
                .setEndsAt(h.now().plus(Duration.ofHours(1))).setCreatedBy("dave").setComment("migration").setCreatedAt(h.now()).build();
        h.silences.pipeInput("s-1", silence, h.now());
        assertThat(this.<AlertLifecycle>tableValue(StoreNames.ALERT_STATES, "a-1")).isEqualTo(alert);
        assertThat(this.<Silence>tableValue(StoreNames.SILENCES, "s-1")).isEqualTo(silence);
        assertThat(this.<AcceptedException>tableValue(StoreNames.EXCEPTIONS, "ex-1")).isNotNull();
        assertThat(this.<AcceptedException>tableValue(StoreNames.EXCEPTIONS, "bad-regex")).isNull();
    }

    /** The value a table's store holds for the key, or null. */
    <V> V tableValue(String store, String key) {
        ValueAndTimestamp<V> held = h.driver.<String, V>getTimestampedKeyValueStore(store).get(key);
        return held == null ? null : held.value();
    }

    AlertLifecycle alertState(String id) {
        return AlertLifecycle.newBuilder().setAlertId(id).setState(LifecycleState.FIRING).setSeverity(Severity.CRITICAL)
                .setCondition(ConditionType.UNTRUSTED).setLevel(Severity.CRITICAL).setService("shop").setSince(h.now())
                .setUpdatedAt(h.now()).build();
    }
}

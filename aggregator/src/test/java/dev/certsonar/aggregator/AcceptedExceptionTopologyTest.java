package dev.certsonar.aggregator;

import dev.certsonar.schemas.DeadLetters;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.LifecycleState;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
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
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AcceptedExceptionTopologyTest {

    static final Instant T0 = ServiceStateTopologyTest.T0;
    static final Instant UNTIL = Instant.parse("2027-03-01T00:00:00Z");
    static final Duration NINETY_DAYS = Duration.ofDays(90);
    /** The shop, scanned every 200 days so that months pass in a test without the endpoint going stale. */
    static final Target SHOP_RARELY = Target.newBuilder(ServiceStateTopologyTest.SHOP)
            .setIntervalMillis(Duration.ofDays(200).toMillis()).build();

    @TempDir
    Path stateDir;
    Harness h;

    @AfterEach
    void stop() {
        h.close();
    }

    /** The harness, with the shop target known and its first scan request read. */
    @BeforeEach
    void startWithTheShop() {
        h = new Harness(T0, stateDir);
        h.target(SHOP_RARELY);
        h.scanRequests.readValuesToList();
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

    /**
     * One case a line: what is matched, then each matcher as {@code name=value} or {@code name=~regex} (SHA stands for
     * the served certificate's fingerprint), then whether the exception applies.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            service                              ; service=shop                                  ; true
            another service                      ; service=shop2                                 ; false
            service by regex                     ; service=~sh.*                                 ; true
            service by a regex that matches part ; service=~sh                                   ; false
            owner                                ; owner=team-web                                ; true
            owner by regex                       ; owner=~team-(web|api)                         ; true
            another owner                        ; owner=team-api                                ; false
            label                                ; label.env=prod                                ; true
            label by regex                       ; label.env=~pr.d                               ; true
            another label value                  ; label.env=dev                                 ; false
            certificate                          ; certificate=SHA                               ; true
            certificate by regex                 ; certificate=~SHA.*                            ; true
            another certificate                  ; certificate=0000000000000000000000000000000000000000000000000000000000000000 ; false
            target                               ; target=tls://shop.example.com:443             ; true
            target by regex                      ; target=~tls://shop\\..*                       ; true
            another target                       ; target=tls://other:443                        ; false
            condition                            ; condition=UNTRUSTED                           ; true
            condition by regex                   ; condition=~UNTRUSTED|EXPIRED                  ; true
            another condition                    ; condition=EXPIRED                             ; false
            severity, the alert's                ; severity=CRITICAL                             ; true
            severity by regex                    ; severity=~WARN.*                              ; false
            all hold                             ; service=shop,owner=team-web,label.env=prod    ; true
            one of all fails                     ; service=shop,owner=team-api                   ; false
            no matchers match nothing            ;                                               ; false
            """)
    void anExceptionAppliesWhenAllItsMatchersHold(String what, String matchers, boolean accepted) {
        Observation observed = selfSigned();
        String sha = observed.getChain().get(0).getSha256();
        List<Matcher> parsed = new java.util.ArrayList<>();
        if (matchers != null) {
            for (String m : matchers.split(",(?=[a-z.]+=)")) {
                boolean regex = m.contains("=~");
                String[] nameValue = m.split(regex ? "=~" : "=", 2);
                parsed.add(new Matcher(nameValue[0], nameValue[1].replace("SHA", sha), regex));
            }
        }
        h.observe(observed);
        h.statusValues();
        h.advance(Duration.ofMinutes(1));
        h.exception(selfSignedByDesign(null, parsed.toArray(Matcher[]::new)));
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

    /** UNREACHABLE is found at level WARNING and alerts as CRITICAL: {@code severity} is the alert's. */
    @ParameterizedTest(name = "{0} accepts an unreachable service: {1}")
    @CsvSource({"severity=CRITICAL, true", "severity=WARNING, false"})
    void severityIsTheSeverityOfTheConditionsAlert(String matcher, boolean accepted) {
        h.observe(Obs.unreachable(h.now(), Outcome.TIMEOUT).build());
        assertThat(h.onlyStatus().getConditions()).singleElement().satisfies(c -> assertThat(c.getLevel()).isEqualTo(Severity.WARNING));
        h.advance(Duration.ofMinutes(1));
        String[] nameValue = matcher.split("=", 2);
        h.exception(AcceptedException.newBuilder(selfSignedByDesign(null, eq(nameValue[0], nameValue[1])))
                .setConditions(List.of(ConditionType.UNREACHABLE)).build());
        ServiceStatus s = h.heldStatus("shop");
        assertThat(s.getStatus()).isEqualTo(accepted ? Status.OK : Status.UNREACHABLE);
        assertThat(s.getAccepted()).hasSize(accepted ? 1 : 0);
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

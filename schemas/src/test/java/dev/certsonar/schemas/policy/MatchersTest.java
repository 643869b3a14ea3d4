package dev.certsonar.schemas.policy;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** What a matcher means on the facts of an alert or of a condition, how one is written, and what is refused. */
class MatchersTest {

    static final String SHA = "ab".repeat(32);
    static final String OTHER_SHA = "cd".repeat(32);
    static final CertificateRef CERTIFICATE = CertificateRef.newBuilder().setSha256(SHA).setSubject("CN=shop")
            .setNotAfter(Instant.EPOCH).build();
    static final List<String> SHOP_TARGETS = List.of("tls://shop.example.com:443", "smtp://mail.example.com:25");
    static final Alert SHOP_ALERT = Alert.newBuilder().setAlertId("a").setEventId("e").setState(AlertState.FIRING)
            .setSeverity(Severity.CRITICAL).setCondition(ConditionType.EXPIRING).setLevel(Severity.CRITICAL)
            .setService("shop-eu").setOwner("team-web").setLabels(Map.of("env", "prod", "tier", "1"))
            .setCertificate(CERTIFICATE).setMessage("").setAt(Instant.EPOCH).build();
    static final Alert UNOWNED = Alert.newBuilder(SHOP_ALERT).setOwner(null).setCertificate(null).setLabels(Map.of()).build();

    /** Facts given by key, as any {@link Matchers.Facts} may give them. */
    static final Map<String, List<String>> SHOP = Map.of(
            "service", List.of("shop"),
            "owner", List.of("team-web"),
            "label.env", List.of("prod"),
            "condition", List.of("UNTRUSTED"),
            "severity", List.of("CRITICAL"),
            "certificate", List.of(SHA),
            "target", List.of("tls://shop:443", "tls://shop:8443"));

    static Matcher eq(String name, String value) {
        return new Matcher(name, value, false);
    }

    static Matcher re(String name, String value) {
        return new Matcher(name, value, true);
    }

    static boolean matches(Matcher... matchers) {
        return Matchers.compile(List.of(matchers)).matches(name -> SHOP.getOrDefault(name, List.of()));
    }

    static boolean matches(Matchers.Facts facts, String... written) {
        return Matchers.compile(Arrays.stream(written).map(Matchers::parse).toList()).matches(facts);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                argumentSet("service equal", List.of(eq("service", "shop")), true),
                argumentSet("service equal to another", List.of(eq("service", "shop2")), false),
                argumentSet("service by a regex matched whole", List.of(re("service", "sh.p")), true),
                argumentSet("a regex that matches only part", List.of(re("service", "sh")), false),
                argumentSet("owner", List.of(eq("owner", "team-web")), true),
                argumentSet("a label", List.of(eq("label.env", "prod")), true),
                argumentSet("a label the subject lacks", List.of(eq("label.team", "x")), false),
                argumentSet("a regex on a missing label does not hold, even one that matches empty",
                        List.of(re("label.team", ".*")), false),
                argumentSet("certificate without regard to case", List.of(eq("certificate", SHA.toUpperCase())), true),
                argumentSet("certificate by a regex without regard to case", List.of(re("certificate", "AB.*")), true),
                argumentSet("another certificate", List.of(eq("certificate", OTHER_SHA)), false),
                argumentSet("one of several targets", List.of(eq("target", "tls://shop:8443")), true),
                argumentSet("condition", List.of(eq("condition", "UNTRUSTED")), true),
                argumentSet("severity", List.of(eq("severity", "WARNING")), false),
                argumentSet("all must hold", List.of(eq("service", "shop"), eq("owner", "team-x")), false),
                argumentSet("all hold", List.of(eq("service", "shop"), re("condition", "UNTRUSTED|EXPIRED")), true),
                argumentSet("no matchers match nothing", List.of(), false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchersHoldTogether(List<Matcher> matchers, boolean expected) {
        assertThat(matches(matchers.toArray(Matcher[]::new))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} matches: {1}")
    @CsvFileSource(resources = "matchers.csv", delimiterString = " -> ")
    void eachKeyOfAnAlertByEqualityOrRegex(String matcher, boolean expected) {
        assertThat(matches(ConditionFacts.of(SHOP_ALERT, SHOP_TARGETS), matcher)).isEqualTo(expected);
    }

    @Test
    void everyMatcherMustHoldAndNoneMatchesNothing() {
        ConditionFacts shop = ConditionFacts.of(SHOP_ALERT, List.of());
        assertThat(matches(shop, "service=shop-eu", "severity=CRITICAL")).isTrue();
        assertThat(matches(shop, "service=shop-eu", "severity=WARNING")).isFalse();
        assertThat(matches(shop)).isFalse();
    }

    @Test
    void anAbsentFactHoldsForNoMatcherNotEvenARegexThatMatchesTheEmptyText() {
        ConditionFacts unowned = ConditionFacts.of(UNOWNED, List.of());
        for (String key : List.of("owner", "certificate", "label.env", "target")) {
            assertThat(matches(unowned, key + "=~.*")).as(key + "=~.*").isFalse();
            assertThat(matches(unowned, key + "=~")).as(key + "=~").isFalse();
        }
        assertThat(matches(unowned, "service=~.*")).isTrue();
        assertThat(matches(new ConditionFacts("shop", "", Map.of("env", ""), ConditionType.EXPIRING, Severity.WARNING, null,
                List.of()), "owner=~", "label.env=~")).as("a fact that is there and empty").isTrue();
        assertThatExceptionOfType(InvalidValueException.class).isThrownBy(() -> Matchers.parse("owner="))
                .withMessageStartingWith("owner=: an empty value");
    }

    @Test
    void aCertificateIsItsSha256InEitherCaseWrittenWithOrWithoutColons() {
        ConditionFacts shop = ConditionFacts.of(SHOP_ALERT, List.of());
        String withColons = String.join(":", SHA.toUpperCase().split("(?<=\\G..)"));
        assertThat(Matchers.parse("certificate=" + withColons).getValue()).isEqualTo(SHA);
        assertThat(matches(shop, "certificate=" + withColons)).isTrue();
        assertThat(Matchers.compile(List.of(eq("certificate", SHA.toUpperCase()))).matches(shop))
                .as("an upper-case fingerprint in a record, as the API may send it").isTrue();
        assertThat(Matchers.compile(List.of(eq("certificate", SHA))).matches(
                new ConditionFacts("shop", null, Map.of(), ConditionType.EXPIRING, Severity.WARNING, SHA.toUpperCase(), List.of())))
                .as("an upper-case fact").isTrue();
        assertThat(matches(shop, "certificate=~ABAB.*AB")).isTrue();
        assertThat(matches(shop, "service=~SHOP-EU")).as("other keys keep their case").isFalse();
    }

    @Test
    void severityIsTheAlertsSeverityAlsoForAConditionOfAStatus() {
        // UNREACHABLE is found at level WARNING, and its alert is CRITICAL.
        Severity level = Severity.WARNING;
        ConditionFacts condition = ConditionFacts.of("shop-eu", "team-web", Map.of("env", "prod"), ConditionType.UNREACHABLE,
                level, null, SHOP_TARGETS);
        Alert alert = Alert.newBuilder(SHOP_ALERT).setCondition(ConditionType.UNREACHABLE).setLevel(level)
                .setSeverity(Verdicts.alertSeverity(ConditionType.UNREACHABLE, level)).setCertificate(null)
                .setLabels(Map.of("env", "prod")).build();
        assertThat(condition.severity()).isEqualTo(Severity.CRITICAL);
        for (ConditionFacts facts : List.of(condition, ConditionFacts.of(alert, SHOP_TARGETS))) {
            assertThat(matches(facts, "severity=CRITICAL")).isTrue();
            assertThat(matches(facts, "severity=WARNING")).isFalse();
        }
    }

    @Test
    void anAlertAndTheConditionItIsAboutHaveTheSameFacts() {
        ConditionFacts ofStatus = ConditionFacts.of("shop-eu", "team-web", Map.of("env", "prod", "tier", "1"),
                ConditionType.EXPIRING, Severity.CRITICAL, CERTIFICATE, SHOP_TARGETS);
        ConditionFacts ofAlert = ConditionFacts.of(SHOP_ALERT, SHOP_TARGETS);
        assertThat(ofAlert).isEqualTo(ofStatus);
        assertThat(ofAlert.byKey()).containsOnlyKeys("service", "owner", "condition", "severity", "certificate", "target",
                "label.env", "label.tier");
        assertThat(ofAlert.byKey().get("target")).containsExactlyElementsOf(SHOP_TARGETS);
        assertThat(ConditionFacts.of(UNOWNED, List.of()).byKey()).containsOnlyKeys("service", "condition", "severity");
    }

    @Test
    void parseAndFormatAreEachOthersInverse() {
        Matcher m = Matchers.parse("label.env=~prod|staging");
        assertThat(m.getName()).isEqualTo("label.env");
        assertThat(m.getValue()).isEqualTo("prod|staging");
        assertThat(m.getRegex()).isTrue();
        assertThat(Matchers.format(m)).isEqualTo("label.env=~prod|staging");
        assertThat(Matchers.format(List.of(Matchers.parse("service=a=b"), m))).isEqualTo("service=a=b label.env=~prod|staging");
        assertThat(Matchers.parse("severity= critical ").getValue()).isEqualTo("CRITICAL");
    }

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "matcher-refusals.csv", delimiterString = " -> ")
    void aMatcherAsWrittenThatBreaksARuleIsRefusedAsWritten(String written, String message) {
        assertThatExceptionOfType(InvalidValueException.class).isThrownBy(() -> Matchers.parse(written)).withMessage(message);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                argumentSet("an unknown key", List.of(eq("service", "a"), eq("colour", "red")),
                        "matchers[1].name: unknown key 'colour' (keys: service, owner, condition, severity, certificate, "
                                + "target, label.NAME)"),
                argumentSet("a label without a name", List.of(eq("label.", "x")),
                        "matchers[0].name: unknown key 'label.' (keys: service, owner, condition, severity, certificate, "
                                + "target, label.NAME)"),
                argumentSet("no name", List.of(new Matcher(null, "x", false)), "matchers[0].name: missing"),
                argumentSet("no value", List.of(new Matcher("service", null, false)), "matchers[0].value: missing"),
                argumentSet("a regex that does not compile", List.of(re("service", "(")),
                        "matchers[0].value: '(' is not a regular expression: Unclosed group at index 1"),
                argumentSet("an unknown condition", List.of(eq("condition", "SELF_SIGNED")),
                        "matchers[0].value: 'SELF_SIGNED' is not a condition (one of EXPIRING, EXPIRED, UNTRUSTED, "
                                + "HOSTNAME_MISMATCH, INCOMPLETE_CHAIN, NOT_YET_VALID, WEAK_CRYPTO, UNREACHABLE, STALE, "
                                + "ROLLOUT_INCOMPLETE, LEGACY_PROTOCOL, LIFETIME_EXCEEDS_MAXIMUM, FLEET_DOWN, FLEET_BEHIND, WATCHDOG, REVOKED, REVOCATION_UNKNOWN)"),
                argumentSet("a condition in lower case (records are not rewritten)", List.of(eq("condition", "expired")),
                        "matchers[0].value: 'expired' is not a condition (one of EXPIRING, EXPIRED, UNTRUSTED, "
                                + "HOSTNAME_MISMATCH, INCOMPLETE_CHAIN, NOT_YET_VALID, WEAK_CRYPTO, UNREACHABLE, STALE, "
                                + "ROLLOUT_INCOMPLETE, LEGACY_PROTOCOL, LIFETIME_EXCEEDS_MAXIMUM, FLEET_DOWN, FLEET_BEHIND, WATCHDOG, REVOKED, REVOCATION_UNKNOWN)"),
                argumentSet("an unknown severity", List.of(eq("severity", "HIGH")),
                        "matchers[0].value: 'HIGH' is not a severity (one of INFO, WARNING, CRITICAL)"),
                argumentSet("a certificate that is no SHA-256", List.of(eq("certificate", "ab12cd")),
                        "matchers[0].value: 'ab12cd' is not a certificate's SHA-256 (64 hex digits, as `scan` and the API "
                                + "show it)"),
                argumentSet("an empty value", List.of(eq("owner", "")),
                        "matchers[0].value: an empty value (no matcher holds for an absent fact; a regular expression "
                                + "matches an empty one)"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void aBadMatcherIsNamed(List<Matcher> matchers, String message) {
        assertThatExceptionOfType(InvalidValueException.class).isThrownBy(() -> Matchers.check(matchers)).withMessage(message);
    }

    @Test
    void aMissingListIsNamed() {
        assertThatExceptionOfType(InvalidValueException.class).isThrownBy(() -> Matchers.check(null))
                .withMessage("matchers: missing");
    }

    @Test
    void equalityMatchersAreFoundByField() {
        Matchers.Compiled compiled = Matchers.compile(List.of(eq("service", "shop"), re("service", "s.*"), eq("owner", "o")));
        assertThat(compiled.equalTo("service")).containsExactly("shop");
        assertThat(compiled.equalTo("certificate")).isEmpty();
    }
}

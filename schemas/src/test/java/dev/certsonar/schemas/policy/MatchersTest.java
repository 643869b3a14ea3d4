package dev.certsonar.schemas.policy;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class MatchersTest {

    static final Map<String, List<String>> SHOP = Map.of(
            "service", List.of("shop"),
            "owner", List.of("team-web"),
            "label.env", List.of("prod"),
            "condition", List.of("UNTRUSTED"),
            "severity", List.of("CRITICAL"),
            "certificate", List.of("ab12cd"),
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
                argumentSet("certificate without regard to case", List.of(eq("certificate", "AB12CD")), true),
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

    static Stream<Arguments> refusals() {
        return Stream.of(
                argumentSet("an unknown field", List.of(eq("service", "a"), eq("colour", "red")),
                        "matchers[1].name: 'colour' is not a field to match (one of service, owner, condition, severity, "
                                + "certificate, target, or label.NAME)"),
                argumentSet("a label without a name", List.of(eq("label.", "x")),
                        "matchers[0].name: 'label.' is not a field to match (one of service, owner, condition, severity, "
                                + "certificate, target, or label.NAME)"),
                argumentSet("a regex that does not compile", List.of(re("service", "(")),
                        "matchers[0].value: '(' is not a regular expression: Unclosed group"),
                argumentSet("an unknown condition", List.of(eq("condition", "SELF_SIGNED")),
                        "matchers[0].value: 'SELF_SIGNED' is not one of EXPIRING, EXPIRED, UNTRUSTED, HOSTNAME_MISMATCH, "
                                + "INCOMPLETE_CHAIN, NOT_YET_VALID, WEAK_CRYPTO, UNREACHABLE, STALE, ROLLOUT_INCOMPLETE, LEGACY_PROTOCOL, "
                                + "LIFETIME_EXCEEDS_MAXIMUM, FLEET_DOWN, FLEET_BEHIND, WATCHDOG"),
                argumentSet("an unknown severity", List.of(eq("severity", "HIGH")),
                        "matchers[0].value: 'HIGH' is not one of INFO, WARNING, CRITICAL"),
                argumentSet("an empty value", List.of(eq("owner", "")),
                        "matchers[0].value: an empty value (use a regular expression to match an empty field)"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void aBadMatcherIsNamed(List<Matcher> matchers, String message) {
        assertThatExceptionOfType(InvalidValueException.class).isThrownBy(() -> Matchers.check(matchers)).withMessage(message);
    }

    @Test
    void equalityMatchersAreFoundByField() {
        Matchers.Compiled compiled = Matchers.compile(List.of(eq("service", "shop"), re("service", "s.*"), eq("owner", "o")));
        assertThat(compiled.equalTo("service")).containsExactly("shop");
        assertThat(compiled.equalTo("certificate")).isEmpty();
    }
}

package dev.certsonar.notifier.operator;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Matcher;
import dev.certsonar.schemas.avro.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a matcher means on an alert, and how one is written. */
class MatchersTest {

    static final String SHA = "ab".repeat(32);
    static final Alert SHOP = Alert.newBuilder().setAlertId("a").setEventId("e").setState(AlertState.FIRING)
            .setSeverity(Severity.CRITICAL).setCondition(ConditionType.EXPIRING).setLevel(Severity.CRITICAL)
            .setService("shop-eu").setOwner("team-web").setLabels(Map.of("env", "prod", "tier", "1"))
            .setCertificate(CertificateRef.newBuilder().setSha256(SHA).setSubject("CN=shop").setNotAfter(Instant.EPOCH).build())
            .setMessage("").setAt(Instant.EPOCH).build();
    static final Alert UNOWNED = Alert.newBuilder(SHOP).setOwner(null).setCertificate(null).setLabels(Map.of()).build();

    static boolean matches(Alert alert, List<String> targets, String... written) {
        return Matchers.compile(Arrays.stream(written).map(Matchers::parse).toList()).test(new AlertFacts(alert, targets));
    }

    @ParameterizedTest(name = "{0} matches: {1}")
    @CsvFileSource(resources = "matchers.csv", delimiterString = " -> ")
    void each_key_by_equality_or_regex(String matcher, boolean expected) {
        assertThat(matches(SHOP, List.of("tls://shop.example.com:443", "smtp://mail.example.com:25"), matcher))
                .isEqualTo(expected);
    }

    @Test
    void a_certificate_by_its_sha256_in_either_case_with_or_without_colons() {
        assertThat(matches(SHOP, List.of(), "certificate=" + SHA)).isTrue();
        assertThat(matches(SHOP, List.of(), "certificate=" + SHA.toUpperCase())).isTrue();
        assertThat(matches(SHOP, List.of(), "certificate=" + String.join(":", SHA.split("(?<=\\G..)")))).isTrue();
        assertThat(matches(SHOP, List.of(), "certificate=" + "cd".repeat(32))).isFalse();
    }

    @Test
    void an_absent_fact_is_the_empty_text_and_unknown_targets_match_no_target_matcher() {
        assertThat(matches(UNOWNED, List.of(), "owner=")).isTrue();
        assertThat(matches(UNOWNED, List.of(), "owner=~.*")).isTrue();
        assertThat(matches(UNOWNED, List.of(), "certificate=~")).isTrue();
        assertThat(matches(UNOWNED, List.of(), "target=~.*")).isFalse();
    }

    @Test
    void every_matcher_must_hold_and_none_matches_nothing() {
        assertThat(matches(SHOP, List.of(), "service=shop-eu", "severity=CRITICAL")).isTrue();
        assertThat(matches(SHOP, List.of(), "service=shop-eu", "severity=WARNING")).isFalse();
        assertThat(matches(SHOP, List.of())).isFalse();
    }

    @Test
    void parse_and_format_are_each_others_inverse() {
        Matcher m = Matchers.parse("label.env=~prod|staging");
        assertThat(m.getName()).isEqualTo("label.env");
        assertThat(m.getValue()).isEqualTo("prod|staging");
        assertThat(m.getRegex()).isTrue();
        assertThat(Matchers.format(m)).isEqualTo("label.env=~prod|staging");
        assertThat(Matchers.format(List.of(Matchers.parse("service=a=b"), m))).isEqualTo("service=a=b label.env=~prod|staging");
    }

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "matcher-refusals.csv", delimiterString = " -> ")
    void a_matcher_that_breaks_a_rule_is_refused_as_written(String written, String message) {
        assertThatThrownBy(() -> Matchers.parse(written)).isInstanceOf(InvalidValueException.class).hasMessage(message);
    }
}

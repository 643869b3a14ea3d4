package dev.certsonar.schemas.policy;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class ExpiryPolicyTest {

    private static final Duration SIX_HOURS = Duration.ofHours(6);

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                argumentSet("zero interval", (Runnable) () -> new ExpiryPolicy(Duration.ZERO, 30, 0.25, 7, 0.1),
                        List.of("interval"), "0s is not a positive duration"),
                argumentSet("negative interval", (Runnable) () -> new ExpiryPolicy(Duration.ofHours(-1), 30, 0.25, 7, 0.1),
                        List.of("interval"), "PT-1H is not a positive duration"),
                argumentSet("no interval", (Runnable) () -> new ExpiryPolicy(null, 30, 0.25, 7, 0.1),
                        List.of("interval"), "missing"),
                argumentSet("negative warnDays", (Runnable) () -> new ExpiryPolicy(SIX_HOURS, -1, 0.25, 0, 0.1),
                        List.of("warnDays"), "-1.0 is not a number of days (0 or more)"),
                argumentSet("endless criticalDays", (Runnable) () -> new ExpiryPolicy(SIX_HOURS, 30, 0.25, Double.POSITIVE_INFINITY, 0.1),
                        List.of("criticalDays"), "Infinity is not a number of days (0 or more)"),
                argumentSet("warnDays not a number", (Runnable) () -> new ExpiryPolicy(SIX_HOURS, Double.NaN, 0.25, 7, 0.1),
                        List.of("warnDays"), "NaN is not a number of days (0 or more)"),
                argumentSet("warnFraction above one", (Runnable) () -> new ExpiryPolicy(SIX_HOURS, 30, 1.5, 7, 0.1),
                        List.of("warnFraction"), "1.5 is not a fraction of the lifetime (0 to 1)"),
                argumentSet("negative criticalFraction", (Runnable) () -> new ExpiryPolicy(SIX_HOURS, 30, 0.25, 7, -0.1),
                        List.of("criticalFraction"), "-0.1 is not a fraction of the lifetime (0 to 1)"),
                argumentSet("critical days before warning days", (Runnable) () -> new ExpiryPolicy(SIX_HOURS, 5, 0.25, 7, 0.1),
                        List.of("criticalDays", "warnDays"), "criticalDays (7.0) must not be more than warnDays (5.0)"),
                argumentSet("critical fraction before warning fraction", (Runnable) () -> new ExpiryPolicy(SIX_HOURS, 30, 0.1, 7, 0.2),
                        List.of("criticalFraction", "warnFraction"), "criticalFraction (0.2) must not be more than warnFraction (0.1)"),
                argumentSet("no severity for a legacy protocol", (Runnable) () -> new ExpiryPolicy(SIX_HOURS, 30, 0.25, 7, 0.1, null, Severity.WARNING),
                        List.of("legacyProtocol"), "null is not a severity (INFO, WARNING or CRITICAL)"),
                argumentSet("an unknown severity for a lifetime over the maximum", (Runnable) () -> new ExpiryPolicy(SIX_HOURS, 30, 0.25, 7, 0.1, Severity.INFO, Severity.UNKNOWN),
                        List.of("lifetimeExceedsMaximum"), "UNKNOWN is not a severity (INFO, WARNING or CRITICAL)"));
    }

    @ParameterizedTest
    @MethodSource("brokenRules")
    void aBrokenRuleNamesItsFields(Runnable construction, List<String> fields, String problem) {
        assertThatThrownBy(construction::run)
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.fields()).isEqualTo(fields);
                    assertThat(e.problem()).isEqualTo(problem);
                })
                .hasMessage(fields.getFirst() + ": " + problem);
    }

    static Stream<Arguments> keptRules() {
        return Stream.of(
                argumentSet("the default", ExpiryPolicy.DEFAULT),
                argumentSet("critical and warning at once", new ExpiryPolicy(SIX_HOURS, 7, 0.1, 7, 0.1)),
                argumentSet("no thresholds at all", new ExpiryPolicy(Duration.ofMillis(1), 0, 0, 0, 0)),
                argumentSet("the whole lifetime", new ExpiryPolicy(SIX_HOURS, 400, 1, 400, 1)));
    }

    @ParameterizedTest
    @MethodSource("keptRules")
    void boundariesAreAllowed(ExpiryPolicy policy) {
        assertThat(policy.criticalDays()).isLessThanOrEqualTo(policy.warnDays());
    }

    static Stream<Arguments> targetsThatCrossThePolicy() {
        return Stream.of(
                argumentSet("criticalDays 40 under the policy's warnDays 30", (UnaryOperator<Target.Builder>) b -> b.setCriticalDays(40.0),
                        List.of("criticalDays", "warnDays"),
                        "criticalDays (40.0) must not be more than warnDays (30.0); warnDays comes from the policy"),
                argumentSet("warnDays 5 over the policy's criticalDays 7", (UnaryOperator<Target.Builder>) b -> b.setWarnDays(5.0),
                        List.of("warnDays", "criticalDays"),
                        "criticalDays (7.0) must not be more than warnDays (5.0); criticalDays comes from the policy"),
                argumentSet("criticalFraction 0.5 under the policy's warnFraction 0.25",
                        (UnaryOperator<Target.Builder>) b -> b.setCriticalFraction(0.5),
                        List.of("criticalFraction", "warnFraction"),
                        "criticalFraction (0.5) must not be more than warnFraction (0.25); warnFraction comes from the policy"),
                argumentSet("both of its own days crossing", (UnaryOperator<Target.Builder>) b -> b.setWarnDays(10.0).setCriticalDays(20.0),
                        List.of("criticalDays", "warnDays"), "criticalDays (20.0) must not be more than warnDays (10.0)"),
                argumentSet("a negative number of days", (UnaryOperator<Target.Builder>) b -> b.setWarnDays(-2.0),
                        List.of("warnDays"), "-2.0 is not a number of days (0 or more)"),
                argumentSet("a zero interval", (UnaryOperator<Target.Builder>) b -> b.setIntervalMillis(0L),
                        List.of("interval"), "0s is not a positive duration"));
    }

    @ParameterizedTest
    @MethodSource("targetsThatCrossThePolicy")
    void aTargetComingInIsCheckedAgainstThePolicyNamingItsOwnFieldFirst(UnaryOperator<Target.Builder> overrides,
                                                                      List<String> fields, String problem) {
        Target target = overrides.apply(target()).build();

        assertThatThrownBy(() -> ExpiryPolicy.DEFAULT.checkOverrides(target))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.fields()).isEqualTo(fields);
                    assertThat(e.problem()).isEqualTo(problem);
                });
    }

    @Test
    void aThresholdThatFitsThePolicyIsTaken() {
        Target target = target().setCriticalDays(40.0).setIntervalMillis(60_000L).build();
        ExpiryPolicy roomy = new ExpiryPolicy(SIX_HOURS, 60, 0.25, 7, 0.1);

        assertThat(roomy.checkOverrides(target)).isEqualTo(new ExpiryPolicy(Duration.ofMinutes(1), 60, 0.25, 40, 0.1));
    }

    @Test
    void aTargetsOwnValuesAreCheckedWithoutAPolicy() {
        ExpiryPolicy.checkOwnOverrides(target().setCriticalDays(400.0).setCriticalFraction(1.0).build());
        ExpiryPolicy.checkOwnOverrides(target().setWarnDays(0.0).setWarnFraction(0.0).build());

        assertThatThrownBy(() -> ExpiryPolicy.checkOwnOverrides(target().setWarnDays(10.0).setCriticalDays(20.0).build()))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("criticalDays: criticalDays (20.0) must not be more than warnDays (10.0)");
        assertThatThrownBy(() -> ExpiryPolicy.checkOwnOverrides(target().setWarnFraction(2.0).build()))
                .hasMessage("warnFraction: 2.0 is not a fraction of the lifetime (0 to 1)");
    }

    @Test
    void whatIsAlreadyInIsJudgedWithItsWarningRaisedToItsCriticalThreshold() {
        Target crossing = target().setCriticalDays(40.0).setCriticalFraction(0.5).build();

        assertThat(ExpiryPolicy.DEFAULT.withOverrides(crossing))
                .isEqualTo(new ExpiryPolicy(SIX_HOURS, 40, 0.5, 40, 0.5));
        assertThat(ExpiryPolicy.DEFAULT.withOverrides(target().setWarnDays(5.0).build()))
                .isEqualTo(new ExpiryPolicy(SIX_HOURS, 7, 0.25, 7, 0.1));
    }

    @Test
    void aValueWrongOnItsOwnIsNotRaisedAway() {
        assertThatThrownBy(() -> ExpiryPolicy.DEFAULT.withOverrides(target().setWarnDays(-1.0).build()))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.field()).isEqualTo("warnDays"));
    }

    private static Target.Builder target() {
        return Target.newBuilder().setId("tls://shop.example.com:443").setService("shop").setHost("shop.example.com");
    }

    @Test
    void aTargetsOverridesKeepThePolicysSeverities() {
        ExpiryPolicy p = new ExpiryPolicy(SIX_HOURS, 30, 0.25, 7, 0.1, Severity.CRITICAL, Severity.INFO);
        Target t = Target.newBuilder().setId("x").setService("s").setHost("h").setWarnDays(3.0).build();
        assertThat(p.withOverrides(t)).isEqualTo(new ExpiryPolicy(SIX_HOURS, 7, 0.25, 7, 0.1, Severity.CRITICAL, Severity.INFO));
        assertThat(ExpiryPolicy.DEFAULT.legacyProtocol()).isEqualTo(Severity.WARNING);
        assertThat(ExpiryPolicy.DEFAULT.lifetimeExceedsMaximum()).isEqualTo(Severity.WARNING);
    }
}

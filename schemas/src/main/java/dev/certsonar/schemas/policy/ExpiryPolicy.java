package dev.certsonar.schemas.policy;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.ValueRules;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Target;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When a certificate is due for attention: WARNING when fewer than {@code min(warnDays, warnFraction × lifetime)}
 * days are left, CRITICAL under {@code min(criticalDays, criticalFraction × lifetime)}; how often to scan; and the
 * severity of the findings that are a matter of policy: a legacy protocol (TLS 1.0 or 1.1) and a lifetime over the
 * CA/Browser Forum maximum (WARNING by default; a WARNING or CRITICAL condition makes the status so when nothing is
 * worse, an INFO one is named and leaves the status as it is).
 *
 * <p>Rules, each an {@link InvalidValueException} naming the field: the interval is positive; days are 0 or more;
 * fractions are 0 to 1; {@code criticalDays} is not more than {@code warnDays} and {@code criticalFraction} not more
 * than {@code warnFraction}, so CRITICAL never comes before WARNING; a severity is INFO, WARNING or CRITICAL.
 */
public record ExpiryPolicy(Duration interval, double warnDays, double warnFraction, double criticalDays, double criticalFraction,
                           Severity legacyProtocol, Severity lifetimeExceedsMaximum) {

    public static final ExpiryPolicy DEFAULT = new ExpiryPolicy(Duration.ofHours(6), 30, 0.25, 7, 0.1);

    /** A policy no threshold of a target crosses: what a target's own values are checked against. */
    private static final ExpiryPolicy LOOSEST = new ExpiryPolicy(DEFAULT.interval, Double.MAX_VALUE, 1, 0, 0);

    /** Thresholds and interval, with the default severities (WARNING) of the policy's findings. */
    public ExpiryPolicy(Duration interval, double warnDays, double warnFraction, double criticalDays, double criticalFraction) {
        this(interval, warnDays, warnFraction, criticalDays, criticalFraction, Severity.WARNING, Severity.WARNING);
    }

    public ExpiryPolicy {
        ValueRules.positive("interval", interval);
        requireDays("warnDays", warnDays);
        requireDays("criticalDays", criticalDays);
        requireFraction("warnFraction", warnFraction);
        requireFraction("criticalFraction", criticalFraction);
        if (criticalDays > warnDays) {
            throw new InvalidValueException(List.of("criticalDays", "warnDays"),
                    "criticalDays (" + criticalDays + ") must not be more than warnDays (" + warnDays + ")");
        }
        if (criticalFraction > warnFraction) {
            throw new InvalidValueException(List.of("criticalFraction", "warnFraction"),
                    "criticalFraction (" + criticalFraction + ") must not be more than warnFraction (" + warnFraction + ")");
        }
        requireSeverity("legacyProtocol", legacyProtocol);
        requireSeverity("lifetimeExceedsMaximum", lifetimeExceedsMaximum);
    }

    /** The default policy with the target's overrides applied, as {@link #withOverrides} does. */
    public static ExpiryPolicy forTarget(Target target) {
        return DEFAULT.withOverrides(target);
    }

    /**
     * Checks the overrides a target carries on their own, whatever policy they will be applied to: each value by the
     * rule of its field, and a critical threshold not above a warning threshold when the target sets both.
     *
     * @throws InvalidValueException naming the target's field (its name in a target: {@code warnDays},
     *                               {@code interval}, ...)
     */
    public static void checkOwnOverrides(Target target) {
        LOOSEST.checkOverrides(target);
    }

    /**
     * This policy with the target's overrides applied, refused when the result breaks a rule: a target's
     * {@code criticalDays} of 40 under a policy's {@code warnDays} of 30 is an error. Where targets come in, this is
     * the check.
     *
     * @throws InvalidValueException naming the target's field first; when the rule ties it to a field the target does
     *                               not set, the message says that one comes from the policy
     */
    public ExpiryPolicy checkOverrides(Target target) {
        try {
            return overridden(target, false);
        } catch (InvalidValueException e) {
            List<String> own = new ArrayList<>(e.fields().stream().filter(field -> overrides(target, field)).toList());
            List<String> fromPolicy = e.fields().stream().filter(field -> !overrides(target, field)).toList();
            if (own.isEmpty() || fromPolicy.isEmpty()) {
                throw e;
            }
            own.addAll(fromPolicy);
            InvalidValueException named = new InvalidValueException(own, e.problem() + "; " + String.join(", ", fromPolicy)
                    + (fromPolicy.size() == 1 ? " comes" : " come") + " from the policy");
            named.initCause(e);
            throw named;
        }
    }

    /**
     * This policy with the overrides the target carries (interval and thresholds) applied, for judging what is already
     * in: a warning threshold the overrides leave below a critical one is raised to it, so a target stored before its
     * thresholds were checked, or one the policy changed under, is judged rather than refused. Targets coming in are
     * checked with {@link #checkOverrides}.
     *
     * @throws InvalidValueException when a value breaks the rule of its own field (a negative number of days)
     */
    public ExpiryPolicy withOverrides(Target target) {
        try {
            return overridden(target, false);
        } catch (InvalidValueException e) {
            if (e.fields().size() == 1) {
                throw e;
            }
            // each value is right on its own (those rules come first); only the order of two thresholds is not
            return overridden(target, true);
        }
    }

    private ExpiryPolicy overridden(Target target, boolean raiseWarnings) {
        Duration i = target.getIntervalMillis() != null ? Duration.ofMillis(target.getIntervalMillis()) : interval;
        double wd = target.getWarnDays() != null ? target.getWarnDays() : warnDays;
        double wf = target.getWarnFraction() != null ? target.getWarnFraction() : warnFraction;
        double cd = target.getCriticalDays() != null ? target.getCriticalDays() : criticalDays;
        double cf = target.getCriticalFraction() != null ? target.getCriticalFraction() : criticalFraction;
        return raiseWarnings
                ? new ExpiryPolicy(i, Math.max(wd, cd), Math.max(wf, cf), cd, cf, legacyProtocol, lifetimeExceedsMaximum)
                : new ExpiryPolicy(i, wd, wf, cd, cf, legacyProtocol, lifetimeExceedsMaximum);
    }

    /** Whether the target sets the policy's field of this name. */
    private static boolean overrides(Target target, String field) {
        return switch (field) {
            case "interval" -> target.getIntervalMillis() != null;
            case "warnDays" -> target.getWarnDays() != null;
            case "warnFraction" -> target.getWarnFraction() != null;
            case "criticalDays" -> target.getCriticalDays() != null;
            case "criticalFraction" -> target.getCriticalFraction() != null;
            default -> false;
        };
    }

    private static void requireDays(String field, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new InvalidValueException(field, value + " is not a number of days (0 or more)");
        }
    }

    private static void requireSeverity(String field, Severity value) {
        if (value == null || value == Severity.UNKNOWN) {
            throw new InvalidValueException(field, value + " is not a severity (INFO, WARNING or CRITICAL)");
        }
    }

    private static void requireFraction(String field, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new InvalidValueException(field, value + " is not a fraction of the lifetime (0 to 1)");
        }
    }
}

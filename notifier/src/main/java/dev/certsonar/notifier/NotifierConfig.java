package dev.certsonar.notifier;

import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How the notifier decides when to alert.
 *
 * @param holdDownObservations  a held-down condition fires once it held for this many consecutive observations
 * @param holdDownDuration      ... or once it held this long, measured from {@code Condition.since}
 * @param holdDownConditions    the conditions that are held down (reachability); all others fire at once
 * @param reminderIntervals     reminder interval while an alert stays FIRING, per severity; absent = no reminder
 * @param conditionReminderIntervals reminder interval per condition, taking precedence over the severity's
 * @param punctuateInterval     how often the wall-clock check for due hold-downs and reminders runs
 * @param applicationId         Kafka Streams application id (also the prefix of the delivery consumer groups)
 * @param stateDir              Kafka Streams state directory (RocksDB); in the data directory, never a temporary folder
 * @param groupWindow           alerts of one certificate and condition arriving within this window are sent to a
 *                              channel as one notification; zero = each alert alone
 * @param retry                 how a channel's failed notification is tried again before it is undeliverable
 */
public record NotifierConfig(
        int holdDownObservations,
        Duration holdDownDuration,
        Set<ConditionType> holdDownConditions,
        Map<Severity, Duration> reminderIntervals,
        Map<ConditionType, Duration> conditionReminderIntervals,
        Duration punctuateInterval,
        String applicationId,
        Path stateDir,
        Duration groupWindow,
        RetryPolicy retry) {

    public static final NotifierConfig DEFAULT = new NotifierConfig(
            2,
            Duration.ofMinutes(15),
            EnumSet.of(ConditionType.UNREACHABLE, ConditionType.STALE),
            Map.of(Severity.CRITICAL, Duration.ofHours(24)),
            Map.of(ConditionType.EXPIRED, Duration.ofHours(24)),
            Duration.ofSeconds(10),
            "certsonar-notifier",
            Path.of("certsonar-data", "notifier"),
            Duration.ofSeconds(2),
            RetryPolicy.DEFAULT);

    public NotifierConfig {
        if (holdDownObservations < 1) {
            throw new IllegalArgumentException("holdDownObservations must be at least 1, was " + holdDownObservations);
        }
        requirePositive("holdDownDuration", holdDownDuration);
        requirePositive("punctuateInterval", punctuateInterval);
        Objects.requireNonNull(holdDownConditions, "holdDownConditions");
        Objects.requireNonNull(reminderIntervals, "reminderIntervals");
        Objects.requireNonNull(conditionReminderIntervals, "conditionReminderIntervals");
        reminderIntervals.forEach((severity, interval) -> requirePositive("reminderIntervals." + severity, interval));
        conditionReminderIntervals.forEach((type, interval) -> requirePositive("conditionReminderIntervals." + type, interval));
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("applicationId must not be blank");
        }
        if (groupWindow == null || groupWindow.isNegative()) {
            throw new IllegalArgumentException("groupWindow must be zero or positive, was " + groupWindow);
        }
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(stateDir, "stateDir");
        holdDownConditions = holdDownConditions.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(holdDownConditions));
        reminderIntervals = reminderIntervals.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(reminderIntervals));
        conditionReminderIntervals = conditionReminderIntervals.isEmpty()
                ? Map.of() : Map.copyOf(new EnumMap<>(conditionReminderIntervals));
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
        }
    }

    /** The reminder interval of an alert, or empty when it is not reminded of. */
    public Optional<Duration> reminderInterval(Severity severity, ConditionType condition) {
        Duration byCondition = conditionReminderIntervals.get(condition);
        return Optional.ofNullable(byCondition != null ? byCondition : reminderIntervals.get(severity));
    }

    public boolean heldDown(ConditionType condition) {
        return holdDownConditions.contains(condition);
    }

    public NotifierConfig withApplicationId(String id) {
        return new NotifierConfig(holdDownObservations, holdDownDuration, holdDownConditions, reminderIntervals,
                conditionReminderIntervals, punctuateInterval, id, stateDir, groupWindow, retry);
    }

    public NotifierConfig withStateDir(Path dir) {
        return new NotifierConfig(holdDownObservations, holdDownDuration, holdDownConditions, reminderIntervals,
                conditionReminderIntervals, punctuateInterval, applicationId, dir, groupWindow, retry);
    }

    public NotifierConfig withHoldDown(int observations, Duration duration) {
        return new NotifierConfig(observations, duration, holdDownConditions, reminderIntervals,
                conditionReminderIntervals, punctuateInterval, applicationId, stateDir, groupWindow, retry);
    }

    public NotifierConfig withReminders(Map<Severity, Duration> bySeverity, Map<ConditionType, Duration> byCondition) {
        return new NotifierConfig(holdDownObservations, holdDownDuration, holdDownConditions, bySeverity,
                byCondition, punctuateInterval, applicationId, stateDir, groupWindow, retry);
    }

    public NotifierConfig withDelivery(Duration window, RetryPolicy retryPolicy) {
        return new NotifierConfig(holdDownObservations, holdDownDuration, holdDownConditions, reminderIntervals,
                conditionReminderIntervals, punctuateInterval, applicationId, stateDir, window, retryPolicy);
    }

    public NotifierConfig withPunctuateInterval(Duration interval) {
        return new NotifierConfig(holdDownObservations, holdDownDuration, holdDownConditions, reminderIntervals,
                conditionReminderIntervals, interval, applicationId, stateDir, groupWindow, retry);
    }
}

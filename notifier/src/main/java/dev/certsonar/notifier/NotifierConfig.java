package dev.certsonar.notifier;

import dev.certsonar.notifier.delivery.DeliveryLoop;
import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.ValueRules;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the notifier decides when to alert. A value that breaks the rule of its field is an
 * {@link InvalidValueException} naming the field.
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
 * @param retry                 how a channel's failed notification is tried again before it is undeliverable, for
 *                              the channels without a policy of their own
 * @param deliveryRestarts      how a delivery loop that failed is started again, and after how many failures in a
 *                              row it stops and the notifier is no longer alive
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
        RetryPolicy retry,
        RetryPolicy deliveryRestarts) {

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
            RetryPolicy.DEFAULT,
            DeliveryLoop.Settings.RESTARTS);

    public NotifierConfig {
        ValueRules.atLeast("holdDownObservations", holdDownObservations, 1);
        ValueRules.positive("holdDownDuration", holdDownDuration);
        ValueRules.positive("punctuateInterval", punctuateInterval);
        ValueRules.required("holdDownConditions", holdDownConditions);
        ValueRules.required("reminderIntervals", reminderIntervals)
                .forEach((severity, interval) -> ValueRules.positive("reminderIntervals." + severity, interval));
        ValueRules.required("conditionReminderIntervals", conditionReminderIntervals)
                .forEach((type, interval) -> ValueRules.positive("conditionReminderIntervals." + type, interval));
        if (applicationId == null || applicationId.isBlank()) {
            throw new InvalidValueException("applicationId", "an empty application id");
        }
        ValueRules.notNegative("groupWindow", groupWindow);
        ValueRules.required("retry", retry);
        ValueRules.required("deliveryRestarts", deliveryRestarts);
        ValueRules.required("stateDir", stateDir);
        holdDownConditions = holdDownConditions.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(holdDownConditions));
        reminderIntervals = reminderIntervals.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(reminderIntervals));
        conditionReminderIntervals = conditionReminderIntervals.isEmpty()
                ? Map.of() : Map.copyOf(new EnumMap<>(conditionReminderIntervals));
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
                conditionReminderIntervals, punctuateInterval, id, stateDir, groupWindow, retry, deliveryRestarts);
    }

    public NotifierConfig withStateDir(Path dir) {
        return new NotifierConfig(holdDownObservations, holdDownDuration, holdDownConditions, reminderIntervals,
                conditionReminderIntervals, punctuateInterval, applicationId, dir, groupWindow, retry, deliveryRestarts);
    }

    public NotifierConfig withHoldDown(int observations, Duration duration) {
        return new NotifierConfig(observations, duration, holdDownConditions, reminderIntervals,
                conditionReminderIntervals, punctuateInterval, applicationId, stateDir, groupWindow, retry, deliveryRestarts);
    }

    public NotifierConfig withReminders(Map<Severity, Duration> bySeverity, Map<ConditionType, Duration> byCondition) {
        return new NotifierConfig(holdDownObservations, holdDownDuration, holdDownConditions, bySeverity,
                byCondition, punctuateInterval, applicationId, stateDir, groupWindow, retry, deliveryRestarts);
    }

    public NotifierConfig withDelivery(Duration window, RetryPolicy retryPolicy) {
        return new NotifierConfig(holdDownObservations, holdDownDuration, holdDownConditions, reminderIntervals,
                conditionReminderIntervals, punctuateInterval, applicationId, stateDir, window, retryPolicy, deliveryRestarts);
    }

    public NotifierConfig withDeliveryRestarts(RetryPolicy value) {
        return new NotifierConfig(holdDownObservations, holdDownDuration, holdDownConditions, reminderIntervals,
                conditionReminderIntervals, punctuateInterval, applicationId, stateDir, groupWindow, retry, value);
    }

    public NotifierConfig withPunctuateInterval(Duration interval) {
        return new NotifierConfig(holdDownObservations, holdDownDuration, holdDownConditions, reminderIntervals,
                conditionReminderIntervals, interval, applicationId, stateDir, groupWindow, retry, deliveryRestarts);
    }
}

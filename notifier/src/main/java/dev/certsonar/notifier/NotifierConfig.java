package dev.certsonar.notifier;

import dev.certsonar.notifier.delivery.DeliveryLoop;
import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.ValueRules;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How the notifier decides when to alert. A value that breaks the rule of its field is an
 * {@link InvalidValueException} naming the field as the configuration file's {@code notifier} section names it
 * ({@code holdDown.UNREACHABLE}, {@code reminders.CRITICAL}).
 *
 * @param applicationId        Kafka Streams application id (also the prefix of the delivery consumer groups)
 * @param holdDown             the conditions that are held down (reachability), each with how long it must hold before
 *                             it fires, measured from {@code Condition.since}; every other condition fires at once.
 *                             Keys are condition names
 * @param holdDownObservations ... or a held-down condition fires once it held for this many consecutive observations
 * @param reminders            how often a firing alert is sent again, by condition or by severity (a condition's
 *                             interval wins over its severity's); an alert with neither is not reminded of. Keys are
 *                             severity or condition names
 * @param keepResolved         how long {@code alert-states} shows a resolved alert before the notifier forgets it
 * @param punctuateInterval    how often the wall-clock check for due hold-downs, reminders and silences runs
 * @param stateDir             Kafka Streams state directory (RocksDB); in the data directory, never a temporary folder
 * @param groupWindow          alerts of one certificate and condition arriving within this window are sent to a
 *                             channel as one notification; zero = each alert alone
 * @param retry                how a channel's failed notification is tried again before it is undeliverable, for the
 *                             channels without a policy of their own
 * @param deliveryRestarts     how a delivery loop that failed is started again, and after how many failures in a row
 *                             it stops and the notifier is no longer alive
 */
public record NotifierConfig(
        String applicationId,
        Map<String, Duration> holdDown,
        int holdDownObservations,
        Map<String, Duration> reminders,
        Duration keepResolved,
        Duration punctuateInterval,
        Path stateDir,
        Duration groupWindow,
        RetryPolicy retry,
        RetryPolicy deliveryRestarts) {

    private static final List<String> CONDITIONS = names(ConditionType.values());
    private static final List<String> SEVERITIES = names(Severity.values());

    public static final NotifierConfig DEFAULT = new NotifierConfig(
            "certsonar-notifier",
            Map.of("UNREACHABLE", Duration.ofMinutes(15), "STALE", Duration.ofMinutes(15)),
            2,
            Map.of("CRITICAL", Duration.ofHours(24), "EXPIRED", Duration.ofHours(24)),
            Duration.ofHours(24),
            Duration.ofSeconds(10),
            Path.of("certsonar-data", "notifier"),
            Duration.ofSeconds(2),
            RetryPolicy.DEFAULT,
            DeliveryLoop.Settings.RESTARTS);

    public NotifierConfig {
        if (applicationId == null || applicationId.isBlank()) {
            throw new InvalidValueException("applicationId", "an empty application id");
        }
        holdDown = intervals("holdDown", holdDown, CONDITIONS, "a condition (" + String.join(", ", CONDITIONS) + ")");
        ValueRules.atLeast("holdDownObservations", holdDownObservations, 1);
        reminders = intervals("reminders", reminders, Stream.concat(SEVERITIES.stream(), CONDITIONS.stream()).toList(),
                "a severity (" + String.join(", ", SEVERITIES) + ") or a condition (" + String.join(", ", CONDITIONS) + ")");
        ValueRules.positive("keepResolved", keepResolved);
        ValueRules.positive("punctuateInterval", punctuateInterval);
        ValueRules.required("stateDir", stateDir);
        ValueRules.notNegative("groupWindow", groupWindow);
        ValueRules.required("retry", retry);
        ValueRules.required("deliveryRestarts", deliveryRestarts);
    }

    /** How long the condition must hold before it fires; empty when it fires at once. */
    public Optional<Duration> holdDown(ConditionType condition) {
        return Optional.ofNullable(holdDown.get(condition.name()));
    }

    /** The reminder interval of an alert, or empty when it is not reminded of. */
    public Optional<Duration> reminderInterval(Severity severity, ConditionType condition) {
        Duration byCondition = reminders.get(condition.name());
        return Optional.ofNullable(byCondition != null ? byCondition : reminders.get(severity.name()));
    }

    public NotifierConfig withApplicationId(String id) {
        return new NotifierConfig(id, holdDown, holdDownObservations, reminders, keepResolved, punctuateInterval,
                stateDir, groupWindow, retry, deliveryRestarts);
    }

    public NotifierConfig withStateDir(Path dir) {
        return new NotifierConfig(applicationId, holdDown, holdDownObservations, reminders, keepResolved,
                punctuateInterval, dir, groupWindow, retry, deliveryRestarts);
    }

    /** Holds these conditions down for their durations, or for {@code observations} consecutive observations. */
    public NotifierConfig withHoldDown(int observations, Map<String, Duration> conditions) {
        return new NotifierConfig(applicationId, conditions, observations, reminders, keepResolved, punctuateInterval,
                stateDir, groupWindow, retry, deliveryRestarts);
    }

    public NotifierConfig withReminders(Map<String, Duration> intervals) {
        return new NotifierConfig(applicationId, holdDown, holdDownObservations, intervals, keepResolved,
                punctuateInterval, stateDir, groupWindow, retry, deliveryRestarts);
    }

    public NotifierConfig withKeepResolved(Duration keep) {
        return new NotifierConfig(applicationId, holdDown, holdDownObservations, reminders, keep, punctuateInterval,
                stateDir, groupWindow, retry, deliveryRestarts);
    }

    public NotifierConfig withDelivery(Duration window, RetryPolicy retryPolicy) {
        return new NotifierConfig(applicationId, holdDown, holdDownObservations, reminders, keepResolved,
                punctuateInterval, stateDir, window, retryPolicy, deliveryRestarts);
    }

    public NotifierConfig withDeliveryRestarts(RetryPolicy value) {
        return new NotifierConfig(applicationId, holdDown, holdDownObservations, reminders, keepResolved,
                punctuateInterval, stateDir, groupWindow, retry, value);
    }

    public NotifierConfig withPunctuateInterval(Duration interval) {
        return new NotifierConfig(applicationId, holdDown, holdDownObservations, reminders, keepResolved, interval,
                stateDir, groupWindow, retry, deliveryRestarts);
    }

    /**
     * The intervals by name, each name one of {@code known} in any case (kept in upper case) and each interval
     * positive; a fault names {@code field.KEY} with the key as given.
     */
    private static Map<String, Duration> intervals(String field, Map<String, Duration> given, List<String> known,
                                                   String what) {
        ValueRules.required(field, given);
        Map<String, Duration> checked = new LinkedHashMap<>();
        for (Map.Entry<String, Duration> e : given.entrySet()) {
            String key = e.getKey() == null ? "" : e.getKey().strip().toUpperCase(Locale.ROOT);
            if (!known.contains(key)) {
                throw new InvalidValueException(field + "." + e.getKey(), "not " + what);
            }
            ValueRules.positive(field + "." + e.getKey(), e.getValue());
            if (checked.put(key, e.getValue()) != null) {
                throw new InvalidValueException(field + "." + e.getKey(), "given twice");
            }
        }
        return Map.copyOf(checked);
    }

    private static List<String> names(Enum<?>[] symbols) {
        return Arrays.stream(symbols).map(Enum::name).filter(name -> !name.equals("UNKNOWN")).toList();
    }
}

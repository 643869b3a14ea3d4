package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;

import java.util.List;
import java.util.Objects;

/**
 * What one channel sends in one message: alerts that belong together (one certificate and condition across
 * services), under a key receivers group on. A single alert is a group of one, keyed by its alertId.
 */
public record Notification(String groupKey, List<Alert> alerts) {

    public Notification {
        Objects.requireNonNull(groupKey, "groupKey");
        alerts = List.copyOf(alerts);
        if (alerts.isEmpty()) {
            throw new IllegalArgumentException("a notification carries at least one alert");
        }
    }

    public static Notification of(Alert alert) {
        return new Notification(alert.getAlertId(), List.of(alert));
    }
}

package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one readable log line per alert, with the alert's fields as key-values. */
public final class LogChannel implements Channel {

    private static final Logger log = LoggerFactory.getLogger(LogChannel.class);

    private final String name;

    public LogChannel(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notification notification) {
        for (Alert a : notification.alerts()) {
            log.atInfo()
                    .addKeyValue("state", a.getState())
                    .addKeyValue("severity", a.getSeverity())
                    .addKeyValue("condition", a.getCondition())
                    .addKeyValue("level", a.getLevel())
                    .addKeyValue("service", a.getService())
                    .addKeyValue("owner", a.getOwner())
                    .addKeyValue("daysLeft", a.getDaysLeft())
                    .addKeyValue("reminder", a.getReminder())
                    .addKeyValue("alertId", a.getAlertId())
                    .addKeyValue("eventId", a.getEventId())
                    .addKeyValue("channel", name)
                    .log("{} {} {}", a.getReminder() ? "REMINDER" : a.getState(), a.getSeverity(), a.getMessage());
        }
    }
}

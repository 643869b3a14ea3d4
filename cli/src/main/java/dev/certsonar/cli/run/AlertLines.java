package dev.certsonar.cli.run;

import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.ConditionType;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** One readable line per alert event, for a terminal. */
public final class AlertLines {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private AlertLines() {
    }

    /**
     * {@code 12:00:03 FIRING   CRITICAL EXPIRING          demo-expiring: <message>}; without a message, the days left
     * and the endpoints instead; {@code [silenced]} at the end when a silence keeps it from the channels.
     */
    public static String format(Alert alert) {
        StringBuilder line = new StringBuilder();
        line.append(TIME.format(alert.getAt())).append(' ');
        String state = alert.getState() == AlertState.FIRING && alert.getReminder() ? "REMINDER" : String.valueOf(alert.getState());
        line.append(String.format(Locale.ROOT, "%-8s %-8s %-17s ", state, alert.getLevel(), alert.getCondition()));
        line.append(alert.getService());
        if (alert.getMessage() != null && !alert.getMessage().isBlank()) {
            return line.append(": ").append(alert.getMessage()).append(silenced(alert)).toString();
        }
        if (alert.getDaysLeft() != null && (alert.getCondition() == ConditionType.EXPIRING
                || alert.getCondition() == ConditionType.EXPIRED)) {
            double days = alert.getDaysLeft();
            line.append(days >= 0
                    ? String.format(Locale.ROOT, " (%.1f days left)", days)
                    : String.format(Locale.ROOT, " (expired %.1f days ago)", -days));
        }
        if (!alert.getEndpoints().isEmpty()) {
            line.append(" on ").append(String.join(", ", alert.getEndpoints()));
        }
        return line.append(silenced(alert)).toString();
    }

    private static String silenced(Alert alert) {
        return alert.getSilenced() ? " [silenced]" : "";
    }
}

package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;

import java.util.List;
import java.util.Locale;

/** The words of a notification for chat and mail: a title and one line per alert. */
final class NotificationText {

    private NotificationText() {
    }

    /** "[CRITICAL] FIRING: …" for one alert; "[CRITICAL] FIRING on 3 services: EXPIRING CN=…" for a group. */
    static String title(Notification n) {
        Alert first = n.alerts().getFirst();
        String state = first.getReminder() ? "REMINDER" : first.getState().name();
        if (n.alerts().size() == 1) {
            return "[" + first.getSeverity() + "] " + state + ": " + first.getMessage();
        }
        String about = first.getCertificate() == null ? "" : " " + first.getCertificate().getSubject();
        return "[" + first.getSeverity() + "] " + state + " on " + n.alerts().size() + " services: "
                + first.getCondition().name().toLowerCase(Locale.ROOT).replace('_', ' ') + about;
    }

    /** One line per alert: service, message. */
    static List<String> lines(Notification n) {
        return n.alerts().stream().map(a -> a.getService() + ": " + a.getMessage()).toList();
    }

    static boolean resolved(Notification n) {
        return n.alerts().getFirst().getState() == AlertState.RESOLVED;
    }
}

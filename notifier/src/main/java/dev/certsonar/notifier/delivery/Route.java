package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.Severity;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One routing rule: alerts that {@code match} go to {@code channels}. A route without a match is a fallback, used
 * only for alerts no other route matched.
 */
public record Route(Match match, List<String> channels) {

    public Route {
        if (channels == null || channels.isEmpty()) {
            throw new InvalidValueException("channels", "a route names at least one channel");
        }
        channels = List.copyOf(channels);
    }

    public static Route fallback(List<String> channels) {
        return new Route(null, channels);
    }

    public boolean isFallback() {
        return match == null;
    }

    /**
     * What an alert must have for a route to apply; every condition given must hold, a null one is not checked.
     *
     * @param owner       the alert's owner, exactly
     * @param service     the alert's service, exactly
     * @param labels      each of these labels with this value
     * @param minSeverity at least this severity (WARNING lets WARNING and CRITICAL through)
     */
    public record Match(String owner, String service, Map<String, String> labels, Severity minSeverity) {

        public Match {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        public boolean test(Alert a) {
            if (owner != null && !owner.equals(a.getOwner())) {
                return false;
            }
            if (service != null && !service.equals(a.getService())) {
                return false;
            }
            Map<String, String> alertLabels = a.getLabels() == null ? Map.of() : a.getLabels();
            for (Map.Entry<String, String> l : labels.entrySet()) {
                if (!Objects.equals(alertLabels.get(l.getKey()), l.getValue())) {
                    return false;
                }
            }
            return minSeverity == null || rank(a.getSeverity()) >= rank(minSeverity);
        }

        private static int rank(Severity s) {
            return switch (s) {
                case INFO -> 1;
                case WARNING -> 2;
                case CRITICAL -> 3;
                case UNKNOWN -> 0;
            };
        }
    }
}

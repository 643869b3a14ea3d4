package dev.certsonar.cli.config;

import dev.certsonar.schemas.avro.Severity;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which alerts go to which channels. Every route whose {@code match} holds is used; a route without {@code match}
 * is used only when no other route matched.
 *
 * @param match    the conditions an alert must meet, all of them; null for a fallback route
 * @param channels names of channels, each defined in the file
 */
public record RouteConfig(Match match, List<String> channels) {

    public RouteConfig {
        channels = List.copyOf(channels);
    }

    /** Whether this route is used only when no other route matched. */
    public boolean isFallback() {
        return match == null;
    }

    /**
     * Conditions on an alert; a null field is no condition.
     *
     * @param owner       the alert's owner equals this
     * @param service     the alert's service equals this
     * @param labels      every one of these labels is on the alert with this value
     * @param minSeverity the alert's severity is at least this
     */
    public record Match(String owner, String service, Map<String, String> labels, Severity minSeverity) {

        public Match {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        /** Whether an alert with these properties meets every condition. */
        public boolean matches(String alertOwner, String alertService, Map<String, String> alertLabels, Severity severity) {
            if (owner != null && !owner.equals(alertOwner)) {
                return false;
            }
            if (service != null && !service.equals(alertService)) {
                return false;
            }
            for (Map.Entry<String, String> label : labels.entrySet()) {
                if (alertLabels == null || !Objects.equals(alertLabels.get(label.getKey()), label.getValue())) {
                    return false;
                }
            }
            return minSeverity == null || (severity != null && severity != Severity.UNKNOWN
                    && severity.ordinal() >= minSeverity.ordinal());
        }
    }
}

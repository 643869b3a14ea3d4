package dev.certsonar.notifier.operator;

import dev.certsonar.schemas.avro.Alert;

import java.util.List;
import java.util.Map;

/**
 * What matchers are tried on: the facts of one alert, and the ids of the targets that found its endpoints.
 *
 * @param targets the target ids, empty when they are not known
 */
public record AlertFacts(Alert alert, List<String> targets) {

    public AlertFacts {
        targets = List.copyOf(targets);
    }

    /** The fact a matcher names (any name but {@code target}); the empty text when the alert has none. */
    String fact(String name) {
        String value = switch (name) {
            case Matchers.SERVICE -> alert.getService();
            case Matchers.OWNER -> alert.getOwner();
            case Matchers.CONDITION -> alert.getCondition().name();
            case Matchers.SEVERITY -> alert.getSeverity().name();
            case Matchers.CERTIFICATE -> alert.getCertificate() == null ? null : alert.getCertificate().getSha256();
            default -> label(alert.getLabels(), name.substring(Matchers.LABEL_PREFIX.length()));
        };
        return value == null ? "" : value;
    }

    private static String label(Map<String, String> labels, String name) {
        return labels == null ? null : labels.get(name);
    }
}

package dev.certsonar.notifier.operator;

import dev.certsonar.schemas.avro.Alert;

import java.util.List;

/**
 * What matchers are tried on: the facts of one alert, and the ids of the targets that found its endpoints.
 *
 * @param targets the target ids, empty when they are not known
 */
public record AlertFacts(Alert alert, List<String> targets) {

    public AlertFacts {
        targets = List.copyOf(targets);
    }

    /** The fact a matcher's key names (any key but {@code target}); the empty text when the alert has none. */
    String fact(Matchers.Key key, String name) {
        String value = switch (key) {
            case SERVICE -> alert.getService();
            case OWNER -> alert.getOwner();
            case CONDITION -> alert.getCondition().name();
            case SEVERITY -> alert.getSeverity().name();
            case CERTIFICATE -> alert.getCertificate() == null ? null : alert.getCertificate().getSha256();
            case LABEL -> alert.getLabels() == null ? null
                    : alert.getLabels().get(name.substring(Matchers.Key.LABEL_PREFIX.length()));
            case TARGET -> String.join(",", targets);
        };
        return value == null ? "" : value;
    }
}

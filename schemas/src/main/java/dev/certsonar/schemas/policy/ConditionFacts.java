package dev.certsonar.schemas.policy;

import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts of one condition of one service that matchers are tried on, the same for the alert the notifier holds
 * (silences) and for the condition of a service's status the aggregator evaluates (accepted exceptions), by the keys
 * {@link Matchers} names. A null owner, certificate or label, and an empty list of targets, are absent facts.
 *
 * @param severity the alert's severity: for a condition of a status, {@link Verdicts#alertSeverity} of its type and level
 * @param certificate the SHA-256 of the certificate the condition is about, null for none
 * @param targets the ids of the targets that found the condition's endpoints; empty when they are not known
 */
public record ConditionFacts(String service, String owner, Map<String, String> labels, ConditionType condition,
                             Severity severity, String certificate, List<String> targets) implements Matchers.Facts {

    public ConditionFacts {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /** The facts of an alert, found by the targets given (empty when not known). */
    public static ConditionFacts of(Alert alert, Collection<String> targets) {
        return new ConditionFacts(alert.getService(), alert.getOwner(), alert.getLabels(), alert.getCondition(),
                alert.getSeverity(), sha256(alert.getCertificate()), List.copyOf(targets));
    }

    /**
     * The facts of one condition of a service's status: its type and level (matched as the severity of its alert), the
     * certificate it is about (null for none) and the targets that found its endpoints.
     */
    public static ConditionFacts of(String service, String owner, Map<String, String> labels, ConditionType type,
                                    Severity level, CertificateRef certificate, Collection<String> targets) {
        return new ConditionFacts(service, owner, labels, type, Verdicts.alertSeverity(type, level), sha256(certificate),
                List.copyOf(targets));
    }

    @Override
    public Collection<String> values(String key) {
        return switch (key) {
            case "service" -> present(service);
            case "owner" -> present(owner);
            case "condition" -> present(condition == null ? null : condition.name());
            case "severity" -> present(severity == null ? null : severity.name());
            case "certificate" -> present(certificate);
            case "target" -> targets;
            default -> key.startsWith(Matchers.LABEL_PREFIX)
                    ? present(labels.get(key.substring(Matchers.LABEL_PREFIX.length()))) : List.of();
        };
    }

    /** Every fact that is present, by key ({@code label.NAME} for each label), each with its values. */
    public Map<String, Collection<String>> byKey() {
        Map<String, Collection<String>> out = new LinkedHashMap<>();
        for (String key : Matchers.NAMES) {
            Collection<String> values = values(key);
            if (!values.isEmpty()) {
                out.put(key, values);
            }
        }
        labels.forEach((name, value) -> out.put(Matchers.LABEL_PREFIX + name, present(value)));
        return out;
    }

    private static List<String> present(String value) {
        return value == null ? List.of() : List.of(value);
    }

    private static String sha256(CertificateRef certificate) {
        return certificate == null ? null : certificate.getSha256();
    }
}

package dev.certsonar.aggregator.state;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.schemas.avro.AcceptedCondition;
import dev.certsonar.schemas.avro.Condition;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.EndpointStatus;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.policy.ConditionFacts;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which services an accepted exception may change. Only a service with a condition (counted or accepted) can be
 * changed by an exception, so only those are kept here, each with the facts of all its conditions together
 * ({@link ConditionFacts} of each condition, with the targets of all the service's endpoints). A service these facts
 * match may be changed; one they do not match cannot be (a matcher that holds for one condition holds for the union,
 * and an absent fact holds for no matcher), so re-evaluating the services found is exact, and finding them costs one
 * pass over the services that have conditions (or a few lookups when the exception names services exactly), never over
 * all.
 */
final class ExceptionScope {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, List<String>>> TRAITS = new TypeReference<>() {
    };

    /** Service → the values its matchers are tested on, as JSON; only services that have conditions. */
    private final KeyValueStore<String, byte[]> candidates;

    ExceptionScope(KeyValueStore<String, byte[]> candidates) {
        this.candidates = candidates;
    }

    /** Keeps the service's values after a new status (a service without conditions is forgotten). */
    void update(String service, ServiceStatus status) {
        if (status.getConditions().isEmpty() && status.getAccepted().isEmpty()) {
            candidates.delete(service);
            return;
        }
        List<Condition> conditions = new ArrayList<>(status.getConditions());
        for (AcceptedCondition a : status.getAccepted()) {
            conditions.add(a.getCondition());
        }
        TreeSet<String> targets = new TreeSet<>();
        for (EndpointStatus e : status.getEndpoints()) {
            if (e.getTargetId() != null) {
                targets.add(e.getTargetId());
            }
        }
        Map<String, TreeSet<String>> traits = new TreeMap<>();
        for (Condition c : conditions) {
            ConditionFacts.of(service, status.getOwner(), status.getLabels(), c.getType(), c.getLevel(), c.getCertificate(), targets)
                    .byKey().forEach((key, values) -> traits.computeIfAbsent(key, k -> new TreeSet<>()).addAll(values));
        }
        try {
            candidates.put(service, JSON.writeValueAsBytes(traits));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void remove(String service) {
        candidates.delete(service);
    }

    /** The services the exception may change: those with a condition it names and whose values its matchers match. */
    List<String> servicesMatching(AcceptedExceptions.Held exception) {
        List<String> out = new ArrayList<>();
        List<String> named = exception.matchers().equalTo("service");
        if (!named.isEmpty()) {
            for (String service : new TreeSet<>(named)) {
                byte[] traits = candidates.get(service);
                if (traits != null && matches(exception, traits)) {
                    out.add(service);
                }
            }
            return out;
        }
        try (KeyValueIterator<String, byte[]> it = candidates.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (matches(exception, kv.value)) {
                    out.add(kv.key);
                }
            }
        }
        return out;
    }

    private static boolean matches(AcceptedExceptions.Held exception, byte[] encoded) {
        Map<String, List<String>> traits;
        try {
            traits = JSON.readValue(encoded, TRAITS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> conditions = traits.getOrDefault("condition", List.of());
        boolean named = false;
        for (ConditionType accepted : exception.exception().getConditions()) {
            named |= conditions.contains(accepted.name());
        }
        return named && exception.matchers().matches(name -> traits.getOrDefault(name, List.of()));
    }
}

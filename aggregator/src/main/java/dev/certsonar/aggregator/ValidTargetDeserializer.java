package dev.certsonar.aggregator;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.util.Objects;

/**
 * Reads a target with the targets topic's deserializer and rejects one the scheduler cannot scan or judge (no host, no
 * service or one named as the fleet's own services are, {@code zone:NAME} and {@code certsonar:...}, a bad zone, a port
 * out of range, an interval or thresholds that break the rules of the aggregator's policy together with it, such as a
 * {@code criticalDays} above the policy's {@code warnDays}), so that it goes to the dead-letter topic with the reason.
 */
final class ValidTargetDeserializer extends CheckedDeserializer<Target> {

    /**
     * @param policy the policy the aggregator judges targets by, which a target's own thresholds are checked against
     */
    ValidTargetDeserializer(Deserializer<Target> inner, ExpiryPolicy policy) {
        super(inner, (topic, target) -> validate(topic, target, Objects.requireNonNull(policy, "policy")));
    }

    private static void validate(String topic, Target target, ExpiryPolicy policy) {
        if (target.getHost() == null || target.getHost().isBlank()) {
            throw new SerializationException("Invalid target on " + topic + ": field 'host' is missing or blank");
        }
        if (target.getService() == null || target.getService().isBlank()) {
            throw new SerializationException("Invalid target on " + topic + ": field 'service' is blank");
        }
        if (Zones.isZoneService(target.getService()) || target.getService().startsWith("certsonar:")) {
            throw new SerializationException("Invalid target on " + topic + ": field 'service' is '" + target.getService()
                    + "', a name the fleet's own services use (zone:NAME, certsonar:...)");
        }
        for (Integer port : target.getPorts()) {
            if (port == null || port < 1 || port > 65535) {
                throw new SerializationException("Invalid target on " + topic + ": field 'ports' holds " + port
                        + ", not a port between 1 and 65535");
            }
        }
        try {
            Zones.check(Zones.of(target));
            policy.checkOverrides(target);
        } catch (InvalidValueException e) {
            throw new SerializationException("Invalid target " + target.getId() + " on " + topic + ": field '" + e.field()
                    + "': " + e.problem());
        }
    }
}

package dev.certsonar.schemas;

import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.ScannerHeartbeat;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.common.serialization.Serdes;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The topics of certsonar: a prefix (default {@code certsonar.}) plus {@code targets}, {@code scan-requests},
 * {@code observations}, {@code service-status}, {@code alerts}, {@code alerts-undeliverable}, {@code dead-letters}, and
 * the operator's and the fleet's topics: {@code silences}, {@code acknowledgements}, {@code exceptions},
 * {@code alert-states} and {@code scanner-heartbeats}.
 * Keys are strings (bytes on the dead-letter topic); values are Avro single-object encoded, and the targets topic also
 * reads JSON.
 *
 * @param prefix              prepended to every topic name
 * @param targets             what to watch; compacted, keyed by target id
 * @param scanRequests        targets to probe now, keyed by host
 * @param observations        what each probe saw, keyed by service
 * @param serviceStatus       the state of each service; compacted, keyed by service
 * @param alerts              alert events, keyed by service
 * @param alertsUndeliverable alerts no channel accepted, keyed by service
 * @param deadLetters         records that could not be read, as they were, with the reason in headers ({@link DeadLetters})
 * @param silences            silences of alert delivery; compacted, keyed by silence id
 * @param acknowledgements    acknowledgements of firing alerts; compacted, keyed by alertId
 * @param exceptions          accepted exceptions; compacted, keyed by exception id
 * @param alertStates         each alert's current state as the notifier holds it; compacted, keyed by alertId
 * @param scannerHeartbeats   each scanner's latest heartbeat; compacted, keyed by scanner id
 */
public record Topics(String prefix,
                     Topic<String, Target> targets,
                     Topic<String, ScanRequest> scanRequests,
                     Topic<String, Observation> observations,
                     Topic<String, ServiceStatus> serviceStatus,
                     Topic<String, Alert> alerts,
                     Topic<String, Alert> alertsUndeliverable,
                     Topic<byte[], byte[]> deadLetters,
                     Topic<String, Silence> silences,
                     Topic<String, Acknowledgement> acknowledgements,
                     Topic<String, AcceptedException> exceptions,
                     Topic<String, AlertLifecycle> alertStates,
                     Topic<String, ScannerHeartbeat> scannerHeartbeats) {

    /** Legal characters of a Kafka topic name. */
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");
    private static final int LONGEST_SUFFIX = "alerts-undeliverable".length();
    private static final int MAX_TOPIC_NAME = 249;

    public static final String DEFAULT_PREFIX = "certsonar.";
    public static final Topics DEFAULT = withPrefix(DEFAULT_PREFIX);

    /**
     * The topics with the given prefix, which may be empty.
     *
     * @throws InvalidValueException naming {@code prefix} when it has characters Kafka does not allow in topic names or
     *                               is too long
     */
    public static Topics withPrefix(String prefix) {
        if (prefix == null) {
            throw new InvalidValueException("prefix", "missing (use \"\" for none)");
        }
        if (!LEGAL.matcher(prefix).matches()) {
            throw new InvalidValueException("prefix", "'" + prefix
                    + "' has characters Kafka does not allow in topic names (allowed: letters, digits, '.', '_', '-')");
        }
        if (prefix.length() + LONGEST_SUFFIX > MAX_TOPIC_NAME) {
            throw new InvalidValueException("prefix", "a prefix of " + prefix.length() + " characters is too long: topic "
                    + "names have at most " + MAX_TOPIC_NAME + ", so a prefix at most " + (MAX_TOPIC_NAME - LONGEST_SUFFIX));
        }
        return new Topics(prefix,
                new Topic<>(prefix + "targets", Serdes.String(), new TargetSerde()),
                new Topic<>(prefix + "scan-requests", Serdes.String(), AvroSerdes.serde(ScanRequest.class)),
                new Topic<>(prefix + "observations", Serdes.String(), AvroSerdes.serde(Observation.class)),
                new Topic<>(prefix + "service-status", Serdes.String(), AvroSerdes.serde(ServiceStatus.class)),
                new Topic<>(prefix + "alerts", Serdes.String(), AvroSerdes.serde(Alert.class)),
                new Topic<>(prefix + "alerts-undeliverable", Serdes.String(), AvroSerdes.serde(Alert.class)),
                new Topic<>(prefix + "dead-letters", Serdes.ByteArray(), Serdes.ByteArray()),
                new Topic<>(prefix + "silences", Serdes.String(), AvroSerdes.serde(Silence.class)),
                new Topic<>(prefix + "acknowledgements", Serdes.String(), AvroSerdes.serde(Acknowledgement.class)),
                new Topic<>(prefix + "exceptions", Serdes.String(), AvroSerdes.serde(AcceptedException.class)),
                new Topic<>(prefix + "alert-states", Serdes.String(), AvroSerdes.serde(AlertLifecycle.class)),
                new Topic<>(prefix + "scanner-heartbeats", Serdes.String(), AvroSerdes.serde(ScannerHeartbeat.class)));
    }

    /**
     * The scan requests of one zone: {@code scan-requests} for the zone {@value Zones#DEFAULT} (so scanners and
     * aggregators that know no zones keep working), {@code scan-requests.NAME} for any other. The topics of zones other
     * than the default are made when first needed.
     *
     * @throws InvalidValueException naming {@code zone} when it is not a zone's name ({@link Zones#check})
     */
    public Topic<String, ScanRequest> scanRequests(String zone) {
        if (Zones.DEFAULT.equals(zone)) {
            return scanRequests;
        }
        Zones.check(zone);
        String name = scanRequests.name() + "." + zone;
        if (name.length() > MAX_TOPIC_NAME) {
            throw new InvalidValueException("zone", "'" + zone + "' makes the topic name " + name.length()
                    + " characters long, Kafka allows " + MAX_TOPIC_NAME);
        }
        return new Topic<>(name, scanRequests.keySerde(), scanRequests.valueSerde());
    }

    /** The zone whose scan requests the topic holds, if it is a zone's scan-request topic ({@link #scanRequests(String)}). */
    public java.util.Optional<String> zoneOfScanRequests(String topic) {
        if (topic.equals(scanRequests.name())) {
            return java.util.Optional.of(Zones.DEFAULT);
        }
        String prefix = scanRequests.name() + ".";
        return topic.startsWith(prefix) && topic.length() > prefix.length()
                ? java.util.Optional.of(topic.substring(prefix.length())) : java.util.Optional.empty();
    }

    /** Every topic, in the order above. */
    public List<Topic<?, ?>> all() {
        return List.of(targets, scanRequests, observations, serviceStatus, alerts, alertsUndeliverable, deadLetters,
                silences, acknowledgements, exceptions, alertStates, scannerHeartbeats);
    }

    /**
     * The names of the compacted topics (latest value per key): targets, service-status, silences, acknowledgements,
     * exceptions, alert-states and scanner-heartbeats.
     */
    public List<String> compacted() {
        return List.of(targets.name(), serviceStatus.name(), silences.name(), acknowledgements.name(), exceptions.name(),
                alertStates.name(), scannerHeartbeats.name());
    }

    /** Every topic name, in the order of {@link #all()}. */
    public List<String> names() {
        return all().stream().map(Topic::name).toList();
    }

    /** Topics are equal when their prefixes are: the names and serdes follow from the prefix. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Topics other && prefix.equals(other.prefix);
    }

    @Override
    public int hashCode() {
        return prefix.hashCode();
    }

    @Override
    public String toString() {
        return "Topics[prefix=" + prefix + "]";
    }
}

package dev.certsonar.cli.config;

import dev.certsonar.aggregator.fleet.FleetConfig;
import dev.certsonar.notifier.NotifierConfig;
import dev.certsonar.notifier.delivery.Routes;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.policy.ExpiryPolicy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a certsonar command is configured with, after defaults, the file, the environment and the flags
 * were layered and checked. Each part holds its own rules; this one holds those between them, each an
 * {@link InvalidValueException} whose field is the path of the configuration file's key ({@code topics.prefix},
 * {@code channels[1].name}, {@code routes[0].channels[2]}).
 *
 * @param kafka       properties passed to every Kafka client as they are
 * @param topicPrefix prefix of every topic name, which Kafka must allow in topic names ({@code topics.prefix})
 * @param scanner     the probe engine's settings
 * @param policy      expiry thresholds and scan interval
 * @param http        where the HTTP API listens
 * @param notifier    how the notifier decides when to alert (hold-down, reminders) and its application id
 * @param channels    alert channels, in file order, no two of one name
 * @param routes      alert routes, in file order; every channel a route names is in {@code channels}
 * @param source      the configuration file read, or null when there was none
 * @param fleet       the scanners' heartbeats, when a zone is down or behind, the zones' owner and labels, the watchdog;
 *                    a zone is down sooner than its endpoints turn STALE under {@code policy.interval}
 */
public record CertsonarConfig(Map<String, Object> kafka, String topicPrefix, ScannerConfig scanner, ExpiryPolicy policy,
                              HttpConfig http, NotifierConfig notifier, List<ChannelConfig> channels,
                              List<RouteConfig> routes, Path source, FleetConfig fleet) {

    public static final String DEFAULT_TOPIC_PREFIX = "certsonar.";

    public static final CertsonarConfig DEFAULT = new CertsonarConfig(Map.of(), DEFAULT_TOPIC_PREFIX,
            ScannerConfig.DEFAULT, ExpiryPolicy.DEFAULT, HttpConfig.DEFAULT, NotifierConfig.DEFAULT, List.of(), List.of(),
            null, FleetConfig.DEFAULT);

    /** A configuration with the default fleet settings. */
    public CertsonarConfig(Map<String, Object> kafka, String topicPrefix, ScannerConfig scanner, ExpiryPolicy policy,
                           HttpConfig http, NotifierConfig notifier, List<ChannelConfig> channels,
                           List<RouteConfig> routes, Path source) {
        this(kafka, topicPrefix, scanner, policy, http, notifier, channels, routes, source, FleetConfig.DEFAULT);
    }

    public CertsonarConfig {
        kafka = Map.copyOf(kafka);
        try {
            Topics.withPrefix(topicPrefix);
        } catch (InvalidValueException e) {
            throw e.under("topics");
        }
        required("scanner", scanner);
        required("policy", policy);
        required("http", http);
        required("notifier", notifier);
        required("fleet", fleet);
        try {
            fleet.checkShorterThanStale(policy.interval());
        } catch (InvalidValueException e) {
            throw e.under("fleet");
        }
        channels = List.copyOf(channels);
        routes = List.copyOf(routes);
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < channels.size(); i++) {
            if (!names.add(channels.get(i).name())) {
                throw new InvalidValueException("channels[" + i + "].name", "a second channel named \""
                        + channels.get(i).name() + '"');
            }
        }
        new Routes(routes.stream().map(RouteConfig::toRoute).toList()).requireChannels(names);
    }

    private static void required(String field, Object value) {
        if (value == null) {
            throw new InvalidValueException(field, "missing");
        }
    }

    /** This configuration with another topic prefix. */
    public CertsonarConfig withTopicPrefix(String value) {
        return new CertsonarConfig(kafka, value, scanner, policy, http, notifier, channels, routes, source, fleet);
    }

    /** This configuration with other Kafka properties. */
    public CertsonarConfig withKafka(Map<String, Object> value) {
        return new CertsonarConfig(value, topicPrefix, scanner, policy, http, notifier, channels, routes, source, fleet);
    }

    public CertsonarConfig withScanner(ScannerConfig value) {
        return new CertsonarConfig(kafka, topicPrefix, value, policy, http, notifier, channels, routes, source, fleet);
    }

    public CertsonarConfig withNotifier(NotifierConfig value) {
        return new CertsonarConfig(kafka, topicPrefix, scanner, policy, http, value, channels, routes, source, fleet);
    }

    public CertsonarConfig withFleet(FleetConfig value) {
        return new CertsonarConfig(kafka, topicPrefix, scanner, policy, http, notifier, channels, routes, source, value);
    }

    public CertsonarConfig withHttp(HttpConfig value) {
        return new CertsonarConfig(kafka, topicPrefix, scanner, policy, value, notifier, channels, routes, source, fleet);
    }

    /** {@code bootstrap.servers} when the file, the environment or a flag set it. */
    public Optional<String> bootstrapServers() {
        return Optional.ofNullable(kafka.get("bootstrap.servers")).map(Object::toString).filter(s -> !s.isBlank());
    }

    /** The topics, named with {@link #topicPrefix()}. */
    public Topics topics() {
        return Topics.withPrefix(topicPrefix);
    }

    /** A mutable copy of the Kafka properties, for a client to add its own to. */
    public Map<String, Object> kafkaProperties() {
        return new HashMap<>(kafka);
    }

    /** The channel of that name. */
    public Optional<ChannelConfig> channel(String name) {
        return channels.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}

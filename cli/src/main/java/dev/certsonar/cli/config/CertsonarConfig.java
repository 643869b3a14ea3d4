package dev.certsonar.cli.config;

import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.policy.ExpiryPolicy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a certsonar command is configured with, after defaults, the file, the environment and the flags
 * were layered and checked.
 *
 * @param kafka       properties passed to every Kafka client as they are
 * @param topicPrefix prefix of every topic name
 * @param scanner     the probe engine's settings
 * @param policy      expiry thresholds and scan interval
 * @param http        where the HTTP API listens
 * @param channels    alert channels, in file order
 * @param routes      alert routes, in file order; every channel a route names is in {@code channels}
 * @param source      the configuration file read, or null when there was none
 */
public record CertsonarConfig(Map<String, Object> kafka, String topicPrefix, ScannerConfig scanner, ExpiryPolicy policy,
                              HttpConfig http, List<ChannelConfig> channels, List<RouteConfig> routes, Path source) {

    public static final String DEFAULT_TOPIC_PREFIX = "certsonar.";

    public static final CertsonarConfig DEFAULT = new CertsonarConfig(Map.of(), DEFAULT_TOPIC_PREFIX,
            ScannerConfig.DEFAULT, ExpiryPolicy.DEFAULT, HttpConfig.DEFAULT, List.of(), List.of(), null);

    public CertsonarConfig {
        kafka = Map.copyOf(kafka);
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(scanner, "scanner");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(http, "http");
        channels = List.copyOf(channels);
        routes = List.copyOf(routes);
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

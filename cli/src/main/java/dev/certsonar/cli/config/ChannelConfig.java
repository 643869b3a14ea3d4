package dev.certsonar.cli.config;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A place alerts are delivered to, as the configuration file names it.
 *
 * @param name     unique name that routes refer to
 * @param type     one of {@link #TYPES}
 * @param settings every other key of the channel's entry (url, secret, ...), with {@code ${ENV}} expanded;
 *                 a list value is joined with commas
 */
public record ChannelConfig(String name, String type, Map<String, String> settings) {

    /** The channel types the notifier delivers to. */
    public static final Set<String> TYPES = Set.of("log", "webhook", "slack", "teams", "email", "pagerduty");

    public ChannelConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        settings = Map.copyOf(settings);
    }

    /** The setting's value, or null when the file does not set it. */
    public String setting(String key) {
        return settings.get(key);
    }
}

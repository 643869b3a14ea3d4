package dev.certsonar.cli.config;

import dev.certsonar.notifier.delivery.Channel;
import dev.certsonar.notifier.delivery.Channels;

import java.time.Clock;
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
    public static final Set<String> TYPES = Channels.TYPES;

    public ChannelConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        settings = Map.copyOf(settings);
    }

    /** The notifier's channel; the loader built one already, so these settings are known to be complete. */
    public Channel create(Clock clock) {
        return Channels.create(name, type, settings, clock);
    }

    /** The setting's value, or null when the file does not set it. */
    public String setting(String key) {
        return settings.get(key);
    }
}

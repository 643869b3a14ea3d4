package dev.certsonar.cli.config;

import dev.certsonar.notifier.delivery.Channel;
import dev.certsonar.notifier.delivery.Channels;
import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.schemas.InvalidValueException;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A place alerts are delivered to, as the configuration file names it. A channel is complete: its name is a channel
 * name, its type one the notifier knows, and the notifier builds a channel from its settings (a webhook needs a url, a
 * pagerduty channel a routingKey, ...); a name or type that is not is an {@link InvalidValueException} naming the
 * field, and settings the notifier refuses are its {@link IllegalArgumentException}, which names the setting.
 *
 * @param name     unique name that routes refer to: letters, digits, '.', '_' and '-'
 * @param type     one of {@link #TYPES}
 * @param settings every other key of the channel's entry (url, secret, ...), with {@code ${ENV}} expanded;
 *                 a list value is joined with commas
 * @param retry    how a notification the channel did not take is tried again before it is undeliverable (its
 *                 {@code retry} section: {@code attempts}, {@code initialBackoff}, {@code maxBackoff}, {@code budget});
 *                 {@link RetryPolicy#DEFAULT} where the file says nothing
 */
public record ChannelConfig(String name, String type, Map<String, String> settings, RetryPolicy retry) {

    /** The channel types the notifier delivers to. */
    public static final Set<String> TYPES = Channels.TYPES;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public ChannelConfig {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidValueException("name", (name == null ? "no name" : '"' + name + '"')
                    + " is not a channel name (letters, digits, '.', '_' and '-' only)");
        }
        if (type == null || !TYPES.contains(type)) {
            throw new InvalidValueException("type", "unknown channel type \"" + type + "\"; one of "
                    + String.join(", ", new TreeSet<>(TYPES)));
        }
        settings = Map.copyOf(settings);
        if (retry == null) {
            throw new InvalidValueException("retry", "missing");
        }
        // the notifier's rules of a channel's settings: it builds one from them or refuses them naming the setting
        Channels.create(name, type, settings, Clock.systemUTC()).close();
    }

    /** A channel that retries by {@link RetryPolicy#DEFAULT}. */
    public ChannelConfig(String name, String type, Map<String, String> settings) {
        this(name, type, settings, RetryPolicy.DEFAULT);
    }

    /** The notifier's channel; its settings are known to be complete. */
    public Channel create(Clock clock) {
        return Channels.create(name, type, settings, clock);
    }

    /** The setting's value, or null when the file does not set it. */
    public String setting(String key) {
        return settings.get(key);
    }
}

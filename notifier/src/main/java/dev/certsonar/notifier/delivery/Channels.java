package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.Durations;

import javax.net.ssl.SSLSocketFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds a channel from its settings in the configuration file ({@code channels: [{name, type, ...}]}). Errors name
 * the setting as {@code channels[<name>].<key>}.
 */
public final class Channels {

    /** The channel types this notifier knows. */
    public static final Set<String> TYPES = Set.of("log", "webhook", "slack", "teams", "pagerduty", "email");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private Channels() {
    }

    /**
     * @param settings the channel's keys other than {@code name} and {@code type}: {@code url}, {@code secret},
     *                 {@code timeout} (webhook); {@code url}, {@code timeout} (slack, teams); {@code routingKey},
     *                 {@code url} (optional), {@code timeout} (pagerduty)
     */
    public static Channel create(String name, String type, Map<String, ?> settings, Clock clock) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("channels[].name: every channel needs a name");
        }
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        Duration timeout = duration(name, settings, "timeout", DEFAULT_TIMEOUT);
        return switch (t) {
            case "log" -> new LogChannel(name);
            case "webhook" -> new WebhookChannel(name, url(name, settings, "url", null),
                    string(name, settings, "secret", false), timeout, clock);
            case "slack" -> new SlackChannel(name, url(name, settings, "url", null), timeout);
            case "teams" -> new TeamsChannel(name, url(name, settings, "url", null), timeout);
            case "pagerduty" -> new PagerDutyChannel(name, url(name, settings, "url", PagerDutyChannel.EVENTS_V2),
                    string(name, settings, "routingKey", true), timeout);
            case "email" -> new EmailChannel(name, smtp(name, settings), timeout,
                    (SSLSocketFactory) SSLSocketFactory.getDefault(), clock);
            default -> throw new IllegalArgumentException("channels[" + name + "].type: unknown channel type '" + type
                    + "' (known: " + String.join(", ", TYPES.stream().sorted().toList()) + ")");
        };
    }

    private static EmailChannel.Smtp smtp(String channel, Map<String, ?> settings) {
        String host = string(channel, settings, "host", true);
        Object portValue = settings.get("port");
        int port;
        try {
            port = portValue == null ? 587 : Integer.parseInt(portValue.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("channels[" + channel + "].port: '" + portValue + "' is not a number", e);
        }
        String securityText = string(channel, settings, "security", false);
        EmailChannel.Security security;
        try {
            security = securityText == null ? EmailChannel.Security.STARTTLS
                    : EmailChannel.Security.valueOf(securityText.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("channels[" + channel + "].security: '" + securityText
                    + "' is not one of starttls, tls, none", e);
        }
        Object toValue = settings.get("to");
        List<String> to = toValue instanceof Collection<?> c ? c.stream().map(Object::toString).toList()
                : toValue == null ? List.of()
                : Arrays.stream(toValue.toString().split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
        if (to.isEmpty()) {
            throw new IllegalArgumentException("channels[" + channel + "].to: at least one recipient is required");
        }
        try {
            return new EmailChannel.Smtp(host, port, security, string(channel, settings, "username", false),
                    string(channel, settings, "password", false), string(channel, settings, "from", true), to);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("channels[" + channel + "]: " + e.getMessage(), e);
        }
    }

    private static String string(String channel, Map<String, ?> settings, String key, boolean required) {
        Object v = settings.get(key);
        if (v == null || v.toString().isBlank()) {
            if (required) {
                throw new IllegalArgumentException("channels[" + channel + "]." + key + " is required");
            }
            return null;
        }
        return v.toString();
    }

    private static URI url(String channel, Map<String, ?> settings, String key, URI fallback) {
        String text = string(channel, settings, key, fallback == null);
        if (text == null) {
            return fallback;
        }
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("channels[" + channel + "]." + key
                        + ": '" + text + "' is not an absolute http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("channels[" + channel + "]." + key + ": '" + text
                    + "' is not a URL: " + e.getReason(), e);
        }
    }

    private static Duration duration(String channel, Map<String, ?> settings, String key, Duration fallback) {
        Object v = settings.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            Duration d = v instanceof Number n ? Duration.ofSeconds(n.longValue()) : Durations.parse(v.toString());
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("must be positive");
            }
            return d;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("channels[" + channel + "]." + key + ": '" + v
                    + "' is not a duration such as 10s: " + e.getMessage(), e);
        }
    }
}

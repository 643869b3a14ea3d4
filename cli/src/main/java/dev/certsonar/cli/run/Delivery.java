package dev.certsonar.cli.run;

import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.cli.config.ChannelConfig;
import dev.certsonar.cli.config.RouteConfig;
import dev.certsonar.notifier.delivery.Channel;
import dev.certsonar.notifier.delivery.LogChannel;
import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.notifier.delivery.Routes;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Where the notifier delivers alerts: the configured channels, routes and each channel's retry policy, or a log
 * channel for every alert when the configuration names no channel; none for a command that prints every alert itself.
 *
 * @param retries each channel's retry policy, by name; a channel without one retries by the notifier's default
 */
public record Delivery(List<Channel> channels, Routes routes, Map<String, RetryPolicy> retries) {

    public Delivery {
        channels = List.copyOf(channels);
        Objects.requireNonNull(routes, "routes");
        retries = Map.copyOf(retries);
    }

    /** Channels that retry by the notifier's default. */
    public Delivery(List<Channel> channels, Routes routes) {
        this(channels, routes, Map.of());
    }

    /** No channel: for a command that prints every alert on its own output ({@code run}, {@code demo}). */
    public static Delivery none() {
        return new Delivery(List.of(), new Routes(List.of()));
    }

    /** Every alert to the log. */
    public static Delivery logOnly() {
        return new Delivery(List.of(new LogChannel("log")), Routes.toAll(List.of("log")));
    }

    /**
     * The channels and routes of the configuration; without routes, every channel gets every alert; without channels,
     * every alert goes to the log.
     */
    public static Delivery from(CertsonarConfig config, Clock clock) {
        if (config.channels().isEmpty()) {
            return logOnly();
        }
        List<Channel> channels = config.channels().stream().map(c -> c.create(clock)).toList();
        Routes routes = config.routes().isEmpty()
                ? Routes.toAll(config.channels().stream().map(ChannelConfig::name).toList())
                : new Routes(config.routes().stream().map(RouteConfig::toRoute).toList());
        Map<String, RetryPolicy> retries = config.channels().stream()
                .collect(Collectors.toMap(ChannelConfig::name, ChannelConfig::retry));
        return new Delivery(channels, routes, retries);
    }

    /**
     * The delivery of a command that prints every alert on its console: as {@link #from}, but without channels no
     * log channel either, so that each alert shows once.
     */
    public static Delivery besideConsole(CertsonarConfig config, Clock clock) {
        return config.channels().isEmpty() ? none() : from(config, clock);
    }
}

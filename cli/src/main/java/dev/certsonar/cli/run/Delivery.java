package dev.certsonar.cli.run;

import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.cli.config.ChannelConfig;
import dev.certsonar.cli.config.RouteConfig;
import dev.certsonar.notifier.delivery.Channel;
import dev.certsonar.notifier.delivery.LogChannel;
import dev.certsonar.notifier.delivery.Routes;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Where the notifier delivers alerts: the configured channels and routes, or a log channel for every alert when the
 * configuration names no channel; none for a command that prints every alert itself.
 */
public record Delivery(List<Channel> channels, Routes routes) {

    public Delivery {
        channels = List.copyOf(channels);
        Objects.requireNonNull(routes, "routes");
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
        return new Delivery(channels, routes);
    }

    /**
     * The delivery of a command that prints every alert on its console: as {@link #from}, but without channels no
     * log channel either, so that each alert shows once.
     */
    public static Delivery besideConsole(CertsonarConfig config, Clock clock) {
        return config.channels().isEmpty() ? none() : from(config, clock);
    }
}

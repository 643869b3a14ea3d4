package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Routing of alerts to channels: every route whose match holds is used; the routes without a match are used only
 * when no other route matched.
 */
public record Routes(List<Route> routes) {

    public Routes {
        routes = List.copyOf(routes);
    }

    /** Every alert to each of the channels. */
    public static Routes toAll(Collection<String> channels) {
        return new Routes(List.of(Route.fallback(List.copyOf(channels))));
    }

    /** The names of the channels an alert goes to. */
    public Set<String> channelsFor(Alert alert) {
        Set<String> matched = new LinkedHashSet<>();
        for (Route r : routes) {
            if (!r.isFallback() && r.match().test(alert)) {
                matched.addAll(r.channels());
            }
        }
        if (!matched.isEmpty()) {
            return matched;
        }
        Set<String> fallback = new LinkedHashSet<>();
        for (Route r : routes) {
            if (r.isFallback()) {
                fallback.addAll(r.channels());
            }
        }
        return fallback;
    }

    /** Whether an alert goes to the named channel. */
    public Predicate<Alert> to(String channel) {
        return alert -> channelsFor(alert).contains(channel);
    }

    /**
     * Checks that every channel a route names exists.
     *
     * @throws IllegalArgumentException naming the route (1-based) and the unknown channel
     */
    public void requireChannels(Set<String> known) {
        for (int i = 0; i < routes.size(); i++) {
            for (String c : routes.get(i).channels()) {
                if (!known.contains(c)) {
                    throw new IllegalArgumentException("routes[" + i + "].channels: no channel named '" + c
                            + "' (channels: " + String.join(", ", known) + ")");
                }
            }
        }
    }
}

package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.Alert;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
     * @throws InvalidValueException naming the route and the place of the unknown channel in it, counted from 0:
     *                               {@code routes[1].channels[0]}
     */
    public void requireChannels(Set<String> known) {
        for (int i = 0; i < routes.size(); i++) {
            List<String> channels = routes.get(i).channels();
            for (int j = 0; j < channels.size(); j++) {
                if (!known.contains(channels.get(j))) {
                    throw new InvalidValueException("routes[" + i + "].channels[" + j + "]", "no channel named \""
                            + channels.get(j) + "\"" + (known.isEmpty() ? "; no channels are defined"
                            : "; channels: " + String.join(", ", new TreeSet<>(known))));
                }
            }
        }
    }
}

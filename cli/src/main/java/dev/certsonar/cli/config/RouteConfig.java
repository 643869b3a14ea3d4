package dev.certsonar.cli.config;

import dev.certsonar.notifier.delivery.Route;
import dev.certsonar.schemas.avro.Severity;

import java.util.List;
import java.util.Map;

/**
 * Which alerts go to which channels. Every route whose {@code match} holds is used; a route without {@code match}
 * is used only when no other route matched.
 *
 * @param match    the conditions an alert must meet, all of them; null for a fallback route
 * @param channels names of channels, at least one (the notifier's rule of a {@link Route}); that each is defined is
 *                 the rule of {@link CertsonarConfig}
 */
public record RouteConfig(Match match, List<String> channels) {

    public RouteConfig {
        // the notifier's rules of a route: at least one channel
        channels = Route.fallback(channels).channels();
    }

    /** Whether this route is used only when no other route matched. */
    public boolean isFallback() {
        return match == null;
    }

    /** The notifier's route. */
    public Route toRoute() {
        return new Route(match == null ? null
                : new Route.Match(match.owner(), match.service(), match.labels(), match.minSeverity()), channels);
    }

    /**
     * Conditions on an alert; a null field is no condition.
     *
     * @param owner       the alert's owner equals this
     * @param service     the alert's service equals this
     * @param labels      every one of these labels is on the alert with this value
     * @param minSeverity the alert's severity is at least this
     */
    public record Match(String owner, String service, Map<String, String> labels, Severity minSeverity) {

        public Match {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }
}

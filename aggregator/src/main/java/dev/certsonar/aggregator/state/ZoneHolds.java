package dev.certsonar.aggregator.state;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The zones whose endpoints are held, as the fleet says: while a zone has no live scanner, its endpoints are not judged
 * stale (their services show the hold instead), however long it lasts. When the zone is back, its endpoints' staleness
 * counts from that instant, not from their last observation, so the scans asked for at once have the time to come in.
 */
public final class ZoneHolds {

    /** No zone held, none resumed. */
    public static final ZoneHolds NONE = new ZoneHolds();

    /**
     * One zone's state.
     *
     * @param heldSince since when its endpoints are held; null when they are not
     * @param resumedAt when its last hold ended; null when it never had one
     */
    public record ZoneState(Instant heldSince, Instant resumedAt) {
    }

    private final Map<String, ZoneState> zones = new HashMap<>();

    /** Sets or forgets (null) a zone's state. */
    public void put(String zone, ZoneState state) {
        Objects.requireNonNull(zone, "zone");
        if (state == null || state.heldSince() == null && state.resumedAt() == null) {
            zones.remove(zone);
        } else {
            zones.put(zone, state);
        }
    }

    public void clear() {
        zones.clear();
    }

    /** The zone's state, if it has one. */
    public Optional<ZoneState> state(String zone) {
        return Optional.ofNullable(zones.get(zone));
    }

    /** Whether the zone's endpoints are held. */
    public boolean held(String zone) {
        ZoneState state = zones.get(zone);
        return state != null && state.heldSince() != null;
    }

    /** The hold in words, as the services of the zone show it. */
    public static String holdText(String zone) {
        return "zone " + zone + " has no scanner";
    }

    /**
     * The instant from which an endpoint of the zone observed at {@code observedAt} counts toward staleness: its
     * observation, or the end of its zone's last hold when that is later.
     */
    public Instant staleBase(String zone, Instant observedAt) {
        ZoneState state = zones.get(zone);
        if (state == null || state.resumedAt() == null || state.resumedAt().isBefore(observedAt)) {
            return observedAt;
        }
        return state.resumedAt();
    }

    /** The zones known, for tests and logs. */
    public Map<String, ZoneState> all() {
        return Collections.unmodifiableMap(zones);
    }
}

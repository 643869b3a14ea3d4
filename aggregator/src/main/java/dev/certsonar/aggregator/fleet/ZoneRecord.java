package dev.certsonar.aggregator.fleet;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * One zone as the fleet keeps it (value of the fleet-zones store, 64 bytes; {@link Long#MIN_VALUE} for an instant not
 * set).
 *
 * @param targets      how many targets name the zone
 * @param lastHeard    the newest heartbeat of a scanner of the zone, or when it first had targets when none was heard
 * @param heldSince    since when the zone is down (no heartbeat for {@code downAfter}); null when it is not
 * @param resumedAt    when its last hold ended; null when it never had one
 * @param backlog      its scanners' unread requests, as their latest heartbeats say
 * @param growthBase   the backlog when it began to grow
 * @param growingSince since when the backlog grows without falling below {@code growthBase}; null when it does not
 * @param behindSince  since when the zone is FLEET_BEHIND; null when it is not
 */
record ZoneRecord(int targets, Instant lastHeard, Instant heldSince, Instant resumedAt, long backlog, long growthBase,
                  Instant growingSince, Instant behindSince) {

    private static final long NONE = Long.MIN_VALUE;

    static ZoneRecord fresh(Instant now) {
        return new ZoneRecord(0, now, null, null, 0, 0, null, null);
    }

    byte[] encode() {
        return ByteBuffer.allocate(64).putLong(targets).putLong(millis(lastHeard)).putLong(millis(heldSince))
                .putLong(millis(resumedAt)).putLong(backlog).putLong(growthBase).putLong(millis(growingSince))
                .putLong(millis(behindSince)).array();
    }

    static ZoneRecord decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new ZoneRecord((int) b.getLong(), instant(b.getLong()), instant(b.getLong()), instant(b.getLong()),
                b.getLong(), b.getLong(), instant(b.getLong()), instant(b.getLong()));
    }

    ZoneRecord withTargets(int value) {
        return new ZoneRecord(value, lastHeard, heldSince, resumedAt, backlog, growthBase, growingSince, behindSince);
    }

    ZoneRecord heard(Instant at) {
        Instant last = lastHeard == null || at.isAfter(lastHeard) ? at : lastHeard;
        return new ZoneRecord(targets, last, heldSince, resumedAt, backlog, growthBase, growingSince, behindSince);
    }

    ZoneRecord held(Instant since) {
        return new ZoneRecord(targets, lastHeard, since, resumedAt, backlog, growthBase, growingSince, behindSince);
    }

    ZoneRecord resumed(Instant at) {
        return new ZoneRecord(targets, lastHeard, null, at, backlog, growthBase, growingSince, behindSince);
    }

    ZoneRecord withBacklog(long value, long base, Instant growing, Instant behind) {
        return new ZoneRecord(targets, lastHeard, heldSince, resumedAt, value, base, growing, behind);
    }

    private static long millis(Instant t) {
        return t == null ? NONE : t.toEpochMilli();
    }

    private static Instant instant(long millis) {
        return millis == NONE ? null : Instant.ofEpochMilli(millis);
    }
}

package dev.certsonar.schemas.store;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What is due next: names (a target id, a service, an alert id), each due at one instant, read in due order from the
 * start up to now without reading anything that is not due. It lives in two stores: {@code byTime}, keyed by 8 bytes of
 * big-endian epoch millis followed by the name in UTF-8, so that a range from zero to now yields what is due, earliest
 * first (names due at the same millisecond in the order of their UTF-8 bytes); and {@code byName}, name to epoch millis,
 * to find a name's entry again. Times before the epoch count as the epoch. Every write goes through here, so the two
 * stores always agree.
 */
public final class DueIndex {

    private static final int TIME_BYTES = Long.BYTES;

    private final KeyValueStore<Bytes, String> byTime;
    private final KeyValueStore<String, Long> byName;

    public DueIndex(KeyValueStore<Bytes, String> byTime, KeyValueStore<String, Long> byName) {
        this.byTime = byTime;
        this.byName = byName;
    }

    /** When the name is due; empty when it is not in the index. */
    public Optional<Instant> dueAt(String name) {
        Long millis = byName.get(name);
        return millis == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    /** Makes the name due at {@code at}, in place of when it was due before. */
    public void schedule(String name, Instant at) {
        long millis = Math.max(0, at.toEpochMilli());
        Long current = byName.get(name);
        if (current != null) {
            if (current == millis) {
                return;
            }
            byTime.delete(timeKey(current, name));
        }
        byTime.put(timeKey(millis, name), name);
        byName.put(name, millis);
    }

    /** Takes the name out of the index; nothing when it is not in it. */
    public void cancel(String name) {
        Long current = byName.get(name);
        if (current != null) {
            byTime.delete(timeKey(current, name));
            byName.delete(name);
        }
    }

    /** Every name due at or before {@code now}, earliest first. */
    public List<String> due(Instant now) {
        return due(now, Integer.MAX_VALUE);
    }

    /** The first {@code limit} names due at or before {@code now}, earliest first. */
    public List<String> due(Instant now, int limit) {
        long until = Math.min(Math.max(0, now.toEpochMilli()), Long.MAX_VALUE - 1);
        List<String> names = new ArrayList<>();
        if (limit <= 0) {
            return names;
        }
        Bytes from = Bytes.wrap(new byte[TIME_BYTES]);
        Bytes to = Bytes.wrap(ByteBuffer.allocate(TIME_BYTES).putLong(until + 1).array());
        try (KeyValueIterator<Bytes, String> it = byTime.range(from, to)) {
            while (it.hasNext() && names.size() < limit) {
                KeyValue<Bytes, String> entry = it.next();
                if (ByteBuffer.wrap(entry.key.get(), 0, TIME_BYTES).getLong() > until) {
                    break;
                }
                names.add(entry.value);
            }
        }
        return names;
    }

    /** The key of the name's entry in the by-time store. */
    public static Bytes timeKey(long epochMillis, String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(TIME_BYTES + nameBytes.length)
                .putLong(Math.max(0, epochMillis)).put(nameBytes).array());
    }
}

package dev.certsonar.notifier;

import dev.certsonar.notifier.operator.OperatorRecords;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.policy.ConditionFacts;
import dev.certsonar.schemas.policy.Matchers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The silences one task of the alert lifecycle knows: every silence that has not ended, in the task's own store (each
 * task gets every silence), with its matchers compiled once. A silence mutes the alerts its matchers match from its
 * start up to its end; one that has ended is dropped, since only a new record of it can bring it back.
 */
final class SilenceBook {

    private final KeyValueStore<String, Silence> store;
    private final Map<String, Matchers.Compiled> compiled = new HashMap<>();

    SilenceBook(KeyValueStore<String, Silence> store) {
        this.store = store;
    }

    /** Keeps the silence under its key, in place of an earlier record of it. */
    void put(String id, Silence silence) {
        store.put(id, silence);
        compiled.remove(id);
    }

    void remove(String id) {
        store.delete(id);
        compiled.remove(id);
    }

    /** Drops the silences that ended at or before {@code now}. */
    void dropEnded(Instant now) {
        List<String> ended = new ArrayList<>();
        try (KeyValueIterator<String, Silence> it = store.all()) {
            it.forEachRemaining(kv -> {
                if (!kv.value.getEndsAt().isAfter(now)) {
                    ended.add(kv.key);
                }
            });
        }
        ended.forEach(this::remove);
    }

    /** The silences that mute at {@code now}, to try on the alerts of that instant. */
    Muting at(Instant now) {
        List<Map.Entry<String, Matchers.Compiled>> active = new ArrayList<>();
        try (KeyValueIterator<String, Silence> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, Silence> kv = it.next();
                if (OperatorRecords.active(kv.value, now)) {
                    active.add(Map.entry(kv.key, compiled.computeIfAbsent(kv.key,
                            id -> Matchers.compile(kv.value.getMatchers()))));
                }
            }
        }
        return new Muting(active);
    }

    /** The silences active at one instant. */
    record Muting(List<Map.Entry<String, Matchers.Compiled>> active) {

        /** The ids of the silences that mute an alert with these facts, in id order. */
        List<String> ids(ConditionFacts facts) {
            List<String> ids = new ArrayList<>();
            for (Map.Entry<String, Matchers.Compiled> silence : active) {
                if (silence.getValue().matches(facts)) {
                    ids.add(silence.getKey());
                }
            }
            return ids;
        }
    }

    /** The next instant after {@code now} at which a silence starts or ends, when there is one. */
    Optional<Instant> nextChange(Instant now) {
        Instant next = null;
        try (KeyValueIterator<String, Silence> it = store.all()) {
            while (it.hasNext()) {
                Silence s = it.next().value;
                for (Instant at : List.of(s.getStartsAt(), s.getEndsAt())) {
                    if (at.isAfter(now) && (next == null || at.isBefore(next))) {
                        next = at;
                    }
                }
            }
        }
        return Optional.ofNullable(next);
    }
}

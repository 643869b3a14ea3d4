package dev.certsonar.notifier;

import dev.certsonar.schemas.store.CompositeKeys;
import dev.certsonar.schemas.store.DueIndex;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings the alert lifecycle's stores of one task, as earlier notifiers wrote them, to the current layout, once: at
 * the task's first record or punctuation after start (so that the rewrite goes into the changelog with that work, in
 * its transaction), after which a format entry in the by-service store says it is done.
 * <p>
 * Format 1 (no format entry): by-service keys {@code service|alertId} with the service as it is (so the prefix of
 * service {@code a} also found the alerts of service {@code a|b}), and the due times in the {@code alert-due} store
 * keyed by the UTF-8 text {@code %019d|alertId} (the due millis, zero-padded). Format 2: by-service keys escaped by
 * {@link CompositeKeys}, and the due times in a {@link DueIndex} ({@code alert-due} keyed by big-endian millis and the
 * alertId, {@code alert-due-at} by alertId). Format 3, the current one, keeps that layout; its notifier publishes each
 * alert's state on {@code alert-states}, so the alerts of the earlier stores are announced there once. Lifecycle
 * records of the earlier layout are read as they are ({@link AlertRecord}'s serde reads both of its versions). The
 * lifecycle store is the reference: an entry of either index whose alert is gone, or is due at another time, is
 * dropped, as the earlier notifier ignored it.
 */
final class AlertStoreUpgrade {

    private static final Logger log = LoggerFactory.getLogger(AlertStoreUpgrade.class);
    /** The by-service key of the format entry; every composite key holds a separator, this one none. */
    static final String FORMAT_KEY = "format";
    static final String FORMAT = "3";
    private static final String ESCAPED_KEYS = "2";
    private static final Pattern EARLIER_DUE_KEY = Pattern.compile("(\\d{19})\\|.+", Pattern.DOTALL);

    private final KeyValueStore<String, AlertRecord> lifecycle;
    private final KeyValueStore<String, String> byService;
    private final KeyValueStore<Bytes, String> dueByTime;
    private final DueIndex due;
    private final BiConsumer<AlertRecord, Long> announce;
    private boolean checked;

    /** @param announce publishes the state of an alert at an instant (epoch millis) */
    AlertStoreUpgrade(KeyValueStore<String, AlertRecord> lifecycle, KeyValueStore<String, String> byService,
                      KeyValueStore<Bytes, String> dueByTime, DueIndex due, BiConsumer<AlertRecord, Long> announce) {
        this.lifecycle = lifecycle;
        this.byService = byService;
        this.dueByTime = dueByTime;
        this.due = due;
        this.announce = announce;
    }

    /** Upgrades the stores unless they are in the current format; looks at most once per processor. */
    void once(long now) {
        if (checked) {
            return;
        }
        String format = byService.get(FORMAT_KEY);
        if (!FORMAT.equals(format)) {
            int dueTimes = 0;
            int rekeyed = 0;
            if (!ESCAPED_KEYS.equals(format)) {
                dueTimes = moveDueTimes();
                rekeyed = rekeyByService();
            }
            int announced = 0;
            try (KeyValueIterator<String, AlertRecord> it = lifecycle.all()) {
                while (it.hasNext()) {
                    announce.accept(it.next().value, now);
                    announced++;
                }
            }
            byService.put(FORMAT_KEY, FORMAT);
            log.atInfo().addKeyValue("dueTimesMoved", dueTimes).addKeyValue("serviceKeysRewritten", rekeyed)
                    .addKeyValue("statesPublished", announced).addKeyValue("format", FORMAT)
                    .log("alert lifecycle stores brought to the current format");
        }
        checked = true;
    }

    /** Moves the due entries keyed by text into the due index; returns how many it moved. */
    private int moveDueTimes() {
        List<KeyValue<Bytes, String>> earlier = new ArrayList<>();
        try (KeyValueIterator<Bytes, String> it = dueByTime.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, String> entry = it.next();
                if (earlierDueTime(entry.key) >= 0) {
                    earlier.add(entry);
                }
            }
        }
        int moved = 0;
        for (KeyValue<Bytes, String> entry : earlier) {
            dueByTime.delete(entry.key);
            long at = earlierDueTime(entry.key);
            AlertRecord r = lifecycle.get(entry.value);
            if (r != null && r.dueAt() == at) {
                due.schedule(entry.value, Instant.ofEpochMilli(at));
                moved++;
            }
        }
        return moved;
    }

    /** The due millis of a key in the earlier text layout, or -1 for any other key. */
    private static long earlierDueTime(Bytes key) {
        Matcher m = EARLIER_DUE_KEY.matcher(new String(key.get(), StandardCharsets.UTF_8));
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Rewrites the by-service keys that differ from their escaped form, drops those of alerts that are gone. */
    private int rekeyByService() {
        List<String> stale = new ArrayList<>();
        List<KeyValue<String, String>> current = new ArrayList<>();
        try (KeyValueIterator<String, String> it = byService.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> entry = it.next();
                AlertRecord r = entry.key.equals(FORMAT_KEY) ? null : lifecycle.get(entry.value);
                String key = r == null ? null : AlertLifecycleProcessor.serviceKey(r.alert().getService(), entry.value);
                if (!entry.key.equals(key)) {
                    stale.add(entry.key);
                    if (key != null) {
                        current.add(KeyValue.pair(key, entry.value));
                    }
                }
            }
        }
        stale.forEach(byService::delete);
        current.forEach(kv -> byService.put(kv.key, kv.value));
        return current.size();
    }
}

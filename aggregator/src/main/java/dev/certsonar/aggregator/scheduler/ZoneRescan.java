package dev.certsonar.aggregator.scheduler;

import dev.certsonar.aggregator.StoreNames;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.store.DueIndex;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A zone back with a scanner (a record whose value is the zone, sent to every partition): every target of the zone
 * this scheduler task holds is due at once, so the endpoints held while the zone was down are scanned again at the
 * scheduler's next tick. It shares the scheduler's stores; walking every target is fine for an event this rare.
 */
public final class ZoneRescan implements Processor<String, String, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(ZoneRescan.class);

    private KeyValueStore<String, Target> targets;
    private DueIndex due;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        targets = context.getStateStore(StoreNames.SCHEDULER_TARGETS);
        due = new DueIndex(context.getStateStore(StoreNames.SCHEDULER_INDEX), context.getStateStore(StoreNames.SCHEDULER_DUE));
    }

    @Override
    public void process(Record<String, String> record) {
        String zone = record.value();
        if (zone == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(record.timestamp());
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, Target> it = targets.all()) {
            while (it.hasNext()) {
                KeyValue<String, Target> kv = it.next();
                if (kv.value != null && zone.equals(Zones.of(kv.value))) {
                    ids.add(kv.key);
                }
            }
        }
        for (String id : ids) {
            due.schedule(id, now);
        }
        if (!ids.isEmpty()) {
            log.info("Zone {} has a scanner again: its {} targets here are scanned at once", zone, ids.size());
        }
    }
}

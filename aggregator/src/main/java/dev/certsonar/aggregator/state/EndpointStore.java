package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.AvroSerde;
import dev.certsonar.schemas.AvroSerdes;
import dev.certsonar.schemas.avro.Observation;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoints store as the service-state processor sees it: the last observation of each endpoint, held in the
 * store in Avro single-object encoding, with the most recently used observations kept decoded. Every write goes
 * through here, so the decoded copies always equal what the store holds; a prefix scan decodes only the entries
 * it does not hold decoded. One instance per processor (one stream task), not thread-safe.
 */
final class EndpointStore {

    private static final StringSerializer KEYS = new StringSerializer();
    private static final AvroSerde<Observation> SERDE = AvroSerdes.serde(Observation.class);

    private final KeyValueStore<String, byte[]> store;
    private final Map<String, Observation> decoded;

    EndpointStore(KeyValueStore<String, byte[]> store, int maxDecoded) {
        this.store = store;
        this.decoded = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Observation> eldest) {
                return size() > maxDecoded;
            }
        };
    }

    Observation get(String key) {
        Observation o = decoded.get(key);
        if (o != null) {
            return o;
        }
        o = SERDE.decode(store.get(key));
        if (o != null) {
            decoded.put(key, o);
        }
        return o;
    }

    void put(String key, Observation o) {
        store.put(key, SERDE.encode(o));
        decoded.put(key, o);
    }

    void delete(String key) {
        store.delete(key);
        decoded.remove(key);
    }

    /** Every entry whose key starts with the prefix, in key order. */
    List<KeyValue<String, Observation>> prefixScan(String prefix) {
        List<KeyValue<String, Observation>> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                Observation o = decoded.get(kv.key);
                if (o == null) {
                    o = SERDE.decode(kv.value);
                    decoded.put(kv.key, o);
                }
                out.add(KeyValue.pair(kv.key, o));
            }
        }
        return out;
    }

    /** Forgets the decoded copies (the store may be restored to another state after this). */
    void clearDecoded() {
        decoded.clear();
    }
}

package dev.certsonar.aggregator.state;

import dev.certsonar.schemas.AvroSerde;
import dev.certsonar.schemas.AvroSerdes;
import dev.certsonar.schemas.avro.Observation;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The endpoints store as the service-state processor sees it: the last observation of each endpoint, held in the
 * store in Avro single-object encoding, and for the most recently used services every endpoint held decoded, so that
 * evaluating a service reads no store. A service is read from the store in one prefix scan the first time it is
 * asked for; every write goes through here, so what is held decoded always equals what the store holds. At most
 * {@code maxHeld} endpoints are held decoded (the service in use is held whatever its size). One instance per
 * processor (one stream task), not thread-safe.
 */
final class EndpointStore {

    private static final StringSerializer KEYS = new StringSerializer();
    private static final AvroSerde<Observation> SERDE = AvroSerdes.serde(Observation.class);

    private final KeyValueStore<String, byte[]> store;
    private final int maxHeld;
    /** Service → its endpoints by store key, least recently used first. */
    private final LinkedHashMap<String, TreeMap<String, Observation>> services = new LinkedHashMap<>(256, 0.75f, true);
    private int held;

    EndpointStore(KeyValueStore<String, byte[]> store, int maxHeld) {
        this.store = store;
        this.maxHeld = maxHeld;
    }

    /** The last observation of the endpoint with this store key, of this service; null when there is none. */
    Observation get(String service, String key) {
        return endpointsOf(service).get(key);
    }

    /**
     * @param encoded the observation in Avro single-object encoding (any frozen writer version), or null to encode it here
     */
    void put(String service, String key, Observation o, byte[] encoded) {
        store.put(key, encoded != null ? encoded : SERDE.encode(o));
        TreeMap<String, Observation> endpoints = services.get(service);
        if (endpoints != null && endpoints.put(key, o) == null) {
            held++;
        }
    }

    void delete(String service, String key) {
        store.delete(key);
        TreeMap<String, Observation> endpoints = services.get(service);
        if (endpoints != null && endpoints.remove(key) != null) {
            held--;
        }
    }

    /** Every endpoint of the service, in key order. */
    List<KeyValue<String, Observation>> ofService(String service) {
        List<KeyValue<String, Observation>> out = new ArrayList<>();
        endpointsOf(service).forEach((key, o) -> out.add(KeyValue.pair(key, o)));
        return out;
    }

    /** Every endpoint of the service whose store key starts with the prefix (a target's), in key order. */
    List<KeyValue<String, Observation>> withPrefix(String service, String prefix) {
        List<KeyValue<String, Observation>> out = new ArrayList<>();
        for (Map.Entry<String, Observation> e : endpointsOf(service).tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            out.add(KeyValue.pair(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** Forgets what is held decoded (the store may be restored to another state after this). */
    void clearDecoded() {
        services.clear();
        held = 0;
    }

    private TreeMap<String, Observation> endpointsOf(String service) {
        TreeMap<String, Observation> endpoints = services.get(service);
        if (endpoints != null) {
            return endpoints;
        }
        endpoints = new TreeMap<>();
        String prefix = StateKeys.servicePrefix(service);
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                endpoints.put(kv.key, SERDE.decode(kv.value));
            }
        }
        services.put(service, endpoints);
        held += endpoints.size();
        evictBeyondLimit();
        return endpoints;
    }

    /** Drops the least recently used services until at most {@code maxHeld} endpoints are held or one service is left. */
    private void evictBeyondLimit() {
        Iterator<TreeMap<String, Observation>> eldest = services.values().iterator();
        while (held > maxHeld && services.size() > 1) {
            held -= eldest.next().size();
            eldest.remove();
        }
    }
}

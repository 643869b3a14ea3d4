package dev.certsonar.aggregator.http;

import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.aggregator.StoreNames;
import dev.certsonar.aggregator.state.StateKeys;
import dev.certsonar.schemas.AvroSerde;
import dev.certsonar.schemas.AvroSerdes;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.store.CompositeKeys;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the aggregator's state stores (interactive queries): what this instance holds, and which
 * instance holds a key when several share the work (known by their {@code application.server}). The operator's
 * tables (accepted exceptions, silences, alert states) are read the same way: each instance holds the keys of its
 * partitions of them.
 */
public final class StateQueries {

    /** Where a certificate is served: one endpoint of one target of one service. */
    public record Placement(String service, String targetId, String endpoint) {
    }

    private static final StringSerializer KEYS = new StringSerializer();
    /** The endpoints store holds observations in Avro single-object encoding. */
    private static final AvroSerde<Observation> OBSERVATIONS = AvroSerdes.serde(Observation.class);
    /** The services store holds statuses in Avro single-object encoding. */
    private static final AvroSerde<ServiceStatus> STATUSES = AvroSerdes.serde(ServiceStatus.class);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final Clock clock;

    public StateQueries(KafkaStreams streams, AggregatorConfig config, Clock clock) {
        this.streams = streams;
        this.self = config.applicationServer() == null ? null : HostInfo.buildFromEndpoint(config.applicationServer());
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    public List<ServiceStatus> localServices() {
        List<ServiceStatus> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store(StoreNames.SERVICES, byte[].class).all()) {
            it.forEachRemaining(kv -> out.add(STATUSES.decode(kv.value)));
        }
        return out;
    }

    public Optional<ServiceStatus> localService(String service) {
        return Optional.ofNullable(STATUSES.decode(store(StoreNames.SERVICES, byte[].class).get(service)));
    }

    /** The last observation of every endpoint of the service that this instance holds. */
    public List<Observation> localEndpoints(String service) {
        List<Observation> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store(StoreNames.ENDPOINTS, byte[].class)
                .prefixScan(StateKeys.servicePrefix(service), KEYS)) {
            it.forEachRemaining(kv -> out.add(OBSERVATIONS.decode(kv.value)));
        }
        return out;
    }

    /** Every endpoint this instance holds that serves the certificate. */
    public List<Placement> localPlacements(String sha256) {
        List<Placement> out = new ArrayList<>();
        String prefix = StateKeys.inventoryPrefix(sha256);
        try (KeyValueIterator<String, String> it = store(StoreNames.INVENTORY, String.class).prefixScan(prefix, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                String rest = kv.key.substring(prefix.length());
                String endpoint = kv.value;
                List<String> serviceAndTarget = CompositeKeys.split(rest.substring(0, rest.length() - endpoint.length() - 1));
                out.add(new Placement(serviceAndTarget.get(0), serviceAndTarget.get(1), endpoint));
            }
        }
        return out;
    }

    /** The last observation of one endpoint, if this instance holds it. */
    public Optional<Observation> localObservation(String service, String targetId, String endpoint) {
        return Optional.ofNullable(OBSERVATIONS.decode(store(StoreNames.ENDPOINTS, byte[].class).get(StateKeys.endpoint(service, targetId, endpoint))));
    }

    /** Every value of one of the tables (exceptions, silences, alert-states) that this instance holds. */
    public <V> List<V> localTable(String store) {
        List<V> out = new ArrayList<>();
        try (KeyValueIterator<String, V> it = this.<V>store(store, null).all()) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }

    /** The value of a key of one of the tables, if this instance holds it. */
    public <V> Optional<V> localTableValue(String store, String key) {
        return Optional.ofNullable(this.<V>store(store, null).get(key));
    }

    /** The instance that holds the service, when it is another one; empty when it is this one or there is only one. */
    public Optional<HostInfo> remoteOwnerOf(String service) {
        return remoteOwnerOf(StoreNames.SERVICES, service);
    }

    /** The instance that holds the key of the store, when it is another one; empty when it is this one or there is only one. */
    public Optional<HostInfo> remoteOwnerOf(String storeName, String key) {
        if (self == null) {
            return Optional.empty();
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(storeName, key, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) || metadata.activeHost().equals(self)) {
            return Optional.empty();
        }
        return Optional.of(metadata.activeHost());
    }

    /** The other instances of the application, known by their application.server. */
    public List<HostInfo> otherInstances() {
        return otherInstances(StoreNames.SERVICES);
    }

    /** The other instances that hold a part of the store. */
    public List<HostInfo> otherInstances(String storeName) {
        if (self == null) {
            return List.of();
        }
        List<HostInfo> out = new ArrayList<>();
        for (StreamsMetadata m : streams.streamsMetadataForStore(storeName)) {
            if (!m.hostInfo().equals(self) && !out.contains(m.hostInfo())) {
                out.add(m.hostInfo());
            }
        }
        return out;
    }

    /** The host this instance's API is reached on by the others, or null for a single instance. */
    public HostInfo self() {
        return self;
    }

    @SuppressWarnings("unused")
    private <V> ReadOnlyKeyValueStore<String, V> store(String name, Class<V> valueType) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }
}

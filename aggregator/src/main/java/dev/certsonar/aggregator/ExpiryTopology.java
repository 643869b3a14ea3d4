package dev.certsonar.aggregator;

import dev.certsonar.aggregator.scheduler.ScanScheduler;
import dev.certsonar.aggregator.scheduler.SchedulerOutput;
import dev.certsonar.aggregator.state.ServiceInput;
import dev.certsonar.aggregator.state.ServiceInputSerde;
import dev.certsonar.aggregator.state.ServiceStateProcessor;
import dev.certsonar.schemas.AvroSerdes;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Clock;

/**
 * The aggregator's topology, a function of a builder, the topics, the configuration and a clock.
 *
 * <pre>
 * targets ──► scheduler (by target id) ──► scan-requests (by host)
 *                  │ target events (by service)
 *                  ▼
 * observations ──► service-input (repartitioned by service) ──► service state ──► service-status
 * </pre>
 *
 * Targets and observations meet in one internal topic keyed by service, so they are co-partitioned
 * whatever the partition counts of the input topics.
 */
public final class ExpiryTopology {

    /** Name of the internal repartition topic (after the application id). */
    public static final String SERVICE_INPUT = "service-input";

    private ExpiryTopology() {
    }

    /** A RocksDB store with a changelog and a record cache, which spares the changelog repeated writes of one key per commit. */
    private static <K, V> StoreBuilder<KeyValueStore<K, V>> store(String name, Serde<K> keys, Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values).withCachingEnabled();
    }

    public static StreamsBuilder build(StreamsBuilder builder, Topics topics, AggregatorConfig config, Clock clock) {
        Topic<String, Target> targetsTopic = topics.targets();
        Serde<Target> targetSerde = AvroSerdes.serde(Target.class);
        Serde<ServiceStatus> statusSerde = AvroSerdes.serde(ServiceStatus.class);
        Serde<ServiceInput> inputSerde = ServiceInputSerde.create();

        builder.addStateStore(store(StoreNames.SCHEDULER_TARGETS, Serdes.String(), targetSerde));
        builder.addStateStore(store(StoreNames.SCHEDULER_DUE, Serdes.String(), Serdes.Long()));
        builder.addStateStore(store(StoreNames.SCHEDULER_INDEX, Serdes.Bytes(), Serdes.String()));
        builder.addStateStore(store(StoreNames.SCHEDULER_EXPANSIONS, Serdes.String(), Serdes.Long()));

        builder.addStateStore(store(StoreNames.SERVICE_TARGETS, Serdes.String(), targetSerde));
        builder.addStateStore(store(StoreNames.ENDPOINTS, Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(store(StoreNames.SERVICES, Serdes.String(), statusSerde));
        builder.addStateStore(store(StoreNames.TRANSITION_INDEX, Serdes.Bytes(), Serdes.String()));
        builder.addStateStore(store(StoreNames.NEXT_TRANSITION, Serdes.String(), Serdes.Long()));
        builder.addStateStore(store(StoreNames.INVENTORY, Serdes.String(), Serdes.String()));

        Serde<Target> validTargets = Serdes.serdeFrom(targetsTopic.valueSerde().serializer(),
                new ValidTargetDeserializer(targetsTopic.valueSerde().deserializer()));
        KStream<String, SchedulerOutput> scheduled = builder
                .stream(targetsTopic.name(), Consumed.with(targetsTopic.keySerde(), validTargets).withName("targets"))
                .process(() -> new ScanScheduler(config, clock), Named.as("scheduler"),
                        StoreNames.SCHEDULER_TARGETS, StoreNames.SCHEDULER_DUE, StoreNames.SCHEDULER_INDEX,
                        StoreNames.SCHEDULER_EXPANSIONS);

        scheduled.filter((host, out) -> out.scan() != null, Named.as("scan-requests-only"))
                .mapValues(SchedulerOutput::scan, Named.as("scan-request"))
                .to(topics.scanRequests().name(), Produced.with(topics.scanRequests().keySerde(), topics.scanRequests().valueSerde())
                        .withName("scan-requests"));

        KStream<String, ServiceInput> targetEvents = scheduled
                .filter((service, out) -> out.event() != null, Named.as("target-events-only"))
                .mapValues(SchedulerOutput::event, Named.as("target-event"));

        Topic<String, Observation> observationsTopic = topics.observations();
        KStream<String, ServiceInput> observations = builder
                .stream(observationsTopic.name(), Consumed.with(observationsTopic.keySerde(), observationsTopic.valueSerde())
                        .withName("observations"))
                .filter((key, o) -> o != null, Named.as("observations-not-null"))
                .map((key, o) -> KeyValue.pair(o.getService(), (ServiceInput) new ServiceInput.Observed(o)),
                        Named.as("observation-by-service"));

        targetEvents.merge(observations, Named.as("service-inputs"))
                .repartition(Repartitioned.with(Serdes.String(), inputSerde).withName(SERVICE_INPUT))
                .process(() -> new ServiceStateProcessor(config, clock), Named.as("service-state"),
                        StoreNames.SERVICE_TARGETS, StoreNames.ENDPOINTS, StoreNames.SERVICES, StoreNames.TRANSITION_INDEX,
                        StoreNames.NEXT_TRANSITION, StoreNames.INVENTORY)
                .to(topics.serviceStatus().name(), Produced.with(topics.serviceStatus().keySerde(), topics.serviceStatus().valueSerde()).withName("service-status"));
        return builder;
    }
}

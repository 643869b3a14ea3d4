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
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The aggregator's topology, a function of a builder, the topics and the configuration. Its processors take the time
 * from the records and the wall-clock punctuations, never from a clock, so reprocessing an input gives the same output.
 *
 * <pre>
 * targets ──► scheduler (by target id) ──► scan-requests (by host)
 *                  │ target events (by service)
 *                  ▼
 *             service-input (repartitioned by service) ───┐
 *                                                         ▼
 * observations (keyed by service) ─────────────────► service state ──► service-status
 *      │ observations keyed otherwise                     ▲
 *      └──► observations-by-service (repartitioned) ──────┘
 * </pre>
 *
 * Observations arrive keyed by their service, so the service state reads them from the observations topic as they
 * are; only target events (and any observation keyed otherwise) pass through internal topics keyed by service. Those
 * internal topics get the observations topic's partition count, so that partition {@code n} of each holds the same
 * services as partition {@code n} of the observations topic.
 */
public final class ExpiryTopology {

    /** Name of the internal repartition topic (after the application id). */
    public static final String SERVICE_INPUT = "service-input";
    /** Name of the internal repartition topic of observations not keyed by their service (after the application id). */
    public static final String OBSERVATIONS_BY_SERVICE = "observations-by-service";

    private ExpiryTopology() {
    }

    /** A RocksDB store with a changelog and a record cache, which spares the changelog repeated writes of one key per commit. */
    private static <K, V> StoreBuilder<KeyValueStore<K, V>> store(String name, Serde<K> keys, Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values).withCachingEnabled();
    }

    /** An observation keyed by its service, as the observations topic carries them. */
    private static boolean keyedByService(String key, ServiceInput input) {
        return input instanceof ServiceInput.Observed o && o.observation().getService().equals(key);
    }

    private static <K, V> Repartitioned<K, V> repartitioned(Repartitioned<K, V> repartitioned, int partitions) {
        return partitions > 0 ? repartitioned.withNumberOfPartitions(partitions) : repartitioned;
    }

    /**
     * The topology without partition counts for its internal topics, for the {@code TopologyTestDriver}; an application
     * on a broker uses {@link #build(StreamsBuilder, Topics, AggregatorConfig, int)}.
     */
    public static StreamsBuilder build(StreamsBuilder builder, Topics topics, AggregatorConfig config) {
        return build(builder, topics, config, 0);
    }

    /**
     * @param servicePartitions the partition count of the observations topic, given to the internal topics that the
     *                          service state reads next to it (0: none given)
     */
    public static StreamsBuilder build(StreamsBuilder builder, Topics topics, AggregatorConfig config, int servicePartitions) {
        Topic<String, Target> targetsTopic = topics.targets();
        Serde<Target> targetSerde = AvroSerdes.serde(Target.class);
        Serde<ServiceInput> inputSerde = ServiceInputSerde.create();

        builder.addStateStore(store(StoreNames.SCHEDULER_TARGETS, Serdes.String(), targetSerde));
        builder.addStateStore(store(StoreNames.SCHEDULER_DUE, Serdes.String(), Serdes.Long()));
        builder.addStateStore(store(StoreNames.SCHEDULER_INDEX, Serdes.Bytes(), Serdes.String()));
        builder.addStateStore(store(StoreNames.SCHEDULER_EXPANSIONS, Serdes.String(), Serdes.Long()));

        builder.addStateStore(store(StoreNames.SERVICE_TARGETS, Serdes.String(), targetSerde));
        builder.addStateStore(store(StoreNames.ENDPOINTS, Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(store(StoreNames.SERVICES, Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(store(StoreNames.TRANSITION_INDEX, Serdes.Bytes(), Serdes.String()));
        builder.addStateStore(store(StoreNames.NEXT_TRANSITION, Serdes.String(), Serdes.Long()));
        builder.addStateStore(store(StoreNames.INVENTORY, Serdes.String(), Serdes.String()));

        Serde<Target> validTargets = Serdes.serdeFrom(targetsTopic.valueSerde().serializer(),
                new ValidTargetDeserializer(targetsTopic.valueSerde().deserializer(), config.policy()));
        KStream<String, SchedulerOutput> scheduled = builder
                .stream(targetsTopic.name(), Consumed.with(targetsTopic.keySerde(), validTargets).withName("targets"))
                .process(() -> new ScanScheduler(config), Named.as("scheduler"),
                        StoreNames.SCHEDULER_TARGETS, StoreNames.SCHEDULER_DUE, StoreNames.SCHEDULER_INDEX,
                        StoreNames.SCHEDULER_EXPANSIONS);

        scheduled.filter((host, out) -> out.scan() != null, Named.as("scan-requests-only"))
                .mapValues(SchedulerOutput::scan, Named.as("scan-request"))
                .to(topics.scanRequests().name(), Produced.with(topics.scanRequests().keySerde(), topics.scanRequests().valueSerde())
                        .withName("scan-requests"));

        KStream<String, ServiceInput> targetEvents = scheduled
                .filter((service, out) -> out.event() != null, Named.as("target-events-only"))
                .mapValues(SchedulerOutput::event, Named.as("target-event"));
        KStream<String, ServiceInput> targetInputs = targetEvents.repartition(
                repartitioned(Repartitioned.with(Serdes.String(), inputSerde).withName(SERVICE_INPUT), servicePartitions));

        Topic<String, Observation> observationsTopic = topics.observations();
        KStream<String, ServiceInput> observations = builder
                .stream(observationsTopic.name(), Consumed.with(observationsTopic.keySerde(),
                        ServiceInputSerde.observations(observationsTopic.valueSerde())).withName("observations"))
                .filter((key, o) -> o != null, Named.as("observations-not-null"));
        KStream<String, ServiceInput> rekeyed = observations
                .filterNot(ExpiryTopology::keyedByService, Named.as("observations-keyed-otherwise"))
                .selectKey((key, o) -> ((ServiceInput.Observed) o).observation().getService(), Named.as("observation-by-service"))
                .repartition(repartitioned(Repartitioned.with(Serdes.String(), inputSerde).withName(OBSERVATIONS_BY_SERVICE),
                        servicePartitions));

        observations.filter(ExpiryTopology::keyedByService, Named.as("observations-keyed-by-service"))
                .merge(rekeyed, Named.as("observations-merged"))
                .merge(targetInputs, Named.as("service-inputs"))
                .process(() -> new ServiceStateProcessor(config), Named.as("service-state"),
                        StoreNames.SERVICE_TARGETS, StoreNames.ENDPOINTS, StoreNames.SERVICES, StoreNames.TRANSITION_INDEX,
                        StoreNames.NEXT_TRANSITION, StoreNames.INVENTORY)
                .to(topics.serviceStatus().name(), Produced.with(topics.serviceStatus().keySerde(), Serdes.ByteArray()).withName("service-status"));
        return builder;
    }
}

package dev.certsonar.aggregator;

import dev.certsonar.aggregator.scheduler.ScanScheduler;
import dev.certsonar.aggregator.scheduler.SchedulerOutput;
import dev.certsonar.aggregator.scheduler.ZoneRescan;
import dev.certsonar.aggregator.scheduler.ZoneTopics;
import dev.certsonar.aggregator.fleet.FleetInput;
import dev.certsonar.aggregator.fleet.FleetOutput;
import dev.certsonar.aggregator.fleet.FleetProcessor;
import dev.certsonar.schemas.Zones;
import dev.certsonar.schemas.avro.ScannerHeartbeat;
import org.apache.kafka.streams.KeyValue;
import dev.certsonar.aggregator.state.ServiceInput;
import dev.certsonar.aggregator.state.ServiceInputSerde;
import dev.certsonar.aggregator.state.ServiceStateProcessor;
import dev.certsonar.schemas.AvroSerdes;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.avro.AcceptedException;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Silence;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.Matchers;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The aggregator's topology, a function of a builder, the topics and the configuration. Its processors take the time
 * from the records and the wall-clock punctuations, never from a clock, so reprocessing an input gives the same output.
 *
 * <pre>
 * targets ──► scheduler (by target id) ──► scan-requests[.zone] (by host)
 *                  │ target events (by service)
 *                  ▼
 *             service-input (repartitioned by service) ───┐
 *                                                         ▼
 * observations (keyed by service) ─────────────────► service state ──► service-status
 *      │ observations keyed otherwise                     ▲ ▲
 *      └──► observations-by-service (repartitioned) ──────┘ │
 * exceptions ──► exceptions table ──► exception-input (to every partition)
 *
 * scanner-heartbeats ──┐
 * target events ───────┴► fleet-input (one partition) ──► fleet ──► service-status (zone:NAME, certsonar:watchdog)
 *                                                          │ └──► zone-rescan (to every partition) ──► scheduler's stores
 *                                                          └──► zone-input (to every partition) ──► service state
 *
 * alert-states ──► alert-states table      silences ──► silences table     (read by the HTTP API)
 * </pre>
 *
 * Observations arrive keyed by their service, so the service state reads them from the observations topic as they
 * are; only target events (and any observation keyed otherwise) pass through internal topics keyed by service. Those
 * internal topics get the observations topic's partition count, so that partition {@code n} of each holds the same
 * services as partition {@code n} of the observations topic. Every accepted exception is sent to every partition of
 * exception-input, so each service-state task holds them all. Records of the operator's topics (exceptions,
 * alert-states, silences) that cannot be read or used (a matcher that names no field, a regex that does not compile)
 * go to the dead-letter topic with the reason.
 */
public final class ExpiryTopology {

    /** Name of the internal repartition topic (after the application id). */
    public static final String SERVICE_INPUT = "service-input";
    /** Name of the internal repartition topic of observations not keyed by their service (after the application id). */
    public static final String OBSERVATIONS_BY_SERVICE = "observations-by-service";
    /** Name of the internal topic that brings every heartbeat and every target's zone to the one fleet task (after the application id). */
    public static final String FLEET_INPUT = "fleet-input";
    /** Name of the internal topic that brings a zone's hold to every service-state task (after the application id). */
    public static final String ZONE_INPUT = "zone-input";
    /** Name of the internal topic that brings a zone back with a scanner to every scheduler task (after the application id). */
    public static final String ZONE_RESCAN = "zone-rescan";
    /** Name of the internal topic that brings every accepted exception to every service-state task (after the application id). */
    public static final String EXCEPTION_INPUT = "exception-input";

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
        return build(builder, topics, config, 0, 0, ZoneTopics.Creator.NONE);
    }

    /**
     * @param servicePartitions the partition count of the observations topic, given to the internal topics that the
     *                          service state reads next to it (0: none given)
     */
    public static StreamsBuilder build(StreamsBuilder builder, Topics topics, AggregatorConfig config, int servicePartitions) {
        return build(builder, topics, config, servicePartitions, 0, ZoneTopics.Creator.NONE);
    }

    /**
     * @param servicePartitions the partition count of the observations topic, given to the internal topics that the
     *                          service state reads next to it (0: none given)
     * @param targetPartitions  the partition count of the targets topic, given to the internal topic that the scheduler
     *                          reads next to it (0: none given)
     * @param zoneTopics        makes a zone's scan-request topic the first time a request goes to it
     */
    public static StreamsBuilder build(StreamsBuilder builder, Topics topics, AggregatorConfig config, int servicePartitions,
                                       int targetPartitions, ZoneTopics.Creator zoneTopics) {
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
        builder.addStateStore(store(StoreNames.REMOVED_TARGETS_INDEX, Serdes.Bytes(), Serdes.String()));
        builder.addStateStore(store(StoreNames.REMOVED_TARGETS, Serdes.String(), Serdes.Long()));
        builder.addStateStore(store(StoreNames.EXCEPTIONS_IN_FORCE, Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(store(StoreNames.EXCEPTION_ENDS, Serdes.Bytes(), Serdes.String()));
        builder.addStateStore(store(StoreNames.EXCEPTION_END_AT, Serdes.String(), Serdes.Long()));
        builder.addStateStore(store(StoreNames.EXCEPTION_CANDIDATES, Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(store(StoreNames.ZONE_HOLDS, Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(store(StoreNames.FLEET_TARGETS, Serdes.String(), Serdes.String()));
        builder.addStateStore(store(StoreNames.FLEET_ZONES, Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(store(StoreNames.FLEET_SCANNERS, Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(store(StoreNames.FLEET_WATCHDOG, Serdes.String(), Serdes.Long()));

        Serde<Target> validTargets = Serdes.serdeFrom(targetsTopic.valueSerde().serializer(),
                new ValidTargetDeserializer(targetsTopic.valueSerde().deserializer(), config.policy()));
        KStream<String, SchedulerOutput> scheduled = builder
                .stream(targetsTopic.name(), Consumed.with(targetsTopic.keySerde(), validTargets).withName("targets"))
                .process(() -> new ScanScheduler(config), Named.as("scheduler"),
                        StoreNames.SCHEDULER_TARGETS, StoreNames.SCHEDULER_DUE, StoreNames.SCHEDULER_INDEX,
                        StoreNames.SCHEDULER_EXPANSIONS);

        scheduled.filter((host, out) -> out.scan() != null, Named.as("scan-requests-only"))
                .mapValues(SchedulerOutput::scan, Named.as("scan-request"))
                .to(new ZoneTopics(topics, zoneTopics), Produced.with(topics.scanRequests().keySerde(), topics.scanRequests().valueSerde())
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

        KStream<String, ServiceInput> exceptionInputs = exceptions(builder, topics)
                .mapValues((id, e) -> (ServiceInput) new ServiceInput.ExceptionChanged(id, e), Named.as("exception-change"))
                .repartition(repartitioned(Repartitioned.with(Serdes.String(), inputSerde).withName(EXCEPTION_INPUT)
                        .withStreamPartitioner(ExpiryTopology.toEveryPartition()), servicePartitions));

        KStream<String, FleetOutput> fleet = fleet(builder, topics, config, targetEvents);
        fleet.filter((key, out) -> out instanceof FleetOutput.Status, Named.as("fleet-statuses-only"))
                .map((key, out) -> KeyValue.pair(((FleetOutput.Status) out).service(), ((FleetOutput.Status) out).encoded()),
                        Named.as("fleet-status"))
                .to(topics.serviceStatus().name(), Produced.with(topics.serviceStatus().keySerde(), Serdes.ByteArray())
                        .withName("fleet-service-status"));
        KStream<String, ServiceInput> zoneInputs = fleet
                .filter((zone, out) -> out instanceof FleetOutput.Hold, Named.as("fleet-holds-only"))
                .mapValues(out -> (ServiceInput) ((FleetOutput.Hold) out).change(), Named.as("zone-change"))
                .repartition(repartitioned(Repartitioned.with(Serdes.String(), inputSerde).withName(ZONE_INPUT)
                        .withStreamPartitioner(ExpiryTopology.toEveryPartition()), servicePartitions));
        fleet.filter((zone, out) -> out instanceof FleetOutput.Rescan, Named.as("fleet-rescans-only"))
                .mapValues(out -> ((FleetOutput.Rescan) out).zone(), Named.as("zone-rescan-zone"))
                .repartition(repartitioned(Repartitioned.with(Serdes.String(), Serdes.String()).withName(ZONE_RESCAN)
                        .withStreamPartitioner(ExpiryTopology.toEveryPartition()), targetPartitions))
                .process(ZoneRescan::new, Named.as("zone-rescan"),
                        StoreNames.SCHEDULER_TARGETS, StoreNames.SCHEDULER_DUE, StoreNames.SCHEDULER_INDEX);

        observations.filter(ExpiryTopology::keyedByService, Named.as("observations-keyed-by-service"))
                .merge(rekeyed, Named.as("observations-merged"))
                .merge(targetInputs, Named.as("service-inputs"))
                .merge(exceptionInputs, Named.as("service-and-exception-inputs"))
                .merge(zoneInputs, Named.as("service-exception-and-zone-inputs"))
                .process(() -> new ServiceStateProcessor(config), Named.as("service-state"),
                        StoreNames.SERVICE_TARGETS, StoreNames.ENDPOINTS, StoreNames.SERVICES, StoreNames.TRANSITION_INDEX,
                        StoreNames.NEXT_TRANSITION, StoreNames.INVENTORY, StoreNames.EXCEPTIONS_IN_FORCE,
                        StoreNames.EXCEPTION_ENDS, StoreNames.EXCEPTION_END_AT, StoreNames.EXCEPTION_CANDIDATES,
                        StoreNames.ZONE_HOLDS, StoreNames.REMOVED_TARGETS_INDEX, StoreNames.REMOVED_TARGETS)
                .to(topics.serviceStatus().name(), Produced.with(topics.serviceStatus().keySerde(), Serdes.ByteArray()).withName("service-status"));

        Topic<String, AlertLifecycle> alertStates = topics.alertStates();
        builder.table(alertStates.name(), Consumed.with(alertStates.keySerde(), checked(alertStates.valueSerde(),
                        (topic, a) -> requireId(topic, "alert state", "alertId", a.getAlertId())))
                        .withName("alert-states"),
                Materialized.<String, AlertLifecycle, KeyValueStore<Bytes, byte[]>>as(StoreNames.ALERT_STATES));
        Topic<String, Silence> silences = topics.silences();
        builder.table(silences.name(), Consumed.with(silences.keySerde(), checked(silences.valueSerde(), (topic, s) -> {
                    requireId(topic, "silence", "id", s.getId());
                    requireMatchers(topic, "silence " + s.getId(), s.getMatchers());
                })).withName("silences"),
                Materialized.<String, Silence, KeyValueStore<Bytes, byte[]>>as(StoreNames.SILENCES));
        return builder;
    }

    /**
     * The fleet, on one partition: every scanner's heartbeat (one that cannot be read or names no scanner or a bad
     * zone goes to the dead letters) and every target's zone, into the {@link FleetProcessor}.
     */
    private static KStream<String, FleetOutput> fleet(StreamsBuilder builder, Topics topics, AggregatorConfig config,
                                                       KStream<String, ServiceInput> targetEvents) {
        Topic<String, ScannerHeartbeat> heartbeats = topics.scannerHeartbeats();
        KStream<String, FleetInput> beats = builder
                .stream(heartbeats.name(), Consumed.with(heartbeats.keySerde(), checked(heartbeats.valueSerde(), (topic, h) -> {
                    requireId(topic, "scanner heartbeat", "scannerId", h.getScannerId());
                    try {
                        Zones.check(h.getZone());
                    } catch (InvalidValueException e) {
                        throw new SerializationException("Invalid scanner heartbeat of " + h.getScannerId() + " on " + topic
                                + ": field 'zone': " + e.problem());
                    }
                })).withName("scanner-heartbeats"))
                .filter((id, h) -> id != null, Named.as("heartbeats-with-id"))
                .map((id, h) -> KeyValue.pair(FleetInput.KEY, (FleetInput) new FleetInput.Heartbeat(id, h)), Named.as("heartbeat-input"));
        KStream<String, FleetInput> zonesOfTargets = targetEvents
                .filter((service, e) -> e instanceof ServiceInput.TargetUpserted || e instanceof ServiceInput.TargetRemoved,
                        Named.as("target-changes-only"))
                .map((service, e) -> KeyValue.pair(FleetInput.KEY, (FleetInput) switch (e) {
                    case ServiceInput.TargetUpserted t -> new FleetInput.TargetZone(t.targetId(), Zones.of(t.target()));
                    case ServiceInput.TargetRemoved t -> new FleetInput.TargetZone(t.targetId(), null);
                    default -> throw new IllegalStateException("filtered above: " + e);
                }), Named.as("target-zone-input"));
        return beats.merge(zonesOfTargets, Named.as("fleet-inputs"))
                .repartition(Repartitioned.with(Serdes.String(), FleetInput.serde()).withName(FLEET_INPUT).withNumberOfPartitions(1))
                .process(() -> new FleetProcessor(config), Named.as("fleet"),
                        StoreNames.FLEET_TARGETS, StoreNames.FLEET_ZONES, StoreNames.FLEET_SCANNERS, StoreNames.FLEET_WATCHDOG);
    }

    /** The exceptions topic as a table (the API reads it), and each change of it as a stream; a removal has a null value. */
    private static KStream<String, AcceptedException> exceptions(StreamsBuilder builder, Topics topics) {
        Topic<String, AcceptedException> exceptions = topics.exceptions();
        return builder.table(exceptions.name(), Consumed.with(exceptions.keySerde(), checked(exceptions.valueSerde(), (topic, e) -> {
                            requireId(topic, "accepted exception", "id", e.getId());
                            requireMatchers(topic, "accepted exception " + e.getId(), e.getMatchers());
                        })).withName("exceptions"),
                        Materialized.<String, AcceptedException, KeyValueStore<Bytes, byte[]>>as(StoreNames.EXCEPTIONS))
                .toStream(Named.as("exception-changes"));
    }

    /** Sends each record to every partition of the topic. */
    static <K, V> StreamPartitioner<K, V> toEveryPartition() {
        return (topic, key, value, partitions) -> Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toUnmodifiableSet()));
    }

    private static <T> Serde<T> checked(Serde<T> serde, CheckedDeserializer.Check<T> check) {
        return Serdes.serdeFrom(serde.serializer(), new CheckedDeserializer<>(serde.deserializer(), check));
    }

    private static void requireId(String topic, String what, String field, String id) {
        if (id == null || id.isBlank()) {
            throw new SerializationException("Invalid " + what + " on " + topic + ": field '" + field + "' is blank");
        }
    }

    private static void requireMatchers(String topic, String what, List<dev.certsonar.schemas.avro.Matcher> matchers) {
        try {
            Matchers.check(matchers);
        } catch (InvalidValueException e) {
            throw new SerializationException("Invalid " + what + " on " + topic + ": field '" + e.field() + "': " + e.problem());
        }
    }
}

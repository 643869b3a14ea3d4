package dev.certsonar.notifier;

import dev.certsonar.notifier.LifecycleOutput.AlertEvent;
import dev.certsonar.notifier.LifecycleOutput.StateChange;
import dev.certsonar.notifier.NotifierInput.AckChange;
import dev.certsonar.notifier.NotifierInput.AlertKnown;
import dev.certsonar.notifier.NotifierInput.OperatorPartitioner;
import dev.certsonar.notifier.NotifierInput.SilenceChange;
import dev.certsonar.notifier.NotifierInput.StatusChange;
import dev.certsonar.notifier.operator.OperatorRecords;
import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertLifecycle;
import dev.certsonar.schemas.avro.Silence;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The alert lifecycle: {@code service-status}, {@code silences} and {@code acknowledgements} in; {@code alerts} (keyed
 * by service), {@code alert-states} (keyed by alertId) and acknowledgement tombstones out. One FIRING event per
 * (service, certificate, condition, level), reminders while it fires, one RESOLVED event when it ends. Run it with
 * {@code processing.guarantee=exactly_once_v2} so that a restart neither loses nor repeats an event.
 *
 * <pre>
 *  service-status ─────────────────────────────────────────────────┐
 *  silences ──► (every partition) ─────────────┐                   ├─► alert-lifecycle ─► alerts, alert-states,
 *  acknowledgements ─┐                          ├─► operator-by-service                    acknowledgements (tombstones)
 *  alert-states ─────┴─► ack-router (by service)┘     (repartitioned)
 * </pre>
 *
 * Every task of the lifecycle gets every silence (the repartition sends a silence to each partition) and keeps its
 * own copy in its store, so silences take effect inside the lifecycle's transactions; an acknowledgement reaches the
 * task that holds its alert, found by the alert's service on {@code alert-states}. The repartition topic must have
 * as many partitions as {@code service-status}, so partition {@code n} of both holds the same services; and
 * {@code acknowledgements} as many as {@code alert-states}. Records of {@code silences} and {@code acknowledgements}
 * that cannot be read or break the rules of their records ({@link OperatorRecords}) go to the dead-letter topic.
 */
public final class AlertTopology {

    /** alertId → lifecycle of that alert. */
    public static final String LIFECYCLE_STORE = "alert-lifecycle";
    /** service|alertId (escaped composite keys) → alertId: the alerts of a service, by prefix scan. */
    public static final String BY_SERVICE_STORE = "alert-by-service";
    /** Big-endian due millis + alertId → alertId: what the wall-clock check must look at next, in time order (by time, of a DueIndex). */
    public static final String DUE_STORE = "alert-due";
    /** alertId → due epoch millis (by name, of the same DueIndex). */
    public static final String DUE_AT_STORE = "alert-due-at";
    /** silence id → silence: every silence that has not ended, in each task of the lifecycle. */
    public static final String SILENCES_STORE = "alert-silences";
    /** alertId → service, of every alert on alert-states: where an acknowledgement must go. */
    public static final String ALERT_SERVICES_STORE = "alert-services";
    /** The internal topic that brings silences and acknowledgements to the lifecycle (after the application id). */
    public static final String OPERATOR_BY_SERVICE = "operator-by-service";

    private AlertTopology() {
    }

    /** The topology without a partition count for its repartition topic, for the {@code TopologyTestDriver}. */
    public static StreamsBuilder build(StreamsBuilder builder, Topics topics, NotifierConfig config) {
        return build(builder, topics, config, 0);
    }

    /**
     * Adds the alert lifecycle to {@code builder}. Processing time is the status's {@code updatedAt} (a tombstone's
     * record timestamp), the timestamp of a silence or acknowledgement record, and the wall-clock punctuation's
     * timestamp; no clock is consulted inside the topology, so reprocessing an input gives the same events.
     *
     * @param statusPartitions the partition count of {@code service-status}, given to the repartition topic; 0 leaves
     *                         it to Kafka Streams
     */
    public static StreamsBuilder build(StreamsBuilder builder, Topics topics, NotifierConfig config, int statusPartitions) {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(config, "config");
        Topic<String, Silence> silenceTopic = topics.silences();
        Topic<String, Acknowledgement> ackTopic = topics.acknowledgements();
        Topic<String, AlertLifecycle> stateTopic = topics.alertStates();

        KStream<String, NotifierInput> statuses = builder.stream(topics.serviceStatus().name(),
                        Consumed.with(topics.serviceStatus().keySerde(), topics.serviceStatus().valueSerde())
                                .withName("service-status-in"))
                .mapValues(StatusChange::new, Named.as("status-changes"));
        KStream<String, NotifierInput> silences = operatorStream(builder, silenceTopic, "silences-in",
                "the silence's id", OperatorRecords::silences).mapValues(SilenceChange::new, Named.as("silence-changes"));
        KStream<String, NotifierInput> acks = operatorStream(builder, ackTopic, "acknowledgements-in",
                "the alertId", OperatorRecords::acknowledgements).mapValues(AckChange::new, Named.as("ack-changes"));
        KStream<String, NotifierInput> known = builder.stream(stateTopic.name(),
                        Consumed.with(stateTopic.keySerde(), stateTopic.valueSerde()).withName("alert-states-in"))
                .mapValues(AlertKnown::new, Named.as("alerts-known"));

        KStream<String, NotifierInput> routedAcks = acks.merge(known, Named.as("acks-and-alerts"))
                .process(new AckRouterSupplier(), Named.as("ack-router"));
        Repartitioned<String, NotifierInput> byService = Repartitioned
                .with(Serdes.String(), NotifierInput.operatorSerde(silenceTopic.valueSerde(), ackTopic.valueSerde()))
                .withName(OPERATOR_BY_SERVICE)
                .withStreamPartitioner(new OperatorPartitioner());
        KStream<String, NotifierInput> operator = silences.merge(routedAcks, Named.as("operator-changes"))
                .repartition(statusPartitions > 0 ? byService.withNumberOfPartitions(statusPartitions) : byService);

        KStream<String, LifecycleOutput> out = statuses.merge(operator, Named.as("lifecycle-input"))
                .process(new LifecycleSupplier(config, topics.alerts().valueSerde(), ackTopic.valueSerde(),
                                silenceTopic.valueSerde()),
                        Named.as("alert-lifecycle"));
        Topic<String, Alert> alerts = topics.alerts();
        out.split(Named.as("lifecycle-"))
                .branch((key, value) -> value instanceof AlertEvent, Branched.withConsumer(events -> events
                        .mapValues(value -> ((AlertEvent) value).alert(), Named.as("alert-events"))
                        .to(alerts.name(), Produced.with(alerts.keySerde(), alerts.valueSerde()).withName("alerts-out")),
                        "alerts"))
                .branch((key, value) -> value instanceof StateChange, Branched.withConsumer(states -> states
                        .mapValues(value -> ((StateChange) value).state(), Named.as("state-changes"))
                        .to(stateTopic.name(), Produced.with(stateTopic.keySerde(), stateTopic.valueSerde())
                                .withName("alert-states-out")), "states"))
                .defaultBranch(Branched.withConsumer(ended -> ended
                        .mapValues(value -> (Acknowledgement) null, Named.as("ack-tombstones"))
                        .to(ackTopic.name(), Produced.with(ackTopic.keySerde(), ackTopic.valueSerde())
                                .withName("acknowledgements-out")), "acks"));
        return builder;
    }

    /**
     * The records of one of the operator's topics; one without a key, or whose value cannot be read or breaks the rules
     * of its record, is unreadable, so it goes to the dead-letter topic.
     *
     * @param key what the key must be, for the dead letter's reason
     */
    private static <V> KStream<String, V> operatorStream(StreamsBuilder builder, Topic<String, V> topic, String name,
                                                         String key, UnaryOperator<Deserializer<V>> checked) {
        Serde<String> keys = Serdes.serdeFrom(topic.keySerde().serializer(),
                OperatorRecords.requiredKeys(topic.keySerde().deserializer(), key));
        Serde<V> values = Serdes.serdeFrom(topic.valueSerde().serializer(), checked.apply(topic.valueSerde().deserializer()));
        return builder.stream(topic.name(), Consumed.with(keys, values).withName(name));
    }

    private record AckRouterSupplier() implements ProcessorSupplier<String, NotifierInput, String, NotifierInput> {
        @Override
        public Processor<String, NotifierInput, String, NotifierInput> get() {
            return new AckRouter();
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALERT_SERVICES_STORE),
                    Serdes.String(), Serdes.String()));
        }
    }

    private record LifecycleSupplier(NotifierConfig config, Serde<Alert> alertSerde, Serde<Acknowledgement> ackSerde,
                                     Serde<Silence> silenceSerde) implements ProcessorSupplier<String, NotifierInput, String, LifecycleOutput> {
        @Override
        public Processor<String, NotifierInput, String, LifecycleOutput> get() {
            return new AlertLifecycleProcessor(config);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            StoreBuilder<KeyValueStore<String, AlertRecord>> lifecycle = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(LIFECYCLE_STORE), Serdes.String(), AlertRecord.serde(alertSerde, ackSerde));
            StoreBuilder<KeyValueStore<String, String>> byService = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(BY_SERVICE_STORE), Serdes.String(), Serdes.String());
            StoreBuilder<KeyValueStore<Bytes, String>> due = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(DUE_STORE), Serdes.Bytes(), Serdes.String());
            StoreBuilder<KeyValueStore<String, Long>> dueAt = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(DUE_AT_STORE), Serdes.String(), Serdes.Long());
            StoreBuilder<KeyValueStore<String, Silence>> silences = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(SILENCES_STORE), Serdes.String(), silenceSerde);
            return Set.of(lifecycle, byService, due, dueAt, silences);
        }
    }
}

package dev.certsonar.notifier;

import dev.certsonar.schemas.Topic;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.ServiceStatus;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.Objects;
import java.util.Set;

/**
 * The alert lifecycle: {@code service-status} in, {@code alerts} out (both keyed by service). One FIRING event per
 * (service, certificate, condition, level), reminders while it fires, one RESOLVED event when it ends. Run it with
 * {@code processing.guarantee=exactly_once_v2} so that a restart neither loses nor repeats an event.
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

    private AlertTopology() {
    }

    /**
     * Adds the alert lifecycle to {@code builder}. Processing time is the status's {@code updatedAt} (a tombstone's
     * record timestamp) and the wall-clock punctuation's timestamp; no clock is consulted inside the topology, so
     * reprocessing an input gives the same events.
     */
    public static StreamsBuilder build(StreamsBuilder builder, Topics topics, NotifierConfig config) {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(config, "config");
        Topic<String, ServiceStatus> in = topics.serviceStatus();
        Topic<String, Alert> out = topics.alerts();
        builder.stream(in.name(), Consumed.with(in.keySerde(), in.valueSerde()).withName("service-status-in"))
                .process(new LifecycleSupplier(config, out.valueSerde()), Named.as("alert-lifecycle"))
                .to(out.name(), Produced.with(out.keySerde(), out.valueSerde()).withName("alerts-out"));
        return builder;
    }

    private record LifecycleSupplier(NotifierConfig config, Serde<Alert> alertSerde) implements ProcessorSupplier<String, ServiceStatus, String, Alert> {
        @Override
        public Processor<String, ServiceStatus, String, Alert> get() {
            return new AlertLifecycleProcessor(config);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            StoreBuilder<KeyValueStore<String, AlertRecord>> lifecycle = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(LIFECYCLE_STORE), Serdes.String(), AlertRecord.serde(alertSerde));
            StoreBuilder<KeyValueStore<String, String>> byService = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(BY_SERVICE_STORE), Serdes.String(), Serdes.String());
            StoreBuilder<KeyValueStore<Bytes, String>> due = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(DUE_STORE), Serdes.Bytes(), Serdes.String());
            StoreBuilder<KeyValueStore<String, Long>> dueAt = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(DUE_AT_STORE), Serdes.String(), Serdes.Long());
            return Set.of(lifecycle, byService, due, dueAt);
        }
    }
}

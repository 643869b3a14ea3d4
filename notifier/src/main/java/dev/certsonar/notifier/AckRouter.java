package dev.certsonar.notifier;

import dev.certsonar.notifier.NotifierInput.AckChange;
import dev.certsonar.notifier.NotifierInput.AlertKnown;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sends each acknowledgement (keyed by alertId) on to the task of the alert lifecycle that holds the alert (keyed by
 * service). Which service an alert belongs to it learns from {@code alert-states}, which the lifecycle publishes and
 * which is keyed by alertId like the acknowledgements, so partition {@code n} of both holds the same alerts. An
 * acknowledgement of an alert it does not know goes on keyed by its alertId: no task holds that alert, and the one it
 * reaches withdraws it.
 */
final class AckRouter implements Processor<String, NotifierInput, String, NotifierInput> {

    private ProcessorContext<String, NotifierInput> context;
    /** AlertId → service, of every alert on {@code alert-states}. */
    private KeyValueStore<String, String> services;

    @Override
    public void init(ProcessorContext<String, NotifierInput> context) {
        this.context = context;
        services = context.getStateStore(AlertTopology.ALERT_SERVICES_STORE);
    }

    @Override
    public void process(Record<String, NotifierInput> record) {
        switch (record.value()) {
            case AlertKnown known when known.state() == null -> services.delete(known.alertId());
            case AlertKnown known -> services.put(known.alertId(), known.state().getService());
            case AckChange change -> {
                String service = services.get(change.alertId());
                context.forward(record.withKey(service == null ? change.alertId() : service));
            }
            case null, default -> {
            }
        }
    }
}

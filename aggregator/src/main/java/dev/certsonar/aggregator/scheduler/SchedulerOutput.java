package dev.certsonar.aggregator.scheduler;

import dev.certsonar.aggregator.state.ServiceInput;
import dev.certsonar.schemas.avro.ScanRequest;

/** What the scheduler emits: a scan request (keyed by host) or a target event for the service state (keyed by service). */
public record SchedulerOutput(ScanRequest scan, ServiceInput event) {

    public static SchedulerOutput scan(ScanRequest request) {
        return new SchedulerOutput(request, null);
    }

    public static SchedulerOutput event(ServiceInput event) {
        return new SchedulerOutput(null, event);
    }
}

package dev.certsonar.aggregator.scheduler;

import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.aggregator.StoreNames;
import dev.certsonar.aggregator.state.ServiceInput;
import dev.certsonar.aggregator.state.StateKeys;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The scan scheduler, keyed by target id. A new or changed target is scanned at once, then every
 * interval (the target's override, else the policy's). Each target's scans come a fixed part of up to
 * {@code jitterFraction} of the interval early, derived from its id, so targets added together do not
 * scan in lock-step. A wall-clock punctuator walks an index ordered by due time, from the start up
 * to now, emitting at most {@code maxScansPerTick} requests per tick; it never reads the whole target store.
 * A tombstone cancels the target's scans. Target changes also go on, keyed by service, to the service state.
 */
public final class ScanScheduler implements Processor<String, Target, String, SchedulerOutput> {

    private static final Logger log = LoggerFactory.getLogger(ScanScheduler.class);

    private final AggregatorConfig config;
    private final Clock clock;

    private ProcessorContext<String, SchedulerOutput> context;
    private KeyValueStore<String, Target> targets;
    private KeyValueStore<String, Long> due;
    private KeyValueStore<Bytes, String> index;

    public ScanScheduler(AggregatorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, SchedulerOutput> context) {
        this.context = context;
        this.targets = context.getStateStore(StoreNames.SCHEDULER_TARGETS);
        this.due = context.getStateStore(StoreNames.SCHEDULER_DUE);
        this.index = context.getStateStore(StoreNames.SCHEDULER_INDEX);
        context.schedule(config.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, ignored -> scanDue());
    }

    @Override
    public void process(Record<String, Target> record) {
        String id = record.key();
        if (id == null) {
            return;
        }
        Instant now = now();
        Target previous = targets.get(id);
        if (record.value() == null) {
            if (previous != null) {
                targets.delete(id);
                unschedule(id);
                forwardEvent(previous.getService(), new ServiceInput.TargetRemoved(id), now);
                log.info("Target {} removed; its scans are cancelled", id);
            }
            return;
        }
        Target target = withId(record.value(), id);
        if (target.equals(previous)) {
            return;
        }
        targets.put(id, target);
        if (previous != null && !previous.getService().equals(target.getService())) {
            forwardEvent(previous.getService(), new ServiceInput.TargetRemoved(id), now);
        }
        forwardEvent(target.getService(), new ServiceInput.TargetUpserted(id, target), now);
        Instant next = now.plus(interval(target)).minus(jitter(id, target));
        requestScan(target, now, next);
        reschedule(id, next);
    }

    /** Emits a scan request for every target whose scan is due, oldest first, at most maxScansPerTick. */
    private void scanDue() {
        Instant now = now();
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<Bytes, String> it = index.range(Bytes.wrap(StateKeys.timeLowerBound()),
                Bytes.wrap(StateKeys.timeUpperBound(now)))) {
            while (it.hasNext() && ids.size() < config.maxScansPerTick()) {
                ids.add(it.next().value);
            }
        }
        for (String id : ids) {
            Target target = targets.get(id);
            Long dueAt = due.get(id);
            if (target == null || dueAt == null) {
                unschedule(id);
                continue;
            }
            Duration interval = interval(target);
            Instant next = Instant.ofEpochMilli(dueAt).plus(interval);
            if (!next.isAfter(now)) {
                next = now.plus(interval).minus(jitter(id, target));
            }
            requestScan(target, now, next);
            reschedule(id, next);
        }
    }

    private void requestScan(Target target, Instant now, Instant next) {
        ScanRequest request = ScanRequest.newBuilder()
                .setScanId(target.getId() + "@" + now.toEpochMilli())
                .setTarget(target)
                .setRequestedAt(now)
                .setNotAfterDeadline(next)
                .build();
        context.forward(new Record<>(target.getHost(), SchedulerOutput.scan(request), now.toEpochMilli()));
    }

    private void reschedule(String id, Instant next) {
        unschedule(id);
        index.put(Bytes.wrap(StateKeys.timeKey(next, id)), id);
        due.put(id, next.toEpochMilli());
    }

    private void unschedule(String id) {
        Long current = due.get(id);
        if (current != null) {
            index.delete(Bytes.wrap(StateKeys.timeKey(Instant.ofEpochMilli(current), id)));
            due.delete(id);
        }
    }

    private void forwardEvent(String service, ServiceInput event, Instant now) {
        context.forward(new Record<>(service, SchedulerOutput.event(event), now.toEpochMilli()));
    }

    private Duration interval(Target target) {
        return target.getIntervalMillis() != null && target.getIntervalMillis() > 0
                ? Duration.ofMillis(target.getIntervalMillis())
                : config.policy().interval();
    }

    /** How early this target's scans come: a fixed fraction of up to jitterFraction of its interval, from its id. */
    Duration jitter(String id, Target target) {
        return jitter(id, interval(target), config.jitterFraction());
    }

    static Duration jitter(String id, Duration interval, double jitterFraction) {
        double unit = (Utils.murmur2(id.getBytes(StandardCharsets.UTF_8)) & 0x7fffffff) / (double) (1L << 31);
        return Duration.ofMillis((long) (unit * jitterFraction * interval.toMillis()));
    }

    private static Target withId(Target target, String id) {
        if (Objects.equals(target.getId(), id)) {
            return target;
        }
        return Target.newBuilder(target).setId(id).build();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}

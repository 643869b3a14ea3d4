package dev.certsonar.aggregator.scheduler;

import dev.certsonar.aggregator.AggregatorConfig;
import dev.certsonar.aggregator.StoreNames;
import dev.certsonar.aggregator.state.ServiceInput;
import dev.certsonar.schemas.avro.ScanRequest;
import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.net.Cidr;
import dev.certsonar.schemas.store.DueIndex;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The scan scheduler, keyed by target id. A new or changed target is scanned at once, then every
 * interval (the target's override, else the policy's). Each target's scans come a fixed part of up to
 * {@code jitterFraction} of the interval early, derived from its id, so targets added together do not
 * scan in lock-step. A wall-clock punctuator walks a {@link DueIndex}, from the start up to now, emitting at most
 * {@code maxScansPerTick} requests per tick; it never reads the whole target store. A tombstone cancels the target's
 * scans. Target changes also go on, keyed by service, to the service state. Time is the target record's timestamp and
 * the punctuation's, so the same input gives the same requests.
 */
public final class ScanScheduler implements Processor<String, Target, String, SchedulerOutput> {

    private static final Logger log = LoggerFactory.getLogger(ScanScheduler.class);
    /** A range of more blocks than this goes to the scanner whole, which refuses it unless large ranges are allowed. */
    private static final BigInteger MAX_BLOCKS = BigInteger.valueOf(65536);

    private final AggregatorConfig config;

    private ProcessorContext<String, SchedulerOutput> context;
    private KeyValueStore<String, Target> targets;
    /** Target id → when its next scan is due. */
    private DueIndex due;
    private KeyValueStore<String, Long> expansions;

    public ScanScheduler(AggregatorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public void init(ProcessorContext<String, SchedulerOutput> context) {
        this.context = context;
        context.schedule(config.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, at -> scanDue(Instant.ofEpochMilli(at)));
        targets = context.getStateStore(StoreNames.SCHEDULER_TARGETS);
        expansions = context.getStateStore(StoreNames.SCHEDULER_EXPANSIONS);
        due = new DueIndex(context.getStateStore(StoreNames.SCHEDULER_INDEX), context.getStateStore(StoreNames.SCHEDULER_DUE));
    }

    @Override
    public void process(Record<String, Target> record) {
        String id = record.key();
        if (id == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(record.timestamp());
        Target previous = targets.get(id);
        if (record.value() == null) {
            if (previous != null) {
                targets.delete(id);
                due.cancel(id);
                expansions.delete(id);
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
        due.schedule(id, next);
        if (expansions.get(id) != null) {
            continueExpansion(id, target, now, config.maxScansPerTick());
        }
    }

    /**
     * Emits at most maxScansPerTick scan requests: first the next blocks of ranges being expanded, then a request
     * for every target whose scan is due, oldest first.
     */
    private void scanDue(Instant now) {
        int budget = config.maxScansPerTick();
        List<String> expanding = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = expansions.all()) {
            while (it.hasNext()) {
                expanding.add(it.next().key);
            }
        }
        for (String id : expanding) {
            if (budget <= 0) {
                return;
            }
            Target target = targets.get(id);
            if (target == null) {
                expansions.delete(id);
                continue;
            }
            budget -= continueExpansion(id, target, now, budget);
        }
        for (String id : due.due(now, budget)) {
            Target target = targets.get(id);
            Optional<Instant> dueAt = due.dueAt(id);
            if (target == null || dueAt.isEmpty()) {
                due.cancel(id);
                continue;
            }
            Duration interval = interval(target);
            Instant next = dueAt.get().plus(interval);
            if (!next.isAfter(now)) {
                next = now.plus(interval).minus(jitter(id, target));
            }
            requestScan(target, now, next);
            due.schedule(id, next);
            if (expansions.get(id) != null) {
                budget -= continueExpansion(id, target, now, Math.max(0, budget));
            } else {
                budget--;
            }
        }
    }

    /**
     * Asks for a scan of the target: one request, or for a range of more than rangeBlockSize addresses (up to
     * 65536), the start of an expansion into blocks that later ticks continue.
     */
    private void requestScan(Target target, Instant now, Instant next) {
        Optional<Cidr> range = Cidr.ofHost(target.getHost());
        if (range.isPresent()) {
            Cidr r = range.get();
            int blockPrefix = r.blockPrefix(config.rangeBlockSize());
            BigInteger blocks = r.blocks(blockPrefix);
            if (blocks.compareTo(BigInteger.ONE) > 0 && blocks.compareTo(MAX_BLOCKS) <= 0) {
                expansions.put(target.getId(), 0L);
                return;
            }
        }
        emit(target, target.getHost(), target.getId() + "@" + now.toEpochMilli(), now, next);
    }

    /** Emits up to {@code budget} further blocks of the target's range; returns how many it emitted. */
    private int continueExpansion(String id, Target target, Instant now, int budget) {
        Optional<Cidr> range = Cidr.ofHost(target.getHost());
        Long nextBlock = expansions.get(id);
        if (range.isEmpty() || nextBlock == null) {
            expansions.delete(id);
            return 0;
        }
        Cidr r = range.get();
        int blockPrefix = r.blockPrefix(config.rangeBlockSize());
        long blocks = r.blocks(blockPrefix).longValueExact();
        Instant deadline = due.dueAt(id).orElseGet(() -> now.plus(interval(target)));
        long block = nextBlock;
        int emitted = 0;
        while (block < blocks && emitted < budget) {
            String host = r.block(blockPrefix, block).toString();
            emit(Target.newBuilder(target).setHost(host).build(), host, id + "@" + now.toEpochMilli() + "#" + block, now, deadline);
            block++;
            emitted++;
        }
        if (block >= blocks) {
            expansions.delete(id);
            log.info("Range target {} ({} blocks) fully requested", id, blocks);
        } else {
            expansions.put(id, block);
        }
        return emitted;
    }

    private void emit(Target target, String key, String scanId, Instant now, Instant next) {
        ScanRequest request = ScanRequest.newBuilder()
                .setScanId(scanId)
                .setTarget(target)
                .setRequestedAt(now)
                .setNotAfterDeadline(next)
                .build();
        context.forward(new Record<>(key, SchedulerOutput.scan(request), now.toEpochMilli()));
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
}

package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Delivers to one channel the alerts its routes select, without ever making the reader wait. Alerts dispatched
 * between two flushes that share a certificate, condition, level and state go out as one notification (one wildcard
 * certificate failing on many services is one message). Notifications wait in the channel's own queue for one of its
 * {@value #SENDERS} senders (virtual threads). A failed send is tried again with exponential backoff while the error
 * is retryable and the {@link RetryPolicy} allows: the retry is scheduled and the sender goes on with the next
 * notification. What the channel does not take goes to {@link Undeliverable}; only once it is acknowledged there does
 * the alerts' completion complete.
 *
 * <p>Of many alike failures of a channel, one each ten seconds is logged at its level (warning for a retry, error for
 * an undeliverable notification) and the others at debug; the meters count every one.
 *
 * <p>Order is kept per alert: a notification carrying an alertId waits until the notifications before it with that
 * alertId are done, so a RESOLVED never overtakes its FIRING, whatever the retries.
 */
public final class ChannelDispatcher implements Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(ChannelDispatcher.class);
    /** Sends of one channel at once: a receiver that hangs until the timeout still lets the others through. */
    static final int SENDERS = 4;
    static final String NOTIFICATIONS = "certsonar.notifier.notifications";
    static final String RETRIES = "certsonar.notifier.notification.retries";

    private final Channel channel;
    private final Predicate<Alert> route;
    private final RetryPolicy retry;
    private final Undeliverable undeliverable;
    private final Counter delivered;
    private final Counter handedOver;
    private final Counter retries;
    private final Quieted failing = new Quieted(Level.WARN);
    private final Quieted recovered = new Quieted(Level.INFO);
    private final Quieted givingUp = new Quieted(Level.ERROR);
    /** Alerts dispatched since the last flush, by group key; the reader's thread only. */
    private final Map<String, Group> groups = new LinkedHashMap<>();
    /** For each alertId, the completion of the last notification that carries it. */
    private final Map<String, CompletableFuture<Void>> lastByAlert = new ConcurrentHashMap<>();
    private final Set<Job> outstanding = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final ExecutorService senders;
    private final ScheduledExecutorService timer;
    private volatile boolean closed;

    public ChannelDispatcher(Channel channel, Predicate<Alert> route, RetryPolicy retry, Undeliverable undeliverable) {
        this(channel, route, retry, undeliverable, new SimpleMeterRegistry());
    }

    /**
     * @param registry where the channel's meters go: {@value #NOTIFICATIONS}{@code {channel, result}} (delivered,
     *                 undeliverable) and {@value #RETRIES}{@code {channel}}
     */
    public ChannelDispatcher(Channel channel, Predicate<Alert> route, RetryPolicy retry, Undeliverable undeliverable,
                             MeterRegistry registry) {
        this.channel = channel;
        this.route = route;
        this.retry = retry;
        this.undeliverable = undeliverable;
        this.delivered = notifications(registry, channel.name(), "delivered", "notifications the channel took");
        this.handedOver = notifications(registry, channel.name(), "undeliverable",
                "notifications the channel did not take, handed to alerts-undeliverable");
        this.retries = Counter.builder(RETRIES).tag("channel", channel.name())
                .description("failed sends of a notification that are tried again later").register(registry);
        this.senders = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("certsonar-channel-" + channel.name() + "-", 1).factory());
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("certsonar-retry-" + channel.name()).factory());
        for (int i = 0; i < SENDERS; i++) {
            senders.execute(this::send);
        }
    }

    private static Counter notifications(MeterRegistry registry, String channel, String result, String description) {
        return Counter.builder(NOTIFICATIONS).tag("channel", channel).tag("result", result).description(description)
                .register(registry);
    }

    /** The key alerts are grouped on: certificate, condition, level and state (the service left out). */
    public static String groupKey(Alert a) {
        String certificate = a.getCertificate() == null ? "service:" + a.getService() : a.getCertificate().getSha256();
        return String.join("/", certificate, a.getCondition().name(), a.getLevel().name(), a.getState().name(),
                a.getReminder() ? "reminder" : "event");
    }

    @Override
    public CompletableFuture<Void> dispatch(Alert alert) {
        if (!route.test(alert)) {
            return DONE;
        }
        Group group = groups.computeIfAbsent(groupKey(alert), k -> new Group());
        group.alerts.add(alert);
        return group.done;
    }

    @Override
    public void flush() {
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            List<Alert> alerts = e.getValue().alerts;
            Notification n = alerts.size() == 1 ? Notification.of(alerts.getFirst()) : new Notification(e.getKey(), alerts);
            enqueue(new Job(n, e.getValue().done));
        }
        groups.clear();
    }

    /** Queues the notification once every notification before it that carries one of its alerts is done. */
    private void enqueue(Job job) {
        if (job.done.isDone()) {
            return;
        }
        outstanding.add(job);
        List<CompletableFuture<Void>> before = new ArrayList<>();
        for (Alert a : job.notification.alerts()) {
            CompletableFuture<Void> previous = lastByAlert.put(a.getAlertId(), job.done);
            if (previous != null && previous != job.done && !before.contains(previous)) {
                before.add(previous);
            }
        }
        job.done.whenComplete((v, e) -> {
            outstanding.remove(job);
            for (Alert a : job.notification.alerts()) {
                lastByAlert.remove(a.getAlertId(), job.done);
            }
        });
        if (before.isEmpty()) {
            queue.add(job);
        } else {
            CompletableFuture.allOf(before.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> queue.add(job));
        }
    }

    /** One sender: takes the next notification, tries it once, and schedules the next try if there is one. */
    private void send() {
        while (!closed) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (job.done.isDone()) {
                continue;
            }
            try {
                attempt(job);
            } catch (RuntimeException | Error e) {
                job.done.completeExceptionally(e);
            }
        }
    }

    private void attempt(Job job) {
        Notification n = job.notification;
        if (job.attempts++ == 0) {
            job.firstTry = System.nanoTime();
        }
        try {
            channel.send(n);
        } catch (DeliveryException e) {
            failed(job, e, e.retryable());
            return;
        } catch (RuntimeException e) {
            // a channel's own failure on this notification: another try would fail alike
            failed(job, e, false);
            return;
        }
        delivered.increment();
        if (job.attempts > 1) {
            log.atLevel(recovered.level()).addKeyValue("channel", channel.name()).addKeyValue("groupKey", n.groupKey())
                    .addKeyValue("attempt", job.attempts).addKeyValue("outstanding", outstanding.size())
                    .log("delivered after retrying");
        }
        job.done.complete(null);
    }

    private void failed(Job job, Exception error, boolean retryable) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - job.firstTry);
        if (!retryable) {
            giveUp(job, Undeliverable.Reason.REJECTED, error);
        } else if (!retry.triesAgain(job.attempts, elapsed)) {
            giveUp(job, job.attempts >= retry.attempts() ? Undeliverable.Reason.ATTEMPTS_SPENT
                    : Undeliverable.Reason.BUDGET_SPENT, error);
        } else {
            Duration wait = retry.backoff(job.attempts);
            retries.increment();
            log.atLevel(failing.level()).addKeyValue("channel", channel.name())
                    .addKeyValue("groupKey", job.notification.groupKey()).addKeyValue("attempt", job.attempts)
                    .addKeyValue("retryIn", wait).addKeyValue("outstanding", outstanding.size())
                    .log("delivery failed, trying again: {}", error.getMessage());
            if (!closed) {
                timer.schedule(() -> queue.add(job), wait.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    private void giveUp(Job job, Undeliverable.Reason reason, Exception error) {
        Notification n = job.notification;
        log.atLevel(givingUp.level()).addKeyValue("channel", channel.name()).addKeyValue("groupKey", n.groupKey())
                .addKeyValue("attempts", job.attempts).addKeyValue("reason", reason.label())
                .addKeyValue("alerts", n.alerts().size())
                .log("not delivered, handing over as undeliverable: {}", error.getMessage());
        try {
            for (Alert a : n.alerts()) {
                undeliverable.accept(a, channel.name(), job.attempts, reason, error);
            }
        } catch (RuntimeException e) {
            log.atError().addKeyValue("channel", channel.name()).addKeyValue("groupKey", n.groupKey())
                    .log("an undeliverable notification could not be handed over; it stays uncommitted: {}",
                            e.toString());
            job.done.completeExceptionally(e);
            return;
        }
        handedOver.increment();
        job.done.complete(null);
    }

    @Override
    public void abandon() {
        groups.values().forEach(g -> g.done.completeExceptionally(stopped()));
        groups.clear();
        queue.clear();
        for (Job job : List.copyOf(outstanding)) {
            job.done.completeExceptionally(stopped());
        }
        lastByAlert.clear();
    }

    private DeliveryStopped stopped() {
        return new DeliveryStopped("channel " + channel.name() + ": delivery stopped; what it had not delivered is "
                + "read again from the last commit");
    }

    @Override
    public void close() {
        closed = true;
        abandon();
        timer.shutdownNow();
        senders.shutdownNow();
        channel.close();
    }

    /**
     * The level of one of many alike log lines: its own for the first in each {@link #EVERY}, debug for the others,
     * so an outage of a channel with thousands of notifications in flight is a few lines, not thousands.
     */
    private static final class Quieted {
        static final Duration EVERY = Duration.ofSeconds(10);
        private final Level level;
        private final AtomicLong last = new AtomicLong(System.nanoTime() - EVERY.toNanos());

        Quieted(Level level) {
            this.level = level;
        }

        Level level() {
            long now = System.nanoTime();
            long before = last.get();
            return now - before >= EVERY.toNanos() && last.compareAndSet(before, now) ? level : Level.DEBUG;
        }
    }

    /** Alerts of one group key since the last flush, with their one completion. */
    private static final class Group {
        final List<Alert> alerts = new ArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
    }

    /** One notification on its way: its tries so far and its completion. */
    private static final class Job {
        final Notification notification;
        final CompletableFuture<Void> done;
        int attempts;
        long firstTry;

        Job(Notification notification, CompletableFuture<Void> done) {
            this.notification = notification;
            this.done = done;
        }
    }
}

package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Delivers to one channel the alerts its routes select. Alerts dispatched between two flushes that share a
 * certificate, condition, level and state go out as one notification (one wildcard certificate failing on many
 * services is one message). A failed send is tried again with exponential backoff while the error is retryable; what
 * is still not delivered after the last try goes to {@link Undeliverable}. {@link #flush} returns when every
 * dispatched alert was delivered or handed to {@link Undeliverable}, so the reader may commit its position; when the
 * delivery stops during a retry (the thread is interrupted) it throws {@link DeliveryStopped} and the reader keeps
 * its position, so those alerts are delivered after the restart.
 */
public final class ChannelDispatcher implements Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(ChannelDispatcher.class);

    private final Channel channel;
    private final Predicate<Alert> route;
    private final RetryPolicy retry;
    private final Undeliverable undeliverable;
    private final Map<String, List<Alert>> groups = new LinkedHashMap<>();
    private volatile boolean closing;

    public ChannelDispatcher(Channel channel, Predicate<Alert> route, RetryPolicy retry, Undeliverable undeliverable) {
        this.channel = channel;
        this.route = route;
        this.retry = retry;
        this.undeliverable = undeliverable;
    }

    /** The key alerts are grouped on: certificate, condition, level and state (the service left out). */
    public static String groupKey(Alert a) {
        String certificate = a.getCertificate() == null ? "service:" + a.getService() : a.getCertificate().getSha256();
        return String.join("/", certificate, a.getCondition().name(), a.getLevel().name(), a.getState().name(),
                a.getReminder() ? "reminder" : "event");
    }

    @Override
    public void dispatch(Alert alert) {
        if (route.test(alert)) {
            groups.computeIfAbsent(groupKey(alert), k -> new ArrayList<>()).add(alert);
        }
    }

    @Override
    public void flush() {
        List<Notification> notifications = new ArrayList<>();
        groups.forEach((key, alerts) -> notifications.add(alerts.size() == 1
                ? Notification.of(alerts.getFirst()) : new Notification(key, alerts)));
        groups.clear();
        for (Notification n : notifications) {
            deliver(n);
        }
    }

    private void deliver(Notification n) {
        for (int attempt = 1; ; attempt++) {
            try {
                channel.send(n);
                if (attempt > 1) {
                    log.atInfo().addKeyValue("channel", channel.name()).addKeyValue("groupKey", n.groupKey())
                            .addKeyValue("attempt", attempt).log("delivered after retrying");
                }
                return;
            } catch (DeliveryException | RuntimeException e) {
                boolean retryable = e instanceof DeliveryException de ? de.retryable() : false;
                if (!retryable || attempt >= retry.maxAttempts()) {
                    giveUp(n, attempt, e);
                    return;
                }
                Duration wait = retry.backoff(attempt);
                log.atWarn().addKeyValue("channel", channel.name()).addKeyValue("groupKey", n.groupKey())
                        .addKeyValue("attempt", attempt).addKeyValue("retryIn", wait)
                        .log("delivery failed, trying again: {}", e.getMessage());
                if (closing || !pause(wait)) {
                    throw new DeliveryStopped("channel " + channel.name() + ": stopped while retrying "
                            + n.groupKey() + "; it is delivered again after a restart");
                }
            }
        }
    }

    private void giveUp(Notification n, int attempts, Throwable error) {
        log.atError().addKeyValue("channel", channel.name()).addKeyValue("groupKey", n.groupKey())
                .addKeyValue("attempts", attempts).addKeyValue("alerts", n.alerts().size())
                .log("not delivered, handing over as undeliverable: {}", error.getMessage());
        for (Alert a : n.alerts()) {
            undeliverable.accept(a, channel.name(), attempts, error);
        }
    }

    private static boolean pause(Duration wait) {
        try {
            Thread.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        closing = true;
        channel.close();
    }
}

package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Sends each alert at once, as a notification of one, to every channel its route names; a channel that fails is
 * logged and does not stop the others.
 */
public final class DirectDispatcher implements Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(DirectDispatcher.class);

    private final Router router;
    private final Set<Channel> opened = new LinkedHashSet<>();

    public DirectDispatcher(Router router) {
        this.router = router;
    }

    @Override
    public void dispatch(Alert alert) {
        Notification notification = Notification.of(alert);
        for (Channel channel : router.channelsFor(alert)) {
            opened.add(channel);
            try {
                channel.send(notification);
            } catch (DeliveryException | RuntimeException e) {
                log.atError().setCause(e).addKeyValue("channel", channel.name())
                        .addKeyValue("alertId", alert.getAlertId()).addKeyValue("eventId", alert.getEventId())
                        .log("alert not delivered");
            }
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        for (Channel channel : opened) {
            try {
                channel.close();
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).addKeyValue("channel", channel.name()).log("closing a channel failed");
            }
        }
    }
}

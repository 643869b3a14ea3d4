package dev.certsonar.notifier.delivery;

/**
 * A place people read alerts: a log, a webhook, a chat room, a mailbox, a pager. {@link #send} either delivers the
 * whole notification or throws; the caller decides about retries, so a channel tries once.
 */
public interface Channel extends AutoCloseable {

    /** The channel's name, as routes refer to it. */
    String name();

    /**
     * Delivers one notification.
     *
     * @throws DeliveryException when it was not delivered; {@link DeliveryException#retryable()} says whether trying
     *                           again may help
     */
    void send(Notification notification) throws DeliveryException;

    @Override
    default void close() {
    }
}

package dev.certsonar.notifier.delivery;

/** A notification a channel did not deliver. */
public final class DeliveryException extends Exception {

    private final boolean retryable;

    public DeliveryException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public DeliveryException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    /** Whether a later try may succeed (a timeout, a 5xx, a refused connection), as opposed to a rejected request. */
    public boolean retryable() {
        return retryable;
    }
}

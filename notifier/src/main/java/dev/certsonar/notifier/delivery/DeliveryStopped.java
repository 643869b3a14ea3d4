package dev.certsonar.notifier.delivery;

/** Delivery was stopped while notifications were still in flight; their positions stay uncommitted. */
public final class DeliveryStopped extends RuntimeException {

    public DeliveryStopped(String message) {
        super(message);
    }
}

package dev.certsonar.scanner.probe;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * At most so many probes of one address at once, so that one load balancer behind many names is not hammered.
 * An address's slot disappears when no probe of it is left.
 */
final class PerAddressLimit {

    private static final class Slot {
        final Semaphore permits;
        int users;

        Slot(int permits) {
            this.permits = new Semaphore(permits);
        }
    }

    private final int permits;
    private final ConcurrentHashMap<InetAddress, Slot> slots = new ConcurrentHashMap<>();

    PerAddressLimit(int permits) {
        this.permits = permits;
    }

    void acquire(InetAddress address) throws InterruptedException {
        Slot slot = slots.compute(address, (a, s) -> {
            Slot x = s == null ? new Slot(permits) : s;
            x.users++;
            return x;
        });
        try {
            slot.permits.acquire();
        } catch (InterruptedException e) {
            leave(address);
            throw e;
        }
    }

    void release(InetAddress address) {
        Slot slot = slots.get(address);
        if (slot != null) {
            slot.permits.release();
        }
        leave(address);
    }

    private void leave(InetAddress address) {
        slots.computeIfPresent(address, (a, s) -> --s.users == 0 ? null : s);
    }

    /** Addresses with a probe in flight or waiting. */
    int addresses() {
        return slots.size();
    }
}

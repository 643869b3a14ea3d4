package dev.certsonar.scanner.net;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Politeness towards one address (one load balancer behind many names): at most so many probes of it at once, and at
 * least so much time between the starts of two of them. A probe waiting for its turn waits on its own (virtual)
 * thread; nothing is queued on the side. An address is forgotten once no probe of it is running or waiting and its
 * spacing has elapsed, so memory grows with the addresses in use, not with every address ever probed.
 */
public final class AddressGate {

    /** Acquisitions between two sweeps of forgotten addresses. */
    private static final int SWEEP_EVERY = 1024;

    private static final class Slot {
        final Semaphore permits;
        /** Probes of the address running or waiting; guarded by the map's compute. */
        int users;
        /** The earliest start (in {@link System#nanoTime()} terms) of the next probe; guarded by the slot. */
        long nextStart;

        Slot(int permits, long now) {
            this.permits = new Semaphore(permits, true);
            this.nextStart = now;
        }
    }

    private final int permits;
    private final long spacingNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<InetAddress, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicLong acquisitions = new AtomicLong();

    public AddressGate(int permits, Duration spacing) {
        this(permits, spacing, System::nanoTime);
    }

    AddressGate(int permits, Duration spacing, LongSupplier nanoTime) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits per address must be at least 1, was " + permits);
        }
        if (spacing.isNegative()) {
            throw new IllegalArgumentException("spacing must not be negative, was " + spacing);
        }
        this.permits = permits;
        this.spacingNanos = spacing.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Waits until a probe of the address may start: a permit is free and the spacing since the previous start has
     * elapsed. Every successful call must be followed by one {@link #release}.
     */
    public void acquire(InetAddress address) throws InterruptedException {
        if (acquisitions.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep();
        }
        Slot slot = slots.compute(address, (a, s) -> {
            Slot x = s == null ? new Slot(permits, nanoTime.getAsLong()) : s;
            x.users++;
            return x;
        });
        boolean permitted = false;
        try {
            slot.permits.acquire();
            permitted = true;
            if (spacingNanos > 0) {
                long start;
                synchronized (slot) {
                    start = Math.max(nanoTime.getAsLong(), slot.nextStart);
                    slot.nextStart = start + spacingNanos;
                }
                long wait = start - nanoTime.getAsLong();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        } catch (InterruptedException e) {
            if (permitted) {
                slot.permits.release();
            }
            leave(address);
            throw e;
        }
    }

    /**
     * For a further connection of a probe that holds a permit of the address: waits until the address's spacing lets
     * a new connection start, when that is at most {@code atMost} away, and takes that start; false, without waiting
     * or taking it, when it is further away.
     */
    public boolean nextStart(InetAddress address, Duration atMost) throws InterruptedException {
        Slot slot = slots.get(address);
        if (slot == null || spacingNanos == 0) {
            return true;
        }
        long start;
        synchronized (slot) {
            start = Math.max(nanoTime.getAsLong(), slot.nextStart);
            if (start - nanoTime.getAsLong() > atMost.toNanos()) {
                return false;
            }
            slot.nextStart = start + spacingNanos;
        }
        long wait = start - nanoTime.getAsLong();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        return true;
    }

    public void release(InetAddress address) {
        Slot slot = slots.get(address);
        if (slot != null) {
            slot.permits.release();
        }
        leave(address);
    }

    private void leave(InetAddress address) {
        slots.computeIfPresent(address, (a, s) -> --s.users == 0 && spacingElapsed(s) ? null : s);
    }

    private boolean spacingElapsed(Slot s) {
        synchronized (s) {
            return s.nextStart - nanoTime.getAsLong() <= 0;
        }
    }

    /** Forgets addresses without probes whose spacing has elapsed. */
    void sweep() {
        for (InetAddress address : slots.keySet()) {
            slots.computeIfPresent(address, (a, s) -> s.users == 0 && spacingElapsed(s) ? null : s);
        }
    }

    /** Addresses remembered: with a probe running or waiting, or whose spacing has not elapsed yet. */
    int addresses() {
        return slots.size();
    }
}

package dev.certsonar.scanner.probe;

import java.time.Duration;

/**
 * The end of one probe, on the monotonic clock: every phase (DNS, connect, STARTTLS, handshake) gets at most its own
 * timeout and never more than what is left of the whole.
 */
public record Deadline(long endNanos) {

    public static Deadline in(Duration total) {
        return new Deadline(System.nanoTime() + total.toNanos());
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    public boolean passed() {
        return System.nanoTime() - endNanos >= 0;
    }

    /** Milliseconds a blocking call of the given phase may wait: at least 1, at most the phase's cap and what is left. */
    public int millisFor(Phase phase, Duration phaseCap) throws ProbeException {
        long left = remaining().toMillis();
        if (left <= 0) {
            throw new ProbeException.Timeout(phase, "the probe's deadline passed before " + phase.text());
        }
        return (int) Math.max(1, Math.min(Math.min(left, phaseCap.toMillis()), Integer.MAX_VALUE));
    }
}

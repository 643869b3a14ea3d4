package dev.certsonar.cli.run;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM or Ctrl-C as something a command waits for. The JVM's shutdown hook releases {@link #await} and then holds
 * the JVM up (at most {@code closeBound}) until the command has closed its components and called {@link #close()}.
 */
public final class StopSignal implements AutoCloseable {

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean signalled;

    public StopSignal(Duration closeBound) {
        hook = new Thread(() -> {
            signalled = true;
            stop.countDown();
            try {
                closed.await(closeBound.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "certsonar-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Waits until a stop signal arrives or the timeout passes; true when a signal arrived. */
    public boolean await(Duration timeout) throws InterruptedException {
        return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Releases {@link #await} without a signal. */
    public void stop() {
        stop.countDown();
    }

    /** True when the JVM is shutting down on a signal. */
    public boolean signalled() {
        return signalled;
    }

    /** The components are closed: lets a shutting-down JVM exit, or removes the hook when none is running. */
    @Override
    public void close() {
        closed.countDown();
        if (!signalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; the hook returns at once because closed is counted down
            }
        }
    }
}

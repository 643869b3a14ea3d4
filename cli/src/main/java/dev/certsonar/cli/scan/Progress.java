package dev.certsonar.cli.scan;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Progress of a long scan on stderr, at most once per period: targets done and endpoints probed. */
public final class Progress {

    private final PrintWriter err;
    private final int targets;
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private final AtomicLong endpoints = new AtomicLong();
    private final ScheduledExecutorService timer;
    private final long startNanos = System.nanoTime();

    private Progress(PrintWriter err, int targets, Duration period) {
        this.err = err;
        this.targets = targets;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("scan-progress").factory());
        timer.scheduleAtFixedRate(this::report, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static Progress start(PrintWriter err, int targets, Duration period) {
        return new Progress(err, targets, period);
    }

    public void observed(String targetId) {
        done.add(targetId);
        endpoints.incrementAndGet();
    }

    private void report() {
        long seconds = Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
        synchronized (err) {
            err.printf("scan: %d of %d targets done, %d endpoints probed, %ds%n", Math.min(done.size(), targets), targets,
                    endpoints.get(), seconds);
            err.flush();
        }
    }

    public void stop() {
        timer.shutdownNow();
        report();
    }
}

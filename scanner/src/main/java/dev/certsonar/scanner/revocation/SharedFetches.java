package dev.certsonar.scanner.revocation;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Fetched revocation data, shared: one fetch per key at a time (a probe that needs a key being fetched waits for that
 * fetch instead of making its own), its result kept until the time it names, and at most {@code maxEntries} results
 * and {@code maxBytes} estimated bytes kept (least recently used go first). Failures are results too, kept for a
 * shorter time, so a server that does not answer is not asked again by every probe. At most {@code maxFetches} fetches
 * run at once; they run on their own threads, so a probe that stops waiting (its deadline) leaves the fetch to finish
 * for the next probe.
 */
final class SharedFetches<K, V> {

    /** A fetch's result, kept until {@code keepUntil} (not kept when that is not after now), of about {@code bytes}. */
    record Loaded<V>(V value, Instant keepUntil, long bytes) {
    }

    private record Kept<V>(V value, Instant keepUntil, long bytes) {
    }

    private final Clock clock;
    private final int maxEntries;
    private final long maxBytes;
    private final Semaphore fetching;
    private final ExecutorService threads;
    private final Map<K, CompletableFuture<V>> pending = new ConcurrentHashMap<>();
    private final LinkedHashMap<K, Kept<V>> kept = new LinkedHashMap<>(64, 0.75f, true);
    private long keptBytes;
    private final AtomicLong fetches = new AtomicLong();

    SharedFetches(Clock clock, int maxEntries, long maxBytes, int maxFetches, ExecutorService threads) {
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.fetching = new Semaphore(maxFetches);
        this.threads = threads;
    }

    /** The kept result of the key when it is still good, else the result of the fetch running or started now. */
    CompletableFuture<V> get(K key, Supplier<Loaded<V>> fetch) {
        Instant now = clock.instant();
        synchronized (kept) {
            Kept<V> k = kept.get(key);
            if (k != null) {
                if (now.isBefore(k.keepUntil())) {
                    return CompletableFuture.completedFuture(k.value());
                }
                remove(key);
            }
        }
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> running = pending.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        threads.submit(() -> {
            try {
                synchronized (kept) {
                    Kept<V> k = kept.get(key);
                    if (k != null && clock.instant().isBefore(k.keepUntil())) {
                        // fetched by another between the look at the kept results and at the running fetches
                        mine.complete(k.value());
                        return;
                    }
                }
                fetching.acquire();
                Loaded<V> loaded;
                try {
                    fetches.incrementAndGet();
                    loaded = fetch.get();
                } finally {
                    fetching.release();
                }
                keep(key, loaded);
                mine.complete(loaded.value());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                mine.completeExceptionally(e);
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
            } finally {
                pending.remove(key, mine);
            }
        });
        return mine;
    }

    private void keep(K key, Loaded<V> loaded) {
        if (!clock.instant().isBefore(loaded.keepUntil()) || loaded.bytes() > maxBytes) {
            return;
        }
        synchronized (kept) {
            remove(key);
            kept.put(key, new Kept<>(loaded.value(), loaded.keepUntil(), loaded.bytes()));
            keptBytes += loaded.bytes();
            Iterator<Map.Entry<K, Kept<V>>> eldest = kept.entrySet().iterator();
            while ((kept.size() > maxEntries || keptBytes > maxBytes) && eldest.hasNext()) {
                keptBytes -= eldest.next().getValue().bytes();
                eldest.remove();
            }
        }
    }

    private void remove(K key) {
        Kept<V> old = kept.remove(key);
        if (old != null) {
            keptBytes -= old.bytes();
        }
    }

    /** Fetches made so far. */
    long fetches() {
        return fetches.get();
    }

    int size() {
        synchronized (kept) {
            return kept.size();
        }
    }

    long bytes() {
        synchronized (kept) {
            return keptBytes;
        }
    }
}

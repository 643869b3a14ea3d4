package dev.certsonar.scanner.judge;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Judges chains once per interval: many endpoints serve one certificate (one load balancer, one wildcard), so the
 * instant-independent {@link ChainJudge.Analysis} (path building and signature verification, the name, key and lifetime
 * checks) of a chain is kept for a while and reused; what depends on the instant (expired, not yet valid) and on the
 * negotiated protocol is judged on every observation. The key is the sequence of the served certificates' SHA-256
 * fingerprints and the reference name; the anchors are those of the judge, fixed for its life. At most {@code maxEntries}
 * analyses are kept, each for at most {@code ttl}; when the cache is full a new analysis is kept only in the place of the
 * least recently used one once that has expired.
 */
public final class JudgementCache {

    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    /** The served certificates' SHA-256 fingerprints, in order, and the reference name. */
    private record Key(List<Bytes> chain, String reference) {
    }

    private record Kept(ChainJudge.Analysis analysis, Instant expires) {
    }

    private final ChainJudge judge;
    private final int maxEntries;
    private final Duration ttl;
    private final Clock clock;
    private final Map<Key, Kept> entries;
    private final Map<Key, CompletableFuture<ChainJudge.Analysis>> pending = new ConcurrentHashMap<>();
    private final AtomicLong analyses = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();

    public JudgementCache(ChainJudge judge, int maxEntries, Duration ttl, Clock clock) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must not be negative, was " + maxEntries);
        }
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
        }
        this.judge = judge;
        this.maxEntries = maxEntries;
        this.ttl = ttl;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Kept> eldest) {
                return size() > JudgementCache.this.maxEntries;
            }
        };
    }

    public JudgementCache(ChainJudge judge, Clock clock) {
        this(judge, DEFAULT_MAX_ENTRIES, DEFAULT_TTL, clock);
    }

    /** Like {@link ChainJudge#judge(List, String, String, Instant)}, reusing the analysis of an identical chain. */
    public ChainJudge.Judgement judge(List<X509Certificate> served, String reference, String tlsVersion, Instant now) {
        Key key = new Key(fingerprints(served), reference);
        Instant at = clock.instant();
        Kept entry;
        synchronized (entries) {
            entry = entries.get(key);
            if (entry != null && !at.isBefore(entry.expires())) {
                entries.remove(key);
                entry = null;
            }
        }
        ChainJudge.Analysis analysis;
        if (entry != null) {
            hits.incrementAndGet();
            analysis = entry.analysis();
        } else {
            analysis = analyseOnce(key, served, reference, at);
        }
        return judge.judge(analysis, tlsVersion, now);
    }

    /**
     * Analyses a chain not kept, once: a probe that needs a chain another probe is analysing waits for that analysis
     * (bounded work, see {@link ChainJudge}) rather than doing it again.
     */
    private ChainJudge.Analysis analyseOnce(Key key, List<X509Certificate> served, String reference, Instant at) {
        CompletableFuture<ChainJudge.Analysis> mine = new CompletableFuture<>();
        CompletableFuture<ChainJudge.Analysis> running = pending.putIfAbsent(key, mine);
        if (running != null) {
            hits.incrementAndGet();
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            Kept done;
            synchronized (entries) {
                done = entries.get(key);
            }
            if (done != null) {
                // another probe analysed it between our look at the kept analyses and at the running ones
                hits.incrementAndGet();
                mine.complete(done.analysis());
                return done.analysis();
            }
            ChainJudge.Analysis analysis = judge.analyse(served, reference);
            analyses.incrementAndGet();
            if (maxEntries > 0 && !ttl.isZero()) {
                synchronized (entries) {
                    if (entries.size() < maxEntries || removeEldestExpired(at)) {
                        entries.put(key, new Kept(analysis, at.plus(ttl)));
                    }
                }
            }
            mine.complete(analysis);
            return analysis;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            pending.remove(key, mine);
        }
    }

    /**
     * Makes room when the least recently used analysis has expired. A full cache keeps what it holds otherwise: the
     * scanner probes a fleet in a cycle, and a fleet with more distinct chains than the cache holds would, were the least
     * recently used analysis dropped for each new one, never find an analysis it kept; this way the analyses kept are
     * found every cycle, and they make room as they expire (an analysis no longer asked for drifts to the least
     * recently used end).
     */
    private boolean removeEldestExpired(Instant at) {
        var eldest = entries.entrySet().iterator();
        if (eldest.hasNext() && !at.isBefore(eldest.next().getValue().expires())) {
            eldest.remove();
            return true;
        }
        return false;
    }

    /** Chains analysed (path building and signature verification done) so far. */
    public long analyses() {
        return analyses.get();
    }

    /** Judgements that reused a kept analysis (or one another probe was making). */
    public long hits() {
        return hits.get();
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private static List<Bytes> fingerprints(List<X509Certificate> served) {
        List<Bytes> out = new ArrayList<>(served.size());
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (X509Certificate c : served) {
                out.add(new Bytes(sha256.digest(c.getEncoded())));
            }
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a served certificate", e);
        }
        return out;
    }
}

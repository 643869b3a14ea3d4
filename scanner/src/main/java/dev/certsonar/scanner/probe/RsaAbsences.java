package dev.certsonar.scanner.probe;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The endpoints whose second handshake (offering only RSA signature algorithms) found no RSA certificate beside the
 * ECDSA one, so that it is not made again on every probe: an endpoint is asked again once {@link #RECHECK} has passed,
 * or at once when it serves another ECDSA leaf (the key holds the leaf's SHA-256, so a renewed or redeployed
 * certificate is a new key). An endpoint that does serve an RSA certificate is never remembered here: its second
 * chain is judged on every probe. At most {@link #MAX_ENTRIES}, least recently used out. Thread-safe.
 */
final class RsaAbsences {

    /** How long an endpoint found without an RSA certificate is not asked again (while it serves the same ECDSA leaf). */
    static final Duration RECHECK = Duration.ofHours(6);
    static final int MAX_ENTRIES = 200_000;

    private record Key(InetAddress address, int port, String serverName, String leafSha256) {
    }

    private final Clock clock;
    private final Duration recheck;
    private final Map<Key, Instant> askAgainAt;

    RsaAbsences(Clock clock) {
        this(clock, RECHECK, MAX_ENTRIES);
    }

    RsaAbsences(Clock clock, Duration recheck, int maxEntries) {
        this.clock = clock;
        this.recheck = recheck;
        this.askAgainAt = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Instant> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** Whether this endpoint, serving this ECDSA leaf, was found without an RSA certificate less than the recheck interval ago. */
    boolean known(InetAddress address, int port, String serverName, String leafSha256) {
        Key key = new Key(address, port, serverName, leafSha256);
        synchronized (askAgainAt) {
            Instant at = askAgainAt.get(key);
            if (at == null) {
                return false;
            }
            if (clock.instant().isBefore(at)) {
                return true;
            }
            askAgainAt.remove(key);
            return false;
        }
    }

    /** This endpoint, serving this ECDSA leaf, refused a handshake offering only RSA, or served the same leaf again. */
    void remember(InetAddress address, int port, String serverName, String leafSha256) {
        synchronized (askAgainAt) {
            askAgainAt.put(new Key(address, port, serverName, leafSha256), clock.instant().plus(recheck));
        }
    }

    int size() {
        synchronized (askAgainAt) {
            return askAgainAt.size();
        }
    }
}

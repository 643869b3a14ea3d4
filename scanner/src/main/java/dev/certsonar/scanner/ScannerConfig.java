package dev.certsonar.scanner;

import dev.certsonar.scanner.tls.TlsLibrary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the probe engine works: how many probes run at once, how long one may take, which addresses it may
 * touch, which extra trust anchors it knows and which DNS servers it asks.
 *
 * @param concurrency           probes in flight at most
 * @param timeout               total deadline of one probe (DNS, connect, STARTTLS and handshake together)
 * @param perAddressConcurrency probes of one address in flight at most
 * @param caFiles               PEM files of extra trust anchors (added to the JDK's)
 * @param deny                  CIDR ranges never probed (outcome BLOCKED_BY_POLICY)
 * @param allow                 when not empty, only these CIDR ranges are probed
 * @param dnsServers            DNS servers as {@code host} or {@code host:port}; empty uses the system's
 * @param allowLargeRanges      whether a CIDR target may be larger than a /16 (65536 addresses)
 * @param maxHandshakeBytes     bytes a server may send before the handshake ends
 * @param perAddressSpacing     least time between the starts of two probes of one address (zero: none)
 * @param tlsLibrary            the TLS implementation of the client side of handshakes
 */
public record ScannerConfig(int concurrency, Duration timeout, int perAddressConcurrency, List<Path> caFiles,
                            List<String> deny, List<String> allow, List<String> dnsServers,
                            boolean allowLargeRanges, int maxHandshakeBytes, Duration perAddressSpacing,
                            TlsLibrary tlsLibrary) {

    /**
     * 20 ms between two probe starts of one address: at most 50 new handshakes a second reach one load balancer
     * (about 5% of one core at 1 ms of server CPU per full RSA handshake), and a scan of 1000 names behind it still
     * ends within 20 seconds.
     */
    public static final Duration DEFAULT_PER_ADDRESS_SPACING = Duration.ofMillis(20);

    public static final List<String> DEFAULT_DENY = List.of("169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128");

    public static final ScannerConfig DEFAULT = new ScannerConfig(1024, Duration.ofSeconds(10), 4, List.of(),
            DEFAULT_DENY, List.of(), List.of(), false, 256 * 1024, DEFAULT_PER_ADDRESS_SPACING, TlsLibrary.BORINGSSL);

    public ScannerConfig {
        if (concurrency < 1) {
            throw new IllegalArgumentException("scanner.concurrency must be at least 1, was " + concurrency);
        }
        Objects.requireNonNull(timeout, "scanner.timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("scanner.timeout must be positive, was " + timeout);
        }
        if (perAddressConcurrency < 1) {
            throw new IllegalArgumentException("scanner.perAddressConcurrency must be at least 1, was " + perAddressConcurrency);
        }
        if (maxHandshakeBytes < 16 * 1024) {
            throw new IllegalArgumentException("scanner.maxHandshakeBytes must be at least 16384, was " + maxHandshakeBytes);
        }
        Objects.requireNonNull(perAddressSpacing, "scanner.perAddressSpacing");
        if (perAddressSpacing.isNegative()) {
            throw new IllegalArgumentException("scanner.perAddressSpacing must not be negative, was " + perAddressSpacing);
        }
        Objects.requireNonNull(tlsLibrary, "scanner.tlsLibrary");
        caFiles = List.copyOf(caFiles);
        deny = List.copyOf(deny);
        allow = List.copyOf(allow);
        dnsServers = List.copyOf(dnsServers);
    }

    /** The defaults with the scanner settings that the configuration file and the command line know. */
    public ScannerConfig(int concurrency, Duration timeout, int perAddressConcurrency, List<Path> caFiles,
                         List<String> deny, List<String> allow, List<String> dnsServers) {
        this(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, false, 256 * 1024,
                DEFAULT_PER_ADDRESS_SPACING, TlsLibrary.BORINGSSL);
    }

    public ScannerConfig withConcurrency(int value) {
        return new ScannerConfig(value, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary);
    }

    public ScannerConfig withTimeout(Duration value) {
        return new ScannerConfig(concurrency, value, perAddressConcurrency, caFiles, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary);
    }

    public ScannerConfig withPerAddressConcurrency(int value) {
        return new ScannerConfig(concurrency, timeout, value, caFiles, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary);
    }

    public ScannerConfig withCaFiles(List<Path> value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, value, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary);
    }

    public ScannerConfig withDeny(List<String> value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, value, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary);
    }

    public ScannerConfig withAllow(List<String> value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, value, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary);
    }

    public ScannerConfig withDnsServers(List<String> value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, value, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary);
    }

    public ScannerConfig withAllowLargeRanges(boolean value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, value, maxHandshakeBytes, perAddressSpacing, tlsLibrary);
    }

    public ScannerConfig withMaxHandshakeBytes(int value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, allowLargeRanges, value, perAddressSpacing, tlsLibrary);
    }

    public ScannerConfig withTlsLibrary(TlsLibrary value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, value);
    }

    public ScannerConfig withPerAddressSpacing(Duration value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, value, tlsLibrary);
    }
}

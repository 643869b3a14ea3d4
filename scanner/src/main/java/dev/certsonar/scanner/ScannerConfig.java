package dev.certsonar.scanner;

import dev.certsonar.scanner.revocation.RevocationConfig;
import dev.certsonar.scanner.tls.TlsLibrary;
import dev.certsonar.schemas.InvalidValueException;
import dev.certsonar.schemas.ValueRules;
import dev.certsonar.schemas.net.Cidr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the probe engine works: how many probes run at once, how long one may take, which addresses it may
 * touch, which extra trust anchors it knows and which DNS servers it asks. A value that breaks the rule of its field
 * (below) is an {@link InvalidValueException} naming the field ({@code timeout}, {@code deny[1]}).
 *
 * @param concurrency           probes in flight at most; at least 1
 * @param timeout               total deadline of one probe (DNS, connect, STARTTLS and handshake together); positive
 * @param perAddressConcurrency probes of one address in flight at most; at least 1
 * @param caFiles               PEM files of extra trust anchors (added to the JDK's); each a readable file
 * @param deny                  CIDR ranges or addresses never probed (outcome BLOCKED_BY_POLICY)
 * @param allow                 when not empty, only these CIDR ranges or addresses are probed
 * @param dnsServers            DNS servers as {@code host} or {@code host:port}, none empty; empty uses the system's
 * @param allowLargeRanges      whether a CIDR target may be larger than a /16 (65536 addresses)
 * @param maxHandshakeBytes     bytes a server may send before the handshake ends; at least 16384
 * @param perAddressSpacing     least time between the starts of two probes of one address (zero: none; not negative)
 * @param tlsLibrary            the TLS implementation of the client side of handshakes
 * @param revocation            how the revocation of validated certificates is checked ({@code scanner.revocation})
 * @param dualCertificates      whether an endpoint that answers with an ECDSA certificate is probed once more offering
 *                              only RSA signature algorithms, to find an RSA certificate served beside it
 */
public record ScannerConfig(int concurrency, Duration timeout, int perAddressConcurrency, List<Path> caFiles,
                            List<String> deny, List<String> allow, List<String> dnsServers,
                            boolean allowLargeRanges, int maxHandshakeBytes, Duration perAddressSpacing,
                            TlsLibrary tlsLibrary, RevocationConfig revocation, boolean dualCertificates) {

    /**
     * 20 ms between two probe starts of one address: at most 50 new handshakes a second reach one load balancer
     * (about 5% of one core at 1 ms of server CPU per full RSA handshake), and a scan of 1000 names behind it still
     * ends within 20 seconds.
     */
    public static final Duration DEFAULT_PER_ADDRESS_SPACING = Duration.ofMillis(20);

    public static final List<String> DEFAULT_DENY = List.of("169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128");

    public static final ScannerConfig DEFAULT = new ScannerConfig(1024, Duration.ofSeconds(10), 4, List.of(),
            DEFAULT_DENY, List.of(), List.of(), false, 256 * 1024, DEFAULT_PER_ADDRESS_SPACING, TlsLibrary.BORINGSSL,
            RevocationConfig.DEFAULT, true);

    public ScannerConfig {
        ValueRules.atLeast("concurrency", concurrency, 1);
        ValueRules.positive("timeout", timeout);
        ValueRules.atLeast("perAddressConcurrency", perAddressConcurrency, 1);
        ValueRules.atLeast("maxHandshakeBytes", maxHandshakeBytes, 16 * 1024);
        ValueRules.notNegative("perAddressSpacing", perAddressSpacing);
        ValueRules.required("tlsLibrary", tlsLibrary);
        ValueRules.required("revocation", revocation);
        caFiles = readableFiles("caFiles", caFiles);
        deny = ranges("deny", deny);
        allow = ranges("allow", allow);
        dnsServers = nonBlank("dnsServers", dnsServers, "an empty DNS server");
    }

    /** The defaults with the scanner settings that the configuration file and the command line know. */
    public ScannerConfig(int concurrency, Duration timeout, int perAddressConcurrency, List<Path> caFiles,
                         List<String> deny, List<String> allow, List<String> dnsServers) {
        this(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, false, 256 * 1024,
                DEFAULT_PER_ADDRESS_SPACING, TlsLibrary.BORINGSSL, RevocationConfig.DEFAULT, true);
    }

    public ScannerConfig withConcurrency(int value) {
        return new ScannerConfig(value, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary, revocation, dualCertificates);
    }

    public ScannerConfig withTimeout(Duration value) {
        return new ScannerConfig(concurrency, value, perAddressConcurrency, caFiles, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary, revocation, dualCertificates);
    }

    public ScannerConfig withPerAddressConcurrency(int value) {
        return new ScannerConfig(concurrency, timeout, value, caFiles, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary, revocation, dualCertificates);
    }

    public ScannerConfig withCaFiles(List<Path> value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, value, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary, revocation, dualCertificates);
    }

    public ScannerConfig withDeny(List<String> value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, value, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary, revocation, dualCertificates);
    }

    public ScannerConfig withAllow(List<String> value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, value, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary, revocation, dualCertificates);
    }

    public ScannerConfig withDnsServers(List<String> value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, value, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary, revocation, dualCertificates);
    }

    public ScannerConfig withAllowLargeRanges(boolean value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, value, maxHandshakeBytes, perAddressSpacing, tlsLibrary, revocation, dualCertificates);
    }

    public ScannerConfig withMaxHandshakeBytes(int value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, allowLargeRanges, value, perAddressSpacing, tlsLibrary, revocation, dualCertificates);
    }

    public ScannerConfig withTlsLibrary(TlsLibrary value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, value, revocation, dualCertificates);
    }

    public ScannerConfig withPerAddressSpacing(Duration value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, value, tlsLibrary, revocation, dualCertificates);
    }

    public ScannerConfig withRevocation(RevocationConfig value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary, value, dualCertificates);
    }

    /** The files, each one a readable file. */
    private static List<Path> readableFiles(String field, List<Path> files) {
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            if (file == null || file.toString().isBlank()) {
                throw new InvalidValueException(field + "[" + i + "]", "an empty file name");
            }
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new InvalidValueException(field + "[" + i + "]", "no such file: " + file);
            }
        }
        return List.copyOf(files);
    }

    /** The CIDR ranges or addresses, stripped, each one parsed as the scanner will. */
    private static List<String> ranges(String field, List<String> texts) {
        List<String> ranges = nonBlank(field, texts, "an empty CIDR range");
        for (int i = 0; i < ranges.size(); i++) {
            try {
                Cidr.parse(ranges.get(i));
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException(field + "[" + i + "]", e.getMessage());
            }
        }
        return ranges;
    }

    private static List<String> nonBlank(String field, List<String> texts, String problem) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) {
                throw new InvalidValueException(field + "[" + i + "]", problem);
            }
        }
        return texts.stream().map(String::strip).toList();
    }

    public ScannerConfig withDualCertificates(boolean value) {
        return new ScannerConfig(concurrency, timeout, perAddressConcurrency, caFiles, deny, allow, dnsServers, allowLargeRanges, maxHandshakeBytes, perAddressSpacing, tlsLibrary, revocation, value);
    }
}

package dev.certsonar.sandbox.tls;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small local world of TLS servers on 127.0.0.1, all for the name {@code localhost}:
 * <ul>
 *   <li>{@value #VALID}: issued by the world's private CA, valid for 200 days from now;</li>
 *   <li>{@value #EXPIRING}: issued by the CA, expires in 3 days;</li>
 *   <li>{@value #EXPIRED}: issued by the CA, expired 10 days ago;</li>
 *   <li>{@value #SELF_SIGNED}: self-signed, valid for 200 days.</li>
 * </ul>
 * CA-issued servers send their certificate and the intermediate CA; the root CA's PEM is written to
 * {@code dir/ca.pem} ({@link #caFile()}) so a scanner can trust it. Dates come from the given clock.
 */
public final class LocalTlsWorld implements AutoCloseable {

    public static final String VALID = "valid";
    public static final String EXPIRING = "expiring";
    public static final String EXPIRED = "expired";
    public static final String SELF_SIGNED = "self-signed";
    public static final String HOST = "localhost";
    public static final String ADDRESS = "127.0.0.1";

    private static final Logger log = LoggerFactory.getLogger(LocalTlsWorld.class);

    /** One server of the world: its kind (see the constants), the name it is for, and its port on 127.0.0.1. */
    public record LocalServer(String kind, String host, int port) {
        /** {@code host:port}. */
        public String hostAndPort() {
            return host + ":" + port;
        }
    }

    private final CertificateAuthority root;
    private final Path caFile;
    private final List<LocalServer> servers;
    private final List<TlsServer> tlsServers;
    private final List<IssuedCertificate> certificates;

    private LocalTlsWorld(CertificateAuthority root, Path caFile, List<LocalServer> servers,
                          List<TlsServer> tlsServers, List<IssuedCertificate> certificates) {
        this.root = root;
        this.caFile = caFile;
        this.servers = List.copyOf(servers);
        this.tlsServers = List.copyOf(tlsServers);
        this.certificates = List.copyOf(certificates);
    }

    /** Generates the CA and certificates, writes {@code dir/ca.pem} and starts the four servers. */
    public static LocalTlsWorld start(Path dir, Clock clock) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(clock, "clock");
        Instant now = clock.instant();
        CertificateAuthority root = Pki.root("certsonar sandbox root CA", clock);
        CertificateAuthority issuing = root.intermediate("certsonar sandbox issuing CA");
        Path caFile = Pem.write(dir.resolve("ca.pem"), root.certificate());

        List<String> kinds = List.of(VALID, EXPIRING, EXPIRED, SELF_SIGNED);
        List<IssuedCertificate> certificates = List.of(
                issuing.leaf().dnsNames(HOST).ipAddresses(ADDRESS)
                        .notBefore(now.minus(Duration.ofDays(1))).notAfter(now.plus(Duration.ofDays(200))).issue(),
                issuing.leaf().dnsNames(HOST).ipAddresses(ADDRESS)
                        .notBefore(now.minus(Duration.ofDays(87))).notAfter(now.plus(Duration.ofDays(3))).issue(),
                issuing.leaf().dnsNames(HOST).ipAddresses(ADDRESS)
                        .notBefore(now.minus(Duration.ofDays(100))).notAfter(now.minus(Duration.ofDays(10))).issue(),
                Pki.selfSigned(clock).dnsNames(HOST).ipAddresses(ADDRESS)
                        .notBefore(now.minus(Duration.ofDays(1))).notAfter(now.plus(Duration.ofDays(200))).issue());

        List<TlsServer> started = new ArrayList<>();
        List<LocalServer> servers = new ArrayList<>();
        try {
            InetAddress address = InetAddress.getByName(ADDRESS);
            for (int i = 0; i < kinds.size(); i++) {
                TlsServer server = TlsServer.builder().bind(address).port(0).chain(certificates.get(i)).start();
                started.add(server);
                servers.add(new LocalServer(kinds.get(i), HOST, server.port()));
            }
        } catch (Exception e) {
            started.forEach(TlsServer::close);
            throw new IllegalStateException("Cannot start the local TLS servers: " + e.getMessage(), e);
        }
        LocalTlsWorld world = new LocalTlsWorld(root, caFile, servers, started, certificates);
        log.info("Local TLS servers on {}: {} (trust {})", ADDRESS, servers, caFile);
        return world;
    }

    /** The PEM file of the root CA that issued the non-self-signed servers' certificates. */
    public Path caFile() {
        return caFile;
    }

    public CertificateAuthority root() {
        return root;
    }

    public List<LocalServer> servers() {
        return servers;
    }

    /** The server of this kind ({@link #VALID}, {@link #EXPIRING}, {@link #EXPIRED}, {@link #SELF_SIGNED}). */
    public LocalServer server(String kind) {
        return find(kind).map(servers::get)
                .orElseThrow(() -> new IllegalArgumentException("No local server of kind " + kind + "; kinds: "
                        + servers.stream().map(LocalServer::kind).toList()));
    }

    /** The certificate the server of this kind presents. */
    public IssuedCertificate certificate(String kind) {
        return find(kind).map(certificates::get)
                .orElseThrow(() -> new IllegalArgumentException("No local server of kind " + kind));
    }

    /** The running server of this kind. */
    public TlsServer tlsServer(String kind) {
        return find(kind).map(tlsServers::get)
                .orElseThrow(() -> new IllegalArgumentException("No local server of kind " + kind));
    }

    private Optional<Integer> find(String kind) {
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).kind().equals(kind)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        tlsServers.forEach(TlsServer::close);
    }
}

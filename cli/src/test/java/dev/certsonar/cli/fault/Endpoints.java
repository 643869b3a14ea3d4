package dev.certsonar.cli.fault;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pem;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.schemas.avro.Protocol;
import dev.certsonar.schemas.avro.Target;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Many real TLS endpoints on loopback, cheaply: a few {@link TlsServer}s, each on an address of its own, each serving
 * its endpoints by SNI name. Every endpoint has a certificate of its own (one key pair for all of them, so issuing
 * thousands costs only their signatures), issued by a root the scanner is given as {@link #caFile()}, and is one
 * service ({@code svc-NNNNN}, one target each). Endpoint {@code i} is, by {@code i % 5}: valid (0, 1), expiring in 3
 * days (2: EXPIRING at CRITICAL), expired (3: EXPIRED) or under the warning threshold (4: EXPIRING at WARNING); so
 * three in five alert.
 */
final class Endpoints implements AutoCloseable {

    private static final String DOMAIN = "fault.test";

    private final List<TlsServer> servers = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();
    private final Path caFile;

    private Endpoints(Path caFile) {
        this.caFile = caFile;
    }

    /** {@code count} endpoints on {@code addresses} servers (127.0.0.20 and on), the root written to {@code dir}. */
    static Endpoints start(int count, int addresses, Path dir) throws UnknownHostException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CertificateAuthority root = Pki.rootBuilder("Fault Root").key(KeySpec.EC_256).create();
        Endpoints endpoints = new Endpoints(Pem.write(dir.resolve("fault-root.pem"), root.certificate()));
        var keys = KeySpec.EC_256.generate();
        List<TlsServer.Builder> builders = new ArrayList<>();
        for (int a = 0; a < addresses; a++) {
            builders.add(TlsServer.builder().bind(InetAddress.getByName("127.0.0." + (20 + a))).port(0).backlog(1024));
        }
        for (int i = 0; i < count; i++) {
            String name = sni(i);
            var leaf = root.leaf().subject(name).dnsNames(name).keyPair(keys);
            IssuedCertificate certificate = switch (i % 5) {
                case 2 -> leaf.notBefore(now.minus(Duration.ofDays(87))).notAfter(now.plus(Duration.ofDays(3))).issue();
                case 3 -> leaf.notBefore(now.minus(Duration.ofDays(100))).notAfter(now.minus(Duration.ofDays(10))).issue();
                case 4 -> leaf.notBefore(now.minus(Duration.ofDays(70))).notAfter(now.plus(Duration.ofDays(20))).issue();
                default -> leaf.notBefore(now.minus(Duration.ofDays(50))).notAfter(now.plus(Duration.ofDays(150))).issue();
            };
            TlsServer.Builder builder = builders.get(i % addresses);
            builder.sni(name, certificate);
            if (i < addresses) {
                builder.chain(certificate);
            }
        }
        try {
            for (TlsServer.Builder builder : builders) {
                endpoints.servers.add(builder.start());
            }
        } catch (RuntimeException e) {
            endpoints.close();
            throw e;
        }
        for (int i = 0; i < count; i++) {
            TlsServer server = endpoints.servers.get(i % addresses);
            String host = server.address().getHostAddress();
            endpoints.targets.add(Target.newBuilder().setId("tls://" + host + ":" + server.port() + "#" + sni(i))
                    .setService(service(i)).setOwner("team-fault").setHost(host).setPorts(List.of(server.port()))
                    .setSni(sni(i)).setProtocol(Protocol.TLS).build());
        }
        return endpoints;
    }

    static String service(int i) {
        return "svc-%05d".formatted(i);
    }

    private static String sni(int i) {
        return "e%05d.%s".formatted(i, DOMAIN);
    }

    /** Whether endpoint {@code i}'s certificate alerts. */
    static boolean alerts(int i) {
        return i % 5 >= 2;
    }

    Path caFile() {
        return caFile;
    }

    List<Target> targets() {
        return List.copyOf(targets);
    }

    int size() {
        return targets.size();
    }

    /** The services whose certificate alerts. */
    Set<String> alerting() {
        Set<String> services = new TreeSet<>();
        for (int i = 0; i < targets.size(); i++) {
            if (alerts(i)) {
                services.add(service(i));
            }
        }
        return services;
    }

    /** TLS handshakes the servers completed. */
    long handshakes() {
        return servers.stream().mapToLong(TlsServer::handshakes).sum();
    }

    @Override
    public void close() {
        servers.forEach(TlsServer::close);
    }
}

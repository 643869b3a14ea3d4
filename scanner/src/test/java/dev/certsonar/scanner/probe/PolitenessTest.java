package dev.certsonar.scanner.probe;

import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-address politeness of the probe engine, seen from a real TLS server that counts its connections. */
class PolitenessTest {

    static IssuedCertificate leaf;

    private CountingTlsServer server;
    private ProbeEngine engine;

    @BeforeAll
    static void pki() {
        leaf = Pki.root("Politeness Root").leaf().dnsNames("lb.test").validFor(Duration.ofDays(30)).issue();
    }

    @AfterEach
    void close() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void probesOfOneAddressAreSpacedAndCapped() throws Exception {
        int n = 12;
        Duration spacing = Duration.ofMillis(40);
        server = new CountingTlsServer(leaf, Duration.ofMillis(250));
        engine = new ProbeEngine(ScannerConfig.DEFAULT.withTimeout(Duration.ofSeconds(10))
                .withPerAddressConcurrency(2).withPerAddressSpacing(spacing), Clock.systemUTC());

        long start = System.nanoTime();
        List<Observation> observations = scanNames(n);
        long elapsed = System.nanoTime() - start;

        assertThat(observations).hasSize(n).allSatisfy(o -> assertThat(o.getOutcome()).isEqualTo(Outcome.OK));
        assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(spacing.multipliedBy(n - 1));
        assertThat(server.accepted()).isEqualTo(n);
        assertThat(server.maxConcurrent()).isEqualTo(2);
        List<Long> accepts = server.acceptTimes();
        // starts are spaced by the client; the server sees them with some scheduling jitter of a loaded machine
        assertThat(Duration.ofNanos(accepts.get(n - 1) - accepts.get(0)))
                .isGreaterThanOrEqualTo(spacing.multipliedBy(n - 1).minusMillis(30));
    }

    @Test
    void withoutSpacingTheCapAloneBoundsConcurrentProbes() throws Exception {
        int n = 16;
        server = new CountingTlsServer(leaf, Duration.ofMillis(300));
        engine = new ProbeEngine(ScannerConfig.DEFAULT.withTimeout(Duration.ofSeconds(10))
                .withPerAddressConcurrency(4).withPerAddressSpacing(Duration.ZERO), Clock.systemUTC());

        List<Observation> observations = scanNames(n);

        assertThat(observations).hasSize(n).allSatisfy(o -> assertThat(o.getOutcome()).isEqualTo(Outcome.OK));
        assertThat(server.maxConcurrent()).isEqualTo(4);
    }

    private List<Observation> scanNames(int n) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            targets.add(TargetSpecs.parse("127.0.0.1:" + server.port(), Map.of("sni", "name" + i + ".lb.test"), false));
        }
        List<Observation> observations = new ArrayList<>();
        engine.scanAll(targets, observations::add);
        return observations;
    }

    /** A TLS server on 127.0.0.1 that holds every connection a while before its handshake and counts them. */
    static final class CountingTlsServer implements AutoCloseable {
        private final ServerSocket socket;
        private final SSLContext context;
        private final Duration hold;
        private final AtomicInteger current = new AtomicInteger();
        private final AtomicInteger max = new AtomicInteger();
        private final AtomicLong accepted = new AtomicLong();
        private final ConcurrentLinkedQueue<Long> acceptTimes = new ConcurrentLinkedQueue<>();
        private final CountDownLatch closed = new CountDownLatch(1);
        private final Thread acceptor;

        CountingTlsServer(IssuedCertificate certificate, Duration hold) throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", certificate.privateKey(), new char[0],
                    certificate.chain().toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            this.hold = hold;
            socket = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
            acceptor = Thread.ofVirtual().start(this::accept);
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    acceptTimes.add(System.nanoTime());
                    accepted.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        /**
         * Counts a connection from its accept until the server starts its handshake: the client's probe began before
         * and ends after that, so the count never exceeds the probes in flight at the client.
         */
        private void serve(Socket plain) {
            int now = current.incrementAndGet();
            max.accumulateAndGet(now, Math::max);
            try (plain) {
                try {
                    closed.await(hold.toMillis(), TimeUnit.MILLISECONDS);
                } finally {
                    current.decrementAndGet();
                }
                SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
                tls.setUseClientMode(false);
                tls.startHandshake();
                tls.close();
            } catch (IOException | InterruptedException e) {
                // the client may close first; only the count matters here
            }
        }

        long accepted() {
            return accepted.get();
        }

        int maxConcurrent() {
            return max.get();
        }

        List<Long> acceptTimes() {
            return new ArrayList<>(acceptTimes);
        }

        @Override
        public void close() throws Exception {
            closed.countDown();
            socket.close();
            acceptor.join(Duration.ofSeconds(5));
        }
    }
}

package dev.certsonar.scanner.probe;

import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.KeySpec;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.judge.DelegatingCertificate;
import dev.certsonar.scanner.judge.TrustAnchors;
import dev.certsonar.scanner.starttls.Preamble;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.scanner.tls.HandshakeEnd;
import dev.certsonar.scanner.tls.TlsConnector;
import dev.certsonar.scanner.tls.TlsLibrary;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Endpoints that misbehave on purpose: each ends in its outcome within the probe's deadline, and nothing a server sends
 * is held beyond the scanner's byte caps.
 */
class HostileEndpointsTest {

    static final Clock CLOCK = Clock.systemUTC();
    static final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
    static IssuedCertificate cert;
    static final java.util.concurrent.ScheduledExecutorService scheduler = java.util.concurrent.Executors.newScheduledThreadPool(2);

    @BeforeAll
    static void setUp() {
        cert = Pki.selfSigned().dnsNames("hostile.test").validFor(Duration.ofDays(30)).issue();
    }

    @AfterAll
    static void tearDown() throws Exception {
        scheduler.shutdownNow();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @FunctionalInterface
    interface Handler {
        void handle(Socket s) throws Exception;
    }

    /** A loopback server running the handler for every connection on its own virtual thread. */
    static int serve(Handler handler) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closing.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    closing.add(s);
                    Thread.ofVirtual().start(() -> {
                        try {
                            handler.handle(s);
                        } catch (Exception ignored) {
                            // what the probe saw is what is tested
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server.getLocalPort();
    }

    record Timed(Observation observation, Duration took) {
    }

    static Timed probe(String spec, Duration timeout) {
        try (ProbeEngine engine = new ProbeEngine(ScannerConfig.DEFAULT.withTimeout(timeout), CLOCK, TrustAnchors.of(List.of()))) {
            long t0 = System.nanoTime();
            Observation o = engine.scan(TargetSpecs.parse(spec, Map.of(), false), "hostile").get(0);
            return new Timed(o, Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    /** Writes one byte of {@code bytes} every {@code every}, the first at once. */
    static void drip(OutputStream out, byte[] bytes, Duration every) {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ScheduledFuture<?>[] task = new java.util.concurrent.ScheduledFuture<?>[1];
        task[0] = scheduler.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            try {
                if (i >= bytes.length) {
                    throw new IllegalStateException("all dripped");
                }
                out.write(bytes[i]);
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException("the client hung up", e);
            }
        }, 0, every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    // accepts and never speaks

    @Test
    void aSilentTlsServerTimesOutWithinTheDeadline() throws Exception {
        int port = serve(s -> s.getInputStream().readAllBytes());
        Timed t = probe("127.0.0.1:" + port, Duration.ofMillis(800));
        assertThat(t.observation().getOutcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(t.observation().getError()).contains("the TLS handshake");
        assertThat(t.took()).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aSilentStartTlsServerTimesOutWithinTheDeadline() throws Exception {
        int port = serve(s -> s.getInputStream().readAllBytes());
        Timed t = probe("smtp://127.0.0.1:" + port, Duration.ofMillis(800));
        assertThat(t.observation().getOutcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(t.observation().getError()).contains("the STARTTLS exchange");
        assertThat(t.took()).isLessThan(Duration.ofSeconds(3));
    }

    // drips a byte a second: every read succeeds, only the total deadline ends the probe

    @Test
    void aGreetingDrippedAByteASecondIsStoppedByTheTotalDeadline() throws Exception {
        byte[] greeting = ("220 " + "x".repeat(100) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        int port = serve(s -> drip(s.getOutputStream(), greeting, Duration.ofSeconds(1)));
        Timed t = probe("smtp://127.0.0.1:" + port, Duration.ofMillis(2500));
        assertThat(t.observation().getOutcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(t.took()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aHandshakeDrippedAByteASecondIsStoppedByTheTotalDeadline() throws Exception {
        byte[] record = new byte[5 + 100];
        record[0] = 0x16;
        record[1] = 0x03;
        record[2] = 0x03;
        record[4] = 100;
        int port = serve(s -> {
            s.getInputStream().read(new byte[4096]);
            drip(s.getOutputStream(), record, Duration.ofSeconds(1));
        });
        Timed t = probe("127.0.0.1:" + port, Duration.ofMillis(2500));
        assertThat(t.observation().getOutcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(t.took()).isLessThan(Duration.ofSeconds(5));
    }

    // answers garbage

    static byte[] garbage(int n, long seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        b[0] = (byte) 0x9c;
        return b;
    }

    @Test
    void garbageOnATlsPortIsNoTlsOrAProtocolError() throws Exception {
        int port = serve(s -> {
            s.getInputStream().read(new byte[4096]);
            s.getOutputStream().write(garbage(4096, 1));
            s.getInputStream().readAllBytes();
        });
        Timed t = probe("127.0.0.1:" + port, Duration.ofSeconds(5));
        assertThat(t.observation().getOutcome()).isIn(Outcome.NO_TLS, Outcome.PROTOCOL_ERROR);
        assertThat(t.observation().getError()).isNotBlank();
        assertThat(t.took()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void garbageInsteadOfAGreetingIsNoTls() throws Exception {
        int port = serve(s -> {
            s.getOutputStream().write("\u0001\u0002garbage\r\n".getBytes(StandardCharsets.ISO_8859_1));
            s.getInputStream().readAllBytes();
        });
        for (String scheme : List.of("smtp", "imap", "pop3", "ftp", "xmpp")) {
            Observation o = probe(scheme + "://127.0.0.1:" + port, Duration.ofSeconds(5)).observation();
            assertThat(o.getOutcome()).as("%s: %s", scheme, o.getError()).isEqualTo(Outcome.NO_TLS);
        }
    }

    @Test
    void garbageInsteadOfABinaryAnswerIsNoTls() throws Exception {
        int port = serve(s -> {
            s.getInputStream().read(new byte[64]);
            s.getOutputStream().write(garbage(64, 2));
            s.getInputStream().readAllBytes();
        });
        for (String scheme : List.of("postgres", "ldap")) {
            Observation o = probe(scheme + "://127.0.0.1:" + port, Duration.ofSeconds(5)).observation();
            assertThat(o.getOutcome()).as("%s: %s", scheme, o.getError()).isEqualTo(Outcome.NO_TLS);
        }
        int mysql = serve(s -> {
            s.getOutputStream().write(garbage(64, 3));
            s.getInputStream().readAllBytes();
        });
        Observation o = probe("mysql://127.0.0.1:" + mysql, Duration.ofSeconds(5)).observation();
        assertThat(o.getOutcome()).as(o.getError()).isEqualTo(Outcome.NO_TLS);
    }

    @Test
    void anEndlessLineIsCutAtTheLineCap() throws Exception {
        int port = serve(s -> {
            byte[] chunk = "A".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 64; i++) {
                s.getOutputStream().write(chunk);
            }
        });
        Timed t = probe("smtp://127.0.0.1:" + port, Duration.ofSeconds(5));
        assertThat(t.observation().getOutcome()).isEqualTo(Outcome.PROTOCOL_ERROR);
        assertThat(t.observation().getError()).as("the line cap").contains("longer than 4096 bytes");
    }

    @Test
    void endlessLinesBeforeTlsAreCutAtTheByteCap() throws Exception {
        int port = serve(s -> {
            s.getOutputStream().write("* OK ready\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().read(new byte[64]);
            byte[] line = "* 1 EXISTS\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 1_000_000; i++) {
                s.getOutputStream().write(line);
            }
        });
        Timed t = probe("imap://127.0.0.1:" + port, Duration.ofSeconds(5));
        assertThat(t.observation().getOutcome()).isEqualTo(Outcome.PROTOCOL_ERROR);
        assertThat(t.observation().getError()).contains("more than");
    }

    // a multi-megabyte chain

    /** A chain of {@code count} certificates, each issued by the next and carrying {@code padding} bytes in an extension. */
    static List<X509Certificate> hugeChain(KeyPair key, int count, int padding) throws Exception {
        byte[] pad = new byte[padding];
        new SecureRandom().nextBytes(pad);
        Instant now = Instant.now();
        List<X509Certificate> chain = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            X500Name subject = new X500Name(i == 0 ? "CN=huge.test" : "CN=huge " + i);
            X500Name issuer = new X500Name("CN=huge " + (i + 1));
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(i + 1),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(30))), subject, key.getPublic());
            b.addExtension(new ASN1ObjectIdentifier("1.3.6.1.4.1.55555.1"), false, new DEROctetString(pad));
            chain.add(new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()))));
        }
        return chain;
    }

    @Test
    void aMultiMegabyteChainIsCutAtTheByteCapWithoutHoldingIt() throws Exception {
        KeyPair key = KeySpec.EC_256.generate();
        List<X509Certificate> chain = hugeChain(key, 24, 400 * 1024);
        long chainBytes = 0;
        for (X509Certificate c : chain) {
            chainBytes += c.getEncoded().length;
        }
        assertThat(chainBytes).isGreaterThan(9_000_000L);
        TlsServer server = TlsServer.builder().chain(key.getPrivate(), chain).start();
        closing.add(server);

        Timed t = probe("127.0.0.1:" + server.port(), Duration.ofSeconds(10));
        assertThat(t.observation().getOutcome()).as(t.observation().getError()).isEqualTo(Outcome.PROTOCOL_ERROR);
        // the TLS engine's own limit on a handshake message or the scanner's cap on bytes read, whichever comes first
        assertThat(t.observation().getError()).containsAnyOf("more than " + ScannerConfig.DEFAULT.maxHandshakeBytes() + " bytes",
                "exceeds the maximum allowed size");

        // what one probe allocates in all, measured on this thread, stays far below what the server sends
        TlsConnector connector = new TlsConnector(TlsLibrary.BORINGSSL, HandshakeEnd.COMPLETE, ScannerConfig.DEFAULT.maxHandshakeBytes(),
                Duration.ofSeconds(5), Duration.ofSeconds(10));
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            TlsConnector.Failure f = org.junit.jupiter.api.Assertions.assertThrows(TlsConnector.Failure.class,
                    () -> connector.probe(address, null, "huge.test", Preamble.NONE, Deadline.in(Duration.ofSeconds(10))));
            assertThat(Outcomes.classify(f.getCause())).isEqualTo(Outcome.PROTOCOL_ERROR);
            allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
        }
        org.slf4j.LoggerFactory.getLogger(HostileEndpointsTest.class).info("one probe of a {}-byte chain allocated {} bytes", chainBytes, allocated);
        assertThat(allocated).as("bytes allocated by one probe of a %d-byte chain", chainBytes).isLessThan(2_000_000L);
    }

    // resets mid-handshake

    @Test
    void aResetAfterTheClientHelloFailsTheHandshake() throws Exception {
        int port = serve(s -> {
            s.getInputStream().read(new byte[4096]);
            s.setSoLinger(true, 0);
            s.close();
        });
        Timed t = probe("127.0.0.1:" + port, Duration.ofSeconds(5));
        assertThat(t.observation().getOutcome()).as(t.observation().getError()).isEqualTo(Outcome.HANDSHAKE_FAILED);
        assertThat(t.took()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aResetInTheMiddleOfTheServersHandshakeFailsTheHandshake() throws Exception {
        TlsServer real = TlsServer.builder().chain(cert).start();
        closing.add(real);
        // relays to a real TLS server, passes on the first 300 bytes of its answer, then resets the connection
        int port = serve(client -> {
            try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), real.port())) {
                Thread.ofVirtual().start(() -> {
                    try {
                        client.getInputStream().transferTo(upstream.getOutputStream());
                    } catch (IOException ignored) {
                        // the reset ends this direction too
                    }
                });
                InputStream in = upstream.getInputStream();
                OutputStream out = client.getOutputStream();
                byte[] head = in.readNBytes(300);
                out.write(head);
                out.flush();
                client.setSoLinger(true, 0);
                client.close();
            }
        });
        Timed t = probe("127.0.0.1:" + port, Duration.ofSeconds(5));
        assertThat(t.observation().getOutcome()).as(t.observation().getError()).isEqualTo(Outcome.HANDSHAKE_FAILED);
    }

    @Test
    void aResetDuringTheStartTlsExchangeIsAFailureNotATimeout() throws Exception {
        int port = serve(s -> {
            s.getOutputStream().write("220 mail.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().read(new byte[64]);
            s.setSoLinger(true, 0);
            s.close();
        });
        Timed t = probe("smtp://127.0.0.1:" + port, Duration.ofSeconds(5));
        assertThat(t.observation().getOutcome()).as(t.observation().getError()).isEqualTo(Outcome.HANDSHAKE_FAILED);
        assertThat(t.observation().getError()).contains("during the STARTTLS exchange");
        assertThat(t.took()).isLessThan(Duration.ofSeconds(4));
    }

    // malformed DER

    @Test
    void aCertificateOfMalformedDerFailsWithAClearError() throws Exception {
        byte[] real = cert.certificate().getEncoded();
        byte[] truncated = java.util.Arrays.copyOf(real, real.length / 2);
        for (byte[] der : List.of(truncated, garbage(600, 4))) {
            TlsServer server = TlsServer.builder()
                    .chain(cert.privateKey(), List.of(new MisencodedCertificate(cert.certificate(), der))).start();
            closing.add(server);
            Timed t = probe("127.0.0.1:" + server.port(), Duration.ofSeconds(5));
            assertThat(t.observation().getOutcome()).as(t.observation().getError())
                    .isIn(Outcome.HANDSHAKE_FAILED, Outcome.PROTOCOL_ERROR);
            assertThat(t.observation().getError()).contains("TLS handshake failed", "parse", "certificate");
            assertThat(t.observation().getChain()).isEmpty();
        }
    }

    // plain HTTP on a TLS port

    @Test
    void plainHttpOnATlsPortIsNoTls() throws Exception {
        int answersAfterReading = serve(s -> {
            s.getInputStream().read(new byte[4096]);
            s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 48\r\n\r\nThe plain HTTP request was sent to HTTPS port\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            s.close();
        });
        int speaksFirst = serve(s -> {
            s.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().readAllBytes();
        });
        for (int port : List.of(answersAfterReading, speaksFirst)) {
            Observation o = probe("https://127.0.0.1:" + port, Duration.ofSeconds(5)).observation();
            assertThat(o.getOutcome()).as(o.getError()).isEqualTo(Outcome.NO_TLS);
            assertThat(o.getError()).contains("does not speak TLS");
        }
    }

    /** A certificate that is the given one in every way but its encoding, which is the bytes given: what a server sends. */
    static final class MisencodedCertificate extends DelegatingCertificate {

        private final byte[] encoding;

        MisencodedCertificate(X509Certificate certificate, byte[] encoding) {
            super(certificate);
            this.encoding = encoding.clone();
        }

        @Override
        public byte[] getEncoded() {
            return encoding.clone();
        }

        @Override
        public String toString() {
            return "misencoded " + getSubjectX500Principal();
        }
    }
}

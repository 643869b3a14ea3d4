package dev.certsonar.scanner.tls;

import dev.certsonar.scanner.probe.Deadline;
import dev.certsonar.scanner.probe.Outcomes;
import dev.certsonar.scanner.probe.Phase;
import dev.certsonar.scanner.probe.ProbeException;
import dev.certsonar.scanner.starttls.Preamble;
import dev.certsonar.schemas.avro.Outcome;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * One TLS connection of a probe, on a blocking socket (cheap on a virtual thread): connect, the preamble in plain text,
 * then the handshake driven through an {@link SSLEngine} so that every read is bounded by the deadline and the bytes a
 * server may send are capped. The served chain is captured whatever its state, and the handshake ends as soon as it
 * is ({@link CapturingTrustManager}); a handshake that fails otherwise after the certificate arrived still yields it,
 * with the failure noted.
 *
 * <p>With BoringSSL, a handshake that fails before the certificate arrived for a reason of TLS itself (an alert, an
 * unexpected message, a closed connection: a server that speaks only what BoringSSL left out, such as finite-field
 * DHE suites) is tried once more, on a new connection, with the JDK's TLS, which offers those.
 */
public final class TlsConnector {

    /**
     * What a connection showed. {@code lateFailure} is set when the handshake failed after the certificate arrived;
     * {@code stapledOcsp} is the OCSP response the server stapled (status_request), null when none.
     */
    public record Handshake(List<X509Certificate> chain, String protocol, String cipherSuite,
                     Long connectMillis, Long preambleMillis, Long handshakeMillis, String lateFailure, byte[] stapledOcsp) {
    }

    /** A failure with the phase it happened in and the time the finished phases took. */
    public static final class Failure extends Exception {
        private final Phase phase;
        private final Long connectMillis;
        private final Long preambleMillis;

        Failure(Throwable cause, Phase phase, Long connectMillis, Long preambleMillis) {
            super(cause);
            this.phase = phase;
            this.connectMillis = connectMillis;
            this.preambleMillis = preambleMillis;
        }

        public Phase phase() {
            return phase;
        }

        /** Milliseconds the connect took; null when it did not succeed. */
        public Long connectMillis() {
            return connectMillis;
        }

        /** Milliseconds the STARTTLS exchange took; null when there was none or it did not succeed. */
        public Long preambleMillis() {
            return preambleMillis;
        }
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Bytes a connection's buffers start with; a ClientHello and most server flights' first reads fit. */
    private static final int START_BUFFER = 4096;

    private final ClientEngines engines;
    private ClientEngines fallback;
    private ClientEngines rsaOnly;
    private final CapturingTrustManager trustManager;
    private final int maxHandshakeBytes;
    private final Duration connectCap;
    private final Duration handshakeCap;

    /**
     * @param end               how far each handshake goes
     * @param maxHandshakeBytes bytes a server may send before the handshake ends
     * @param connectCap        the longest a connect may take
     * @param handshakeCap      the longest the STARTTLS exchange and the handshake may each take
     */
    public TlsConnector(TlsLibrary library, HandshakeEnd end, int maxHandshakeBytes, Duration connectCap, Duration handshakeCap) {
        this.trustManager = new CapturingTrustManager(end);
        this.engines = ClientEngines.of(library, trustManager, maxHandshakeBytes);
        this.maxHandshakeBytes = maxHandshakeBytes;
        this.connectCap = connectCap;
        this.handshakeCap = handshakeCap;
    }

    /** The library whose engines make the handshakes (the JDK's when BoringSSL could not be loaded). */
    public TlsLibrary library() {
        return engines.library();
    }

    /**
     * Connects to the address, says the preamble and handshakes, sending {@code sni} (none when null); the preamble
     * knows the server as {@code serverName}.
     */
    public Handshake probe(InetSocketAddress address, String sni, String serverName, Preamble preamble, Deadline deadline)
            throws Failure {
        try {
            return probe(engines, address, sni, serverName, preamble, deadline);
        } catch (Failure f) {
            if (engines.library() == TlsLibrary.JDK || f.phase != Phase.HANDSHAKE || !worthAnotherLibrary(f.getCause())
                    || deadline.passed()) {
                throw f;
            }
            return probe(fallback(), address, sni, serverName, preamble, deadline);
        }
    }

    /** The JDK's engines, made when a server first needs them (making them starts the JDK's TLS). */
    private synchronized ClientEngines fallback() {
        if (fallback == null) {
            fallback = ClientEngines.of(TlsLibrary.JDK, trustManager, maxHandshakeBytes);
        }
        return fallback;
    }

    /**
     * As {@link #probe}, offering only RSA signature algorithms (and, for TLS 1.2 and older, only cipher suites of an
     * RSA certificate), with the JDK's TLS: the second handshake of a server that answered with an ECDSA certificate,
     * to find an RSA certificate it serves beside it. Not tried again with another library.
     */
    public Handshake probeRsaOnly(InetSocketAddress address, String sni, String serverName, Preamble preamble,
                                  Deadline deadline) throws Failure {
        return probe(rsaOnly(), address, sni, serverName, preamble, deadline);
    }

    private synchronized ClientEngines rsaOnly() {
        if (rsaOnly == null) {
            rsaOnly = ClientEngines.rsaOnly(trustManager);
        }
        return rsaOnly;
    }

    /**
     * A failure of TLS itself, which another implementation may not have: not a timeout, not the scanner's own limits,
     * not a server that does not speak TLS at all, not a message too large for any client.
     */
    private static boolean worthAnotherLibrary(Throwable cause) {
        if (cause instanceof ProbeException || cause instanceof SocketTimeoutException) {
            return false;
        }
        if (cause instanceof SSLException e) {
            Outcome outcome = Outcomes.classify(e);
            return outcome != Outcome.NO_TLS && outcome != Outcome.PROTOCOL_ERROR;
        }
        return cause instanceof EOFException;
    }

    private Handshake probe(ClientEngines engines, InetSocketAddress address, String sni, String serverName,
                            Preamble preamble, Deadline deadline) throws Failure {
        Phase phase = Phase.CONNECT;
        Long connectMillis = null;
        Long preambleMillis = null;
        try (Socket socket = new Socket()) {
            long t0 = System.nanoTime();
            socket.setTcpNoDelay(true);
            socket.connect(address, deadline.millisFor(Phase.CONNECT, connectCap));
            connectMillis = millisSince(t0);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            if (preamble != Preamble.NONE) {
                phase = Phase.PREAMBLE;
                long t1 = System.nanoTime();
                socket.setSoTimeout(deadline.millisFor(Phase.PREAMBLE, handshakeCap));
                preamble.negotiate(new PlainConnection(socket, in, out, serverName, address.getPort(), deadline, handshakeCap));
                preambleMillis = millisSince(t1);
            }
            phase = Phase.HANDSHAKE;
            long t2 = System.nanoTime();
            SSLEngine engine = engines.create(sni);
            try {
                handshake(engine, socket, in, out, deadline);
                SSLSession session = engine.getSession();
                CapturingTrustManager.Capture capture = trustManager.release(engine);
                if (capture == null) {
                    throw new ProbeException.Protocol(Phase.HANDSHAKE, "the handshake ended without a server certificate");
                }
                long handshakeMillis = millisSince(t2);
                closeQuietly(engine, out);
                return new Handshake(capture.chain(), session.getProtocol(), session.getCipherSuite(),
                        connectMillis, preambleMillis, handshakeMillis, null,
                        capture.stapledOcsp() != null ? capture.stapledOcsp() : ClientEngines.stapledOcsp(engine));
            } catch (IOException | RuntimeException e) {
                CapturingTrustManager.Capture capture = trustManager.release(engine);
                if (capture != null && !capture.chain().isEmpty()) {
                    String lateFailure = CapturingTrustManager.isCaptured(e) ? null : Outcomes.describe(e, Phase.HANDSHAKE);
                    return new Handshake(capture.chain(), capture.protocol(), capture.cipherSuite(),
                            connectMillis, preambleMillis, millisSince(t2), lateFailure, capture.stapledOcsp());
                }
                throw e;
            } finally {
                engines.release(engine);
            }
        } catch (IOException | RuntimeException e) {
            throw new Failure(e, phase, connectMillis, preambleMillis);
        }
    }

    private void handshake(SSLEngine engine, Socket socket, InputStream in, OutputStream out, Deadline deadline) throws IOException {
        SSLSession session = engine.getSession();
        // small to begin with, grown when the engine asks: thousands of probes may be in flight at once
        ByteBuffer netOut = ByteBuffer.allocate(START_BUFFER);
        ByteBuffer netIn = ByteBuffer.allocate(START_BUFFER);
        // no application data flows during the handshake; the engine asks for room only if some does
        ByteBuffer app = ByteBuffer.allocate(0);
        int received = 0;
        engine.beginHandshake();
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        while (hs != SSLEngineResult.HandshakeStatus.FINISHED && hs != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
            switch (hs) {
                case NEED_WRAP -> {
                    netOut.clear();
                    SSLEngineResult r = engine.wrap(EMPTY, netOut);
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2, session.getPacketBufferSize()));
                        hs = r.getHandshakeStatus();
                        continue;
                    }
                    netOut.flip();
                    if (netOut.hasRemaining()) {
                        out.write(netOut.array(), 0, netOut.limit());
                        out.flush();
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("the TLS engine closed during the handshake");
                    }
                    hs = r.getHandshakeStatus();
                }
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    hs = engine.getHandshakeStatus();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    netIn.flip();
                    SSLEngineResult r = engine.unwrap(netIn, app);
                    netIn.compact();
                    app.clear();
                    hs = r.getHandshakeStatus();
                    if (hs == SSLEngineResult.HandshakeStatus.FINISHED || hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                        // BoringSSL may report the end of the handshake together with a wish for more bytes
                        break;
                    }
                    switch (r.getStatus()) {
                        case BUFFER_UNDERFLOW -> {
                            if (!netIn.hasRemaining()) {
                                ByteBuffer bigger = ByteBuffer.allocate(netIn.capacity() * 2);
                                netIn.flip();
                                bigger.put(netIn);
                                netIn = bigger;
                            }
                            received += read(socket, in, netIn, deadline, received);
                        }
                        case BUFFER_OVERFLOW -> app = ByteBuffer.allocate(Math.max(app.capacity() * 2, session.getApplicationBufferSize()));
                        case CLOSED -> throw new EOFException("the server closed the TLS connection during the handshake");
                        case OK -> {
                            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                                    && hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                                received += read(socket, in, netIn, deadline, received);
                            }
                        }
                    }
                }
                default -> throw new IllegalStateException("unexpected handshake status " + hs);
            }
        }
    }

    private int read(Socket socket, InputStream in, ByteBuffer netIn, Deadline deadline, int receivedSoFar) throws IOException {
        if (receivedSoFar >= maxHandshakeBytes) {
            throw new ProbeException.Protocol(Phase.HANDSHAKE,
                    "the server sent more than " + maxHandshakeBytes + " bytes without completing the handshake");
        }
        socket.setSoTimeout(deadline.millisFor(Phase.HANDSHAKE, handshakeCap));
        int max = Math.min(netIn.remaining(), maxHandshakeBytes - receivedSoFar);
        int n = in.read(netIn.array(), netIn.arrayOffset() + netIn.position(), max);
        if (n < 0) {
            throw new EOFException("the server closed the connection during the TLS handshake");
        }
        netIn.position(netIn.position() + n);
        return n;
    }

    private static void closeQuietly(SSLEngine engine, OutputStream out) {
        try {
            engine.closeOutbound();
            ByteBuffer buf = ByteBuffer.allocate(START_BUFFER);
            if (engine.wrap(EMPTY, buf).getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                buf = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                engine.wrap(EMPTY, buf);
            }
            buf.flip();
            if (buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.limit());
                out.flush();
            }
        } catch (IOException | RuntimeException ignored) {
            // the certificate is in hand; a failed goodbye changes nothing
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private record PlainConnection(Socket socket, InputStream in, OutputStream out, String serverName, int port,
                                   Deadline deadline, Duration cap) implements Preamble.Connection {
        @Override
        public void setReadTimeout(Duration timeout) throws IOException {
            int left = deadline.millisFor(Phase.PREAMBLE, cap);
            socket.setSoTimeout((int) Math.max(1, Math.min(left, timeout.toMillis())));
        }
    }
}

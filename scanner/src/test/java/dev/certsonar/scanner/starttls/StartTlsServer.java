package dev.certsonar.scanner.starttls;

import dev.certsonar.sandbox.tls.IssuedCertificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback server that speaks a protocol's plain-text opening, as written by a test, and then upgrades the same
 * connection to TLS with the given certificate when the dialogue says so. Reads are unbuffered, so the client's TLS
 * hello stays on the socket for the handshake. Every connection runs on its own virtual thread.
 */
final class StartTlsServer implements AutoCloseable {

    /** The plain-text part of one session; returns whether TLS starts now. */
    @FunctionalInterface
    interface Dialogue {
        boolean talk(Session s) throws IOException;
    }

    /** The plain connection as the dialogue sees it. */
    static final class Session {
        private final InputStream in;
        private final OutputStream out;

        Session(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new EOFException("the client closed the connection");
                }
                b.write(c);
            }
            String s = b.toString(StandardCharsets.UTF_8);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        byte[] read(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new EOFException("the client closed the connection");
            }
            return b;
        }

        /** Bytes up to and with the first occurrence of {@code end}. */
        String until(String end) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (!b.toString(StandardCharsets.UTF_8).endsWith(end)) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("the client closed the connection");
                }
                b.write(c);
            }
            return b.toString(StandardCharsets.UTF_8);
        }

        void send(String text) throws IOException {
            write(text.getBytes(StandardCharsets.UTF_8));
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }
    }

    private final ServerSocket server;
    private final SSLContext context;
    private final Dialogue dialogue;
    /** What went wrong on the server's side, for assertions that the client spoke the protocol right. */
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    /** How many sessions reached a completed TLS handshake. */
    final java.util.concurrent.atomic.AtomicInteger handshakes = new java.util.concurrent.atomic.AtomicInteger();

    StartTlsServer(IssuedCertificate certificate, Dialogue dialogue) throws Exception {
        this.context = context(certificate);
        this.dialogue = dialogue;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(10_000);
            if (!dialogue.talk(new Session(s.getInputStream(), s.getOutputStream()))) {
                return;
            }
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(s, null, s.getPort(), false);
            tls.setUseClientMode(false);
            tls.startHandshake();
            handshakes.incrementAndGet();
            tls.close();
        } catch (SocketException | EOFException e) {
            // the client hung up, as a prober may once it has the certificate or has given up
        } catch (IOException | RuntimeException e) {
            failures.add(e);
        }
    }

    static SSLContext context(IssuedCertificate cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", cert.privateKey(), new char[0], cert.chain().toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

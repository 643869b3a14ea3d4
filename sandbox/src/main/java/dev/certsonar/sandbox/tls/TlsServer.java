package dev.certsonar.sandbox.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real JSSE TLS server on a local address that presents chosen certificate chains.
 *
 * <pre>{@code
 * try (TlsServer server = TlsServer.builder().chain(cert.privateKey(), cert.chain())
 *         .sni("other.test", other.privateKey(), other.chain()).start()) {
 *     int port = server.port();
 * }
 * }</pre>
 *
 * Each connection completes the handshake, reads the request head (if the client sends one), answers with a
 * small HTTP/1.0 response and closes. The chain is sent exactly as given: out of order, expired or weak.
 * The chain for a connection is picked by the SNI name the client asks for; without SNI, or for a name not
 * configured, the default chain is served (and with no default chain the handshake fails).
 *
 * <p>RSA-1024 keys and SHA-1 certificate signatures work with the JDK's default security settings. TLS 1.0 and
 * 1.1 are disabled by the JDK ({@code jdk.tls.disabledAlgorithms}) for every socket of the JVM; call
 * {@link #relaxLegacyConstraints()} before the first use of JSSE in the JVM to re-enable them.
 */
public final class TlsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TlsServer.class);
    private static final String DEFAULT_ALIAS = "default";
    private static final String SECOND_ALIAS = "second";
    private static final String SNI_ALIAS_PREFIX = "sni:";
    private static final String TLS_DISABLED_ALGORITHMS = "jdk.tls.disabledAlgorithms";
    private static final Set<String> LEGACY_PROTOCOLS = Set.of("TLSv1", "TLSv1.1");
    private static final int MAX_REQUEST_HEAD = 8 * 1024;
    private static final byte[] RESPONSE = ("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
            + "Connection: close\r\n\r\nok\n").getBytes(StandardCharsets.US_ASCII);

    private final SSLServerSocket serverSocket;
    private final Thread acceptor;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong handshakes = new AtomicLong();
    private final AtomicLong failedHandshakes = new AtomicLong();
    private final Duration ioTimeout;
    private volatile boolean closed;

    private TlsServer(SSLServerSocket serverSocket, Duration ioTimeout) {
        this.serverSocket = serverSocket;
        this.ioTimeout = ioTimeout;
        this.acceptor = Thread.ofPlatform().daemon().name("tls-server-" + serverSocket.getLocalPort()).unstarted(this::acceptLoop);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Re-enables TLS 1.0 and 1.1 for this JVM by removing them from the {@code jdk.tls.disabledAlgorithms} security
     * property. The JDK reads that property once, when JSSE first checks algorithm constraints, so this works only
     * when called before any TLS connection or {@code SSLContext} use in the JVM (for instance in a static
     * initialiser of the test class or the first lines of {@code main}). It affects clients and servers alike.
     *
     * @return true when the property was changed, false when it already allowed both protocols
     */
    public static synchronized boolean relaxLegacyConstraints() {
        String current = Security.getProperty(TLS_DISABLED_ALGORITHMS);
        if (current == null || current.isBlank()) {
            return false;
        }
        List<String> kept = new ArrayList<>();
        boolean changed = false;
        for (String entry : current.split(",")) {
            String trimmed = entry.trim();
            if (LEGACY_PROTOCOLS.contains(trimmed)) {
                changed = true;
            } else if (!trimmed.isEmpty()) {
                kept.add(trimmed);
            }
        }
        if (changed) {
            Security.setProperty(TLS_DISABLED_ALGORITHMS, String.join(", ", kept));
            log.info("Allowed TLSv1 and TLSv1.1 in this JVM ({} = {})", TLS_DISABLED_ALGORITHMS, String.join(", ", kept));
        }
        return changed;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public InetAddress address() {
        return serverSocket.getInetAddress();
    }

    /** {@code host:port} of the bound address ({@code [v6]:port} for IPv6). */
    public String hostAndPort() {
        String host = address().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
    }

    /** Connections accepted so far. */
    public long accepted() {
        return accepted.get();
    }

    /** Handshakes completed so far. */
    public long handshakes() {
        return handshakes.get();
    }

    /** Connections whose handshake failed so far. */
    public long failedHandshakes() {
        return failedHandshakes.get();
    }

    /** The protocols this server accepts. */
    public List<String> protocols() {
        return List.of(serverSocket.getEnabledProtocols());
    }

    /** Stops accepting, closes open connections and waits for the accepting thread to end. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            log.debug("Closing TLS server socket {}: {}", hostAndPort(), e.getMessage());
        }
        for (Socket connection : connections) {
            closeQuietly(connection);
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.debug("TLS server {} stopped after {} handshakes", hostAndPort(), handshakes.get());
    }

    @Override
    public String toString() {
        return "TlsServer[" + hostAndPort() + "]";
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("TLS server {} stopped accepting: {}", hostAndPort(), e.getMessage());
                }
                return;
            }
            connections.add(socket);
            accepted.incrementAndGet();
            if (closed) {
                closeQuietly(socket);
                return;
            }
            Thread.ofVirtual().name("tls-conn-" + port()).start(() -> serve((SSLSocket) socket));
        }
    }

    private void serve(SSLSocket socket) {
        try (socket) {
            socket.setSoTimeout((int) ioTimeout.toMillis());
            try {
                socket.startHandshake();
                handshakes.incrementAndGet();
            } catch (IOException e) {
                failedHandshakes.incrementAndGet();
                log.debug("TLS handshake on {} from {} failed: {}", hostAndPort(), socket.getRemoteSocketAddress(), e.toString());
                return;
            }
            readRequestHead(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write(RESPONSE);
            out.flush();
        } catch (SocketException e) {
            log.trace("Connection on {} ended: {}", hostAndPort(), e.getMessage());
        } catch (IOException e) {
            log.debug("Connection on {} failed: {}", hostAndPort(), e.toString());
        } finally {
            connections.remove(socket);
        }
    }

    /** Reads until the end of an HTTP request head, end of stream, a size limit or the timeout. */
    private static void readRequestHead(InputStream in) throws IOException {
        byte[] buffer = new byte[512];
        int total = 0;
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        try {
            int n;
            while (total < MAX_REQUEST_HEAD && (n = in.read(buffer)) > 0) {
                total += n;
                for (int i = 0; i < n; i++) {
                    matched = buffer[i] == end[matched] ? matched + 1 : (buffer[i] == '\r' ? 1 : 0);
                    if (matched == end.length) {
                        return;
                    }
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            // the client sent no request: answer anyway
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.trace("Closing {}: {}", socket, e.getMessage());
        }
    }

    private static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("127.0.0.1 is not a valid address", e);
        }
    }

    /** A key and the chain served with it. */
    private record Entry(PrivateKey key, X509Certificate[] chain) {
        Entry {
            Objects.requireNonNull(key, "privateKey");
            if (chain.length == 0) {
                throw new IllegalArgumentException("a served chain needs at least one certificate");
            }
        }
    }

    public static final class Builder {
        private InetAddress bind;
        private int port;
        private int backlog = 128;
        private Duration ioTimeout = Duration.ofSeconds(5);
        private Entry defaultEntry;
        private Entry secondEntry;
        private final Map<String, Entry> byName = new LinkedHashMap<>();
        private String[] protocols;
        private String[] cipherSuites;

        private Builder() {
        }

        /** The local address to listen on; default 127.0.0.1. */
        public Builder bind(InetAddress address) {
            this.bind = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The port; 0 (default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        /** How long a connection may stay silent during the handshake or request; default 5 s. */
        public Builder ioTimeout(Duration timeout) {
            this.ioTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The default chain, sent in exactly this order; its first certificate should hold the key's public half. */
        public Builder chain(PrivateKey key, List<X509Certificate> servedInThisOrder) {
            this.defaultEntry = new Entry(key, servedInThisOrder.toArray(X509Certificate[]::new));
            return this;
        }

        /** The default chain: the certificate and its issuers below the root. */
        public Builder chain(IssuedCertificate certificate) {
            return chain(certificate.privateKey(), certificate.chain());
        }

        /**
         * A second default chain whose key is of another type than the first's (dual certificates: an RSA chain beside
         * an ECDSA one): each handshake gets the first chain whose key fits what the client offers.
         */
        public Builder secondChain(IssuedCertificate certificate) {
            this.secondEntry = new Entry(certificate.privateKey(), certificate.chain().toArray(X509Certificate[]::new));
            return this;
        }

        /** The chain served to clients that ask for {@code name} by SNI (case-insensitive). */
        public Builder sni(String name, PrivateKey key, List<X509Certificate> servedInThisOrder) {
            byName.put(name.toLowerCase(Locale.ROOT), new Entry(key, servedInThisOrder.toArray(X509Certificate[]::new)));
            return this;
        }

        public Builder sni(String name, IssuedCertificate certificate) {
            return sni(name, certificate.privateKey(), certificate.chain());
        }

        /** The protocols to accept, e.g. {@code "TLSv1.3", "TLSv1.2"}; default: the JDK's server defaults. */
        public Builder protocols(String... protocols) {
            this.protocols = protocols.clone();
            return this;
        }

        /** The cipher suites to accept; default: the JDK's defaults. */
        public Builder cipherSuites(String... cipherSuites) {
            this.cipherSuites = cipherSuites.clone();
            return this;
        }

        public TlsServer start() {
            if (defaultEntry == null && byName.isEmpty()) {
                throw new IllegalStateException("A TLS server needs a chain: call chain(...) or sni(...)");
            }
            InetAddress address = bind != null ? bind : ipv4Loopback();
            SSLServerSocket socket;
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(new KeyManager[] {new ChainByNameKeyManager(defaultEntry, secondEntry, Map.copyOf(byName))}, null, null);
                socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
                socket.setReuseAddress(true);
                if (protocols != null) {
                    socket.setEnabledProtocols(protocols);
                }
                if (cipherSuites != null) {
                    socket.setEnabledCipherSuites(cipherSuites);
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException("Cannot set up TLS server: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create TLS server socket: " + e.getMessage(), e);
            }
            try {
                socket.bind(new InetSocketAddress(address, port), backlog);
            } catch (IOException e) {
                try {
                    socket.close();
                } catch (IOException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
                throw new UncheckedIOException("TLS server cannot listen on " + address.getHostAddress() + ":" + port
                        + ": " + e.getMessage(), e);
            }
            TlsServer server = new TlsServer(socket, ioTimeout);
            server.acceptor.start();
            log.debug("TLS server listening on {} (protocols {}, SNI names {})", server.hostAndPort(),
                    String.join(",", socket.getEnabledProtocols()), byName.keySet());
            return server;
        }
    }

    /** Serves the chain registered for the SNI name the client requested, else the default chain. */
    private static final class ChainByNameKeyManager extends X509ExtendedKeyManager {
        private final Entry defaultEntry;
        private final Entry secondEntry;
        private final Map<String, Entry> byName;

        ChainByNameKeyManager(Entry defaultEntry, Entry secondEntry, Map<String, Entry> byName) {
            this.defaultEntry = defaultEntry;
            this.secondEntry = secondEntry;
            this.byName = byName;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            SSLSession session = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
            return choose(keyType, session);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return choose(keyType, engine == null ? null : engine.getHandshakeSession());
        }

        private String choose(String keyType, SSLSession session) {
            String alias = aliasFor(session);
            Entry entry = entry(alias);
            if (DEFAULT_ALIAS.equals(alias) && secondEntry != null && (entry == null || !fits(keyType, entry.key()))
                    && fits(keyType, secondEntry.key())) {
                return SECOND_ALIAS;
            }
            return entry != null && fits(keyType, entry.key()) ? alias : null;
        }

        private String aliasFor(SSLSession session) {
            if (session instanceof ExtendedSSLSession extended) {
                for (SNIServerName name : extended.getRequestedServerNames()) {
                    if (name instanceof SNIHostName host) {
                        String lower = host.getAsciiName().toLowerCase(Locale.ROOT);
                        if (byName.containsKey(lower)) {
                            return SNI_ALIAS_PREFIX + lower;
                        }
                    }
                }
            }
            return DEFAULT_ALIAS;
        }

        private static boolean fits(String keyType, PrivateKey key) {
            if (keyType == null) {
                return true;
            }
            String algorithm = key.getAlgorithm();
            return keyType.equalsIgnoreCase(algorithm) || keyType.toUpperCase(Locale.ROOT).startsWith(algorithm + "_");
        }

        private Entry entry(String alias) {
            if (DEFAULT_ALIAS.equals(alias)) {
                return defaultEntry;
            }
            if (SECOND_ALIAS.equals(alias)) {
                return secondEntry;
            }
            if (alias != null && alias.startsWith(SNI_ALIAS_PREFIX)) {
                return byName.get(alias.substring(SNI_ALIAS_PREFIX.length()));
            }
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Entry entry = entry(alias);
            return entry == null ? null : entry.chain().clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Entry entry = entry(alias);
            return entry == null ? null : entry.key();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            List<String> aliases = new ArrayList<>();
            if (defaultEntry != null && fits(keyType, defaultEntry.key())) {
                aliases.add(DEFAULT_ALIAS);
            }
            if (secondEntry != null && fits(keyType, secondEntry.key())) {
                aliases.add(SECOND_ALIAS);
            }
            byName.forEach((name, entry) -> {
                if (fits(keyType, entry.key())) {
                    aliases.add(SNI_ALIAS_PREFIX + name);
                }
            });
            return aliases.isEmpty() ? null : aliases.toArray(String[]::new);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return null;
        }

        @Override
        public String toString() {
            return "ChainByNameKeyManager" + byName.keySet().stream().collect(Collectors.joining(",", "[", "]"));
        }
    }
}

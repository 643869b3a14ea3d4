package dev.certsonar.scanner.tls;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Makes the client engine of each probe's handshake, offering every protocol version from TLS 1.3 down to TLS 1.0 and
 * every usable cipher suite, sending the given server name, never resuming a session (so every handshake shows the
 * certificate), and handing the served chain to the capturing trust manager.
 */
sealed interface ClientEngines permits ClientEngines.Jdk, ClientEngines.BoringSsl {

    Logger log = LoggerFactory.getLogger(ClientEngines.class);

    /** A client engine sending {@code sni} (none when null). */
    SSLEngine create(String sni);

    /** Frees what the engine holds outside the heap; the engine is not used afterwards. */
    default void release(SSLEngine engine) {
    }

    TlsLibrary library();

    /** The version and cipher suite negotiated so far, as the JDK names them; null when not known yet. */
    record Negotiated(String protocol, String cipherSuite) {

        /** What {@code engine} has negotiated by the time the server's certificate is being checked. */
        static Negotiated during(SSLEngine engine) {
            if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
                // BoringSSL's handshake session learns the cipher suite only at the end; the SSL object knows it earlier
                synchronized (openSsl) {
                    long ssl = openSsl.sslPointer();
                    if (ssl == 0) {
                        return new Negotiated(null, null);
                    }
                    String protocol = SSL.getVersion(ssl);
                    String cipher = SSL.getCipherForSSL(ssl);
                    return new Negotiated(protocol, cipher == null ? null : CipherSuiteConverter.toJava(cipher, "TLS"));
                }
            }
            SSLSession s = engine.getHandshakeSession();
            return s == null ? new Negotiated(null, null) : new Negotiated(s.getProtocol(), s.getCipherSuite());
        }
    }

    /**
     * The OCSP response the server stapled in this engine's handshake so far (the status_request extension, which both
     * libraries' engines send); null when none.
     */
    static byte[] stapledOcsp(SSLEngine engine) {
        try {
            if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
                byte[] response = openSsl.getOcspResponse();
                return response == null || response.length == 0 ? null : response;
            }
            SSLSession handshaking = engine.getHandshakeSession();
            for (SSLSession s : handshaking == null ? List.of(engine.getSession()) : List.of(handshaking, engine.getSession())) {
                if (s instanceof ExtendedSSLSession session && !session.getStatusResponses().isEmpty()
                        && session.getStatusResponses().getFirst().length > 0) {
                    return session.getStatusResponses().getFirst();
                }
            }
        } catch (RuntimeException e) {
            // an engine that cannot say (not asked for stapling, already freed) stapled nothing the scanner can use
        }
        return null;
    }

    /** The engines of {@code library}; BoringSSL falls back to the JDK's engines, with a warning, when it cannot load. */
    static ClientEngines of(TlsLibrary library, CapturingTrustManager trustManager, int maxHandshakeBytes) {
        if (library == TlsLibrary.BORINGSSL) {
            if (OpenSsl.isAvailable()) {
                return BoringSsl.create(trustManager, maxHandshakeBytes);
            }
            log.warn("BoringSSL cannot be loaded here ({}); probing with the JDK's TLS instead",
                    OpenSsl.unavailabilityCause() == null ? "no reason given" : OpenSsl.unavailabilityCause().toString());
        }
        Jsse.checkLegacyTls();
        return new Jdk(Jsse.capturingContext(trustManager));
    }

    /**
     * The JDK's engines offering only RSA signature algorithms (and, for TLS 1.2 and older, only cipher suites of an
     * RSA certificate). The JDK's, whatever the configured library: netty-tcnative cannot set the signature algorithms
     * a BoringSSL client offers.
     */
    static ClientEngines rsaOnly(CapturingTrustManager trustManager) {
        Jsse.checkLegacyTls();
        SSLContext context = Jsse.capturingContext(trustManager);
        return new Jdk(context, Jsse.ClientOffer.of(context).rsaOnly());
    }

    /** The JDK's TLS (JSSE), with the scanner's relaxed algorithm constraints ({@link Jsse#relaxConstraints()}). */
    record Jdk(SSLContext context, Jsse.ClientOffer offer) implements ClientEngines {

        Jdk(SSLContext context) {
            this(context, Jsse.ClientOffer.of(context));
        }

        @Override
        public SSLEngine create(String sni) {
            return Jsse.clientEngine(context, offer, sni);
        }

        @Override
        public TlsLibrary library() {
            return TlsLibrary.JDK;
        }
    }

    /**
     * BoringSSL through netty-tcnative. Engines are reference-counted: {@link #release} frees the native SSL object at
     * once instead of leaving it to the garbage collector.
     */
    record BoringSsl(SslContext context) implements ClientEngines {

        static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"};

        /** Engines whose certificate message may be as large as the scanner lets a handshake be. */
        static BoringSsl create(CapturingTrustManager trustManager, int maxHandshakeBytes) {
            Set<String> available = OpenSsl.availableJavaCipherSuites();
            List<String> suites = new ArrayList<>();
            for (String s : available) {
                String u = s.toUpperCase(Locale.ROOT);
                if (!u.contains("_NULL_") && !u.contains("_ANON_")) {
                    suites.add(s);
                }
            }
            try {
                List<String> protocols = new ArrayList<>();
                SSLEngine probe = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL_REFCNT).build()
                        .newEngine(UnpooledByteBufAllocator.DEFAULT);
                try {
                    Set<String> supported = Set.of(probe.getSupportedProtocols());
                    for (String p : PROTOCOLS) {
                        if (supported.contains(p)) {
                            protocols.add(p);
                        }
                    }
                } finally {
                    ReferenceCountUtil.safeRelease(probe);
                }
                SslContext ctx = SslContextBuilder.forClient()
                        .sslProvider(SslProvider.OPENSSL_REFCNT)
                        .trustManager(trustManager)
                        .endpointIdentificationAlgorithm(null)
                        .protocols(protocols)
                        .ciphers(suites)
                        .sessionCacheSize(1)
                        .sessionTimeout(1)
                        .option(OpenSslContextOption.MAX_CERTIFICATE_LIST_BYTES, maxHandshakeBytes)
                        .enableOcsp(OpenSsl.isOcspSupported())
                        .build();
                return new BoringSsl(ctx);
            } catch (SSLException e) {
                throw new IllegalStateException("cannot create the BoringSSL context of the scanner", e);
            }
        }

        @Override
        public SSLEngine create(String sni) {
            SSLEngine engine = context.newEngine(UnpooledByteBufAllocator.DEFAULT);
            if (sni != null) {
                SSLParameters params = engine.getSSLParameters();
                params.setServerNames(List.of(new SNIHostName(sni)));
                engine.setSSLParameters(params);
            }
            return engine;
        }

        @Override
        public void release(SSLEngine engine) {
            ReferenceCountUtil.safeRelease(engine);
        }

        @Override
        public TlsLibrary library() {
            return TlsLibrary.BORINGSSL;
        }
    }
}

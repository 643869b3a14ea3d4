package dev.certsonar.scanner.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.TrustManager;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Security;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The JSSE set-up of the scanner. A scanner must see the certificate of legacy servers too (TLS 1.0 and 1.1, SHA-1
 * handshake signatures, RSA key exchange), which the JDK disables by default; those are judged and named afterwards.
 * The JDK reads its algorithm constraints once per process, when JSSE first initialises, so {@link #relaxConstraints()}
 * sets the relaxed constraints for the whole process and must run before any TLS is used. Certificates are judged by
 * the scanner itself (the {@code judge} package), so the JDK's certificate path constraints stay as they are, and other TLS
 * clients of the process keep offering TLS 1.3 and 1.2 only by default.
 */
public final class Jsse {

    private static final Logger log = LoggerFactory.getLogger(Jsse.class);

    /** What stays disabled when scanning: only what no server can legitimately need. */
    public static final String TLS_DISABLED = "SSLv3, DTLSv1.0, NULL, anon";

    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"};

    private static boolean legacyChecked;

    private Jsse() {
    }

    /**
     * Relaxes the process's TLS algorithm constraints so legacy servers can be probed; idempotent. Also raises the
     * JDK's limits on handshake message size and chain length, which the scanner bounds itself.
     */
    public static synchronized void relaxConstraints() {
        if (TLS_DISABLED.equals(Security.getProperty("jdk.tls.disabledAlgorithms"))) {
            return;
        }
        Security.setProperty("jdk.tls.disabledAlgorithms", TLS_DISABLED);
        // other TLS clients of the process (Kafka, webhooks) keep offering only TLS 1.3 and 1.2 by default
        setIfAbsent("jdk.tls.client.protocols", "TLSv1.3,TLSv1.2");
        setIfAbsent("jdk.tls.maxHandshakeMessageSize", Integer.toString(1 << 20));
        setIfAbsent("jdk.tls.maxCertificateChainLength", "32");
        // asks servers to staple an OCSP response (status_request): the revocation check uses it first
        setIfAbsent("jdk.tls.client.enableStatusRequestExtension", "true");
    }

    /**
     * Warns once when this process cannot offer TLS 1.0 and 1.1 after all (TLS was used before
     * {@link #relaxConstraints()}); checked when the JDK's TLS is first needed, since the check itself starts JSSE.
     */
    static synchronized void checkLegacyTls() {
        if (legacyChecked) {
            return;
        }
        legacyChecked = true;
        if (legacyTlsAvailable()) {
            log.debug("relaxed TLS algorithm constraints for scanning: {}", TLS_DISABLED);
        } else {
            log.warn("TLS 1.0 and 1.1 servers cannot be probed in this process: TLS was used before the scanner relaxed "
                    + "the JDK's algorithm constraints (start the scanner first, or run the JVM with "
                    + "-Djava.security.properties naming a file that sets jdk.tls.disabledAlgorithms={})", TLS_DISABLED);
        }
    }

    /** Whether this process can still offer TLS 1.0 (the JDK reads its constraints once, when TLS is first used). */
    public static boolean legacyTlsAvailable() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, null, null);
            SSLEngine engine = ctx.createSSLEngine();
            engine.setUseClientMode(true);
            engine.setEnabledProtocols(new String[]{"TLSv1"});
            engine.beginHandshake();
            java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(java.nio.ByteBuffer.allocate(0), out);
            return out.position() > 0;
        } catch (GeneralSecurityException | javax.net.ssl.SSLException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** A client context whose trust manager records the served chain and accepts it; judgement comes afterwards. */
    static SSLContext capturingContext(CapturingTrustManager trustManager) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{trustManager}, new SecureRandom());
            ctx.getClientSessionContext().setSessionCacheSize(1);
            ctx.getClientSessionContext().setSessionTimeout(1);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the TLS context of the scanner", e);
        }
    }

    /**
     * What every client engine of a context offers: TLS 1.3 to 1.0 and every usable cipher suite. Worked out once per
     * context; {@link #clientEngine} applies it with the server name of one connection.
     */
    record ClientOffer(String[] protocols, String[] cipherSuites, String[] signatureSchemes) {

        /** The signature schemes of an RSA key: what a server with an RSA certificate can sign its handshake with. */
        static final String[] RSA_SIGNATURE_SCHEMES = {"rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512",
                "rsa_pkcs1_sha256", "rsa_pkcs1_sha384", "rsa_pkcs1_sha512", "rsa_pkcs1_sha1"};

        ClientOffer(String[] protocols, String[] cipherSuites) {
            this(protocols, cipherSuites, null);
        }

        /**
         * This offer with only RSA signature schemes and, for TLS 1.2 and older, only the cipher suites of an RSA
         * certificate (ECDHE_RSA, DHE_RSA, RSA key exchange): a server holding an RSA certificate beside an ECDSA one
         * must answer with the RSA one, and a server holding only an ECDSA certificate must refuse.
         */
        ClientOffer rsaOnly() {
            List<String> suites = new ArrayList<>();
            for (String s : cipherSuites) {
                String u = s.toUpperCase(Locale.ROOT);
                boolean tls13 = u.startsWith("TLS_AES_") || u.startsWith("TLS_CHACHA20_");
                boolean rsaAuthenticated = u.contains("_RSA_") && !u.contains("_ECDH_RSA_") && !u.contains("_ECDSA_")
                        && !u.contains("_DSS_") && !u.contains("_PSK_");
                if (tls13 || rsaAuthenticated || u.endsWith("_SCSV")) {
                    suites.add(s);
                }
            }
            return new ClientOffer(protocols, suites.toArray(String[]::new), RSA_SIGNATURE_SCHEMES);
        }

        static ClientOffer of(SSLContext ctx) {
            SSLEngine engine = ctx.createSSLEngine();
            engine.setUseClientMode(true);
            Set<String> supported = Set.of(engine.getSupportedProtocols());
            List<String> protocols = new ArrayList<>();
            for (String p : PROTOCOLS) {
                if (supported.contains(p)) {
                    protocols.add(p);
                }
            }
            Set<String> suites = new LinkedHashSet<>(List.of(engine.getEnabledCipherSuites()));
            for (String s : engine.getSupportedCipherSuites()) {
                String u = s.toUpperCase(Locale.ROOT);
                if (!u.contains("_NULL_") && !u.contains("_ANON_") && !u.contains("KRB5")) {
                    suites.add(s);
                }
            }
            return new ClientOffer(protocols.toArray(String[]::new), suites.toArray(String[]::new));
        }
    }

    /**
     * A client engine without a peer identity (so no session is ever resumed and every handshake shows the
     * certificate), offering TLS 1.3 to 1.0 and every usable cipher suite, sending {@code sni} when not null.
     */
    static SSLEngine clientEngine(SSLContext ctx, String sni) {
        return clientEngine(ctx, ClientOffer.of(ctx), sni);
    }

    /** As {@link #clientEngine(SSLContext, String)}, with the offer worked out beforehand. */
    static SSLEngine clientEngine(SSLContext ctx, ClientOffer offer, String sni) {
        SSLEngine engine = ctx.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters params = new SSLParameters(offer.cipherSuites().clone(), offer.protocols().clone());
        params.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        params.setEndpointIdentificationAlgorithm(null);
        if (offer.signatureSchemes() != null) {
            params.setSignatureSchemes(offer.signatureSchemes().clone());
        }
        engine.setSSLParameters(params);
        return engine;
    }
}

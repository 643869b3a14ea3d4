package dev.certsonar.scanner.starttls;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.judge.TrustAnchors;
import dev.certsonar.scanner.probe.ProbeEngine;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Target;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SMTP STARTTLS against a protocol-faithful local SMTP server that upgrades to TLS. */
class SmtpStartTlsTest {

    /** Serves one SMTP session: greeting, EHLO (offering STARTTLS or not), STARTTLS, then a TLS handshake. */
    static ServerSocket smtpServer(IssuedCertificate cert, boolean offerStartTls) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", cert.privateKey(), new char[0], cert.chain().toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII), 1);
                out.write("220-mail.test ESMTP\r\n220 ready\r\n".getBytes(StandardCharsets.US_ASCII));
                String ehlo = in.readLine();
                if (ehlo == null || !ehlo.startsWith("EHLO ")) {
                    out.write("500 expected EHLO\r\n".getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                out.write(("250-mail.test\r\n250-SIZE 1000000\r\n" + (offerStartTls ? "250 STARTTLS\r\n" : "250 8BITMIME\r\n"))
                        .getBytes(StandardCharsets.US_ASCII));
                if (!offerStartTls) {
                    in.readLine();
                    return;
                }
                if (!"STARTTLS".equals(in.readLine())) {
                    return;
                }
                out.write("220 2.0.0 go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
                SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(s, null, s.getPort(), false);
                tls.setUseClientMode(false);
                tls.startHandshake();
                tls.close();
            } catch (Exception ignored) {
                // what the scanner saw is what is tested
            }
        });
        return server;
    }

    @Test
    void smtpUpgradesToTlsAndShowsTheCertificate() throws Exception {
        CertificateAuthority root = Pki.root("Mail Root");
        IssuedCertificate cert = root.intermediate("Mail CA").leaf().dnsNames("mail.test").validFor(Duration.ofDays(90)).issue();
        try (ServerSocket server = smtpServer(cert, true);
             ProbeEngine engine = new ProbeEngine(ScannerConfig.DEFAULT.withTimeout(Duration.ofSeconds(5)), Clock.systemUTC(),
                     TrustAnchors.of(List.of(root.certificate())))) {
            Target t = TargetSpecs.parse("smtp://127.0.0.1:" + server.getLocalPort(), Map.of("sni", "mail.test"), false);
            Observation o = engine.scan(t, "s").get(0);
            assertThat(o.getOutcome()).as("error: %s", o.getError()).isEqualTo(Outcome.OK);
            assertThat(o.getChain().get(0).getSans()).containsExactly("mail.test");
            assertThat(o.getChecks().getTrusted()).isTrue();
            assertThat(o.getTimings().getStarttlsMillis()).isNotNull();
        }
    }

    @Test
    void aServerWithoutStartTlsIsNoTlsWithItsAnswer() throws Exception {
        IssuedCertificate cert = Pki.selfSigned().dnsNames("mail.test").validFor(Duration.ofDays(90)).issue();
        try (ServerSocket server = smtpServer(cert, false);
             ProbeEngine engine = new ProbeEngine(ScannerConfig.DEFAULT.withTimeout(Duration.ofSeconds(5)), Clock.systemUTC(),
                     TrustAnchors.of(List.of()))) {
            Observation o = engine.scan(TargetSpecs.parse("smtp://127.0.0.1:" + server.getLocalPort()), "s").get(0);
            assertThat(o.getOutcome()).isEqualTo(Outcome.NO_TLS);
            assertThat(o.getError()).contains("does not offer STARTTLS", "250 8BITMIME");
        }
    }
}

package dev.certsonar.scanner.starttls;

import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pki;
import dev.certsonar.sandbox.tls.TlsServer;
import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.judge.TrustAnchors;
import dev.certsonar.scanner.probe.ProbeEngine;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * STARTTLS of every protocol against protocol-faithful local servers that upgrade the connection to TLS, and the
 * refusals of each, which are NO_TLS with the server's answer.
 */
class StartTlsTest {

    static final String NAME = "svc.test";
    static CertificateAuthority root;
    static IssuedCertificate cert;
    static ProbeEngine engine;

    @BeforeAll
    static void setUp() {
        root = Pki.root("StartTLS Root");
        cert = root.intermediate("StartTLS CA").leaf().dnsNames(NAME).validFor(Duration.ofDays(90)).issue();
        engine = new ProbeEngine(ScannerConfig.DEFAULT.withTimeout(Duration.ofSeconds(5)), Clock.systemUTC(),
                TrustAnchors.of(List.of(root.certificate())));
    }

    @AfterAll
    static void tearDown() {
        engine.close();
    }

    static Observation scan(String scheme, StartTlsServer server) {
        return engine.scan(TargetSpecs.parse(scheme + "://127.0.0.1:" + server.port(), Map.of("sni", NAME), false), "s").get(0);
    }

    static void assertUpgraded(Observation o, StartTlsServer server) {
        assertThat(o.getOutcome()).as("error: %s; server: %s", o.getError(), server.failures).isEqualTo(Outcome.OK);
        assertThat(o.getChain().get(0).getSans()).containsExactly(NAME);
        assertThat(o.getChecks().getTrusted()).isTrue();
        assertThat(o.getTimings().getStarttlsMillis()).isNotNull();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.handshakes).hasValue(1));
        assertThat(server.failures).isEmpty();
    }

    static Observation refused(String scheme, StartTlsServer.Dialogue dialogue) throws Exception {
        try (StartTlsServer server = new StartTlsServer(cert, dialogue)) {
            Observation o = scan(scheme, server);
            assertThat(o.getOutcome()).as("error: %s", o.getError()).isEqualTo(Outcome.NO_TLS);
            assertThat(server.handshakes).hasValue(0);
            return o;
        }
    }

    @ParameterizedTest(name = "{0}:// defaults to port {1}")
    @CsvSource({"tls, 443", "https, 443", "smtp, 25", "smtps, 465", "imap, 143", "imaps, 993", "pop3, 110", "pop3s, 995",
            "ftp, 21", "ldap, 389", "ldaps, 636", "xmpp, 5222", "postgres, 5432", "postgresql, 5432", "mysql, 3306"})
    void everySchemeHasItsDefaultPort(String scheme, int port) {
        assertThat(TargetSpecs.parse(scheme + "://host.example").getPorts()).containsExactly(port);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tls", "https", "smtps", "imaps", "pop3s", "ldaps"})
    void implicitTlsHandshakesAtOnce(String scheme) {
        try (TlsServer server = TlsServer.builder().chain(cert).start()) {
            Observation o = engine.scan(TargetSpecs.parse(scheme + "://127.0.0.1:" + server.port(), Map.of("sni", NAME), false), "s").get(0);
            assertThat(o.getOutcome()).as("error: %s", o.getError()).isEqualTo(Outcome.OK);
            assertThat(o.getChecks().getTrusted()).isTrue();
            assertThat(o.getTimings().getStarttlsMillis()).isNull();
        }
    }

    // IMAP

    static StartTlsServer.Dialogue imap(String greeting, String capability, String startTlsAnswer) {
        return s -> {
            s.send(greeting + "\r\n");
            while (true) {
                String line = s.line();
                String tag = line.substring(0, line.indexOf(' '));
                String command = line.substring(tag.length() + 1);
                if (command.equals("CAPABILITY")) {
                    s.send("* CAPABILITY " + capability + "\r\n" + tag + " OK CAPABILITY completed\r\n");
                } else if (command.equals("STARTTLS")) {
                    s.send(tag + " " + startTlsAnswer + "\r\n");
                    return startTlsAnswer.startsWith("OK");
                } else {
                    s.send(tag + " BAD unknown command\r\n");
                }
            }
        };
    }

    @Test
    void imapUpgradesAfterAskingForCapabilities() throws Exception {
        try (StartTlsServer server = new StartTlsServer(cert, imap("* OK IMAP4rev1 ready", "IMAP4rev1 STARTTLS LOGINDISABLED", "OK Begin TLS negotiation now"))) {
            assertUpgraded(scan("imap", server), server);
        }
    }

    @Test
    void imapUpgradesWithCapabilitiesInTheGreeting() throws Exception {
        try (StartTlsServer server = new StartTlsServer(cert, imap("* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS AUTH=PLAIN] ready", "", "OK go"))) {
            assertUpgraded(scan("imap", server), server);
        }
    }

    @Test
    void imapWithoutStartTlsIsNoTls() throws Exception {
        Observation o = refused("imap", imap("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready", "", "BAD no"));
        assertThat(o.getError()).contains("does not offer STARTTLS", "CAPABILITY IMAP4rev1 AUTH=PLAIN");
    }

    @Test
    void imapRefusingStartTlsIsNoTlsWithItsAnswer() throws Exception {
        Observation o = refused("imap", imap("* OK ready", "IMAP4rev1 STARTTLS", "NO [UNAVAILABLE] TLS is unavailable right now"));
        assertThat(o.getError()).contains("refused STARTTLS", "c2 NO [UNAVAILABLE] TLS is unavailable right now");
    }

    // POP3

    static StartTlsServer.Dialogue pop3(String capabilities, String stlsAnswer) {
        return s -> {
            s.send("+OK POP3 ready\r\n");
            while (true) {
                String line = s.line();
                if (line.equals("CAPA")) {
                    s.send(capabilities == null ? "-ERR unknown command\r\n" : "+OK\r\n" + capabilities + ".\r\n");
                } else if (line.equals("STLS")) {
                    s.send(stlsAnswer + "\r\n");
                    return stlsAnswer.startsWith("+OK");
                } else {
                    s.send("-ERR unknown command\r\n");
                }
            }
        };
    }

    @Test
    void pop3UpgradesWithStls() throws Exception {
        try (StartTlsServer server = new StartTlsServer(cert, pop3("TOP\r\nUSER\r\nSTLS\r\nSASL PLAIN\r\n", "+OK Begin TLS negotiation"))) {
            assertUpgraded(scan("pop3", server), server);
        }
    }

    @Test
    void pop3WithoutCapaIsAskedForStlsAllTheSame() throws Exception {
        try (StartTlsServer server = new StartTlsServer(cert, pop3(null, "+OK go"))) {
            assertUpgraded(scan("pop3", server), server);
        }
    }

    @Test
    void pop3WithoutStlsIsNoTls() throws Exception {
        Observation o = refused("pop3", pop3("TOP\r\nUSER\r\n", "-ERR no"));
        assertThat(o.getError()).contains("does not offer STLS", "TOP | USER");
    }

    @Test
    void pop3RefusingStlsIsNoTlsWithItsAnswer() throws Exception {
        Observation o = refused("pop3", pop3(null, "-ERR [SYS/TEMP] TLS not available"));
        assertThat(o.getError()).contains("refused STLS", "-ERR [SYS/TEMP] TLS not available");
    }

    // FTP

    static StartTlsServer.Dialogue ftp(String authAnswer) {
        return s -> {
            s.send("220-Welcome to the test FTP service\r\n Lines between may say anything\r\n220 FTP ready\r\n");
            String line = s.line();
            if (!line.equals("AUTH TLS")) {
                s.send("500 expected AUTH TLS\r\n");
                return false;
            }
            s.send(authAnswer + "\r\n");
            return authAnswer.startsWith("234");
        };
    }

    @Test
    void ftpUpgradesWithAuthTls() throws Exception {
        try (StartTlsServer server = new StartTlsServer(cert, ftp("234 AUTH TLS successful"))) {
            assertUpgraded(scan("ftp", server), server);
        }
    }

    @Test
    void ftpRefusingAuthTlsIsNoTlsWithItsAnswer() throws Exception {
        Observation o = refused("ftp", ftp("502 Command not implemented"));
        assertThat(o.getError()).contains("refused AUTH TLS", "502 Command not implemented");
    }

    // LDAP

    static StartTlsServer.Dialogue ldap(int resultCode, String diagnostic) {
        return s -> {
            byte[] header = s.read(2);
            byte[] request = s.read(header[1]);
            assertThat(header[0]).isEqualTo((byte) 0x30);
            assertThat(new String(request, StandardCharsets.ISO_8859_1)).contains(LdapPreamble.START_TLS_OID);
            ByteArrayOutputStream op = new ByteArrayOutputStream();
            op.writeBytes(new byte[]{0x0a, 0x01, (byte) resultCode, 0x04, 0x00, 0x04, (byte) diagnostic.length()});
            op.writeBytes(diagnostic.getBytes(StandardCharsets.US_ASCII));
            if (resultCode == 0) {
                byte[] oid = LdapPreamble.START_TLS_OID.getBytes(StandardCharsets.US_ASCII);
                op.write(0x8a);
                op.write(oid.length);
                op.writeBytes(oid);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(new byte[]{0x02, 0x01, 0x01, 0x78, (byte) op.size()});
            body.writeBytes(op.toByteArray());
            ByteArrayOutputStream msg = new ByteArrayOutputStream();
            msg.write(0x30);
            msg.write(body.size());
            msg.writeBytes(body.toByteArray());
            s.write(msg.toByteArray());
            return resultCode == 0;
        };
    }

    @Test
    void ldapUpgradesWithTheStartTlsExtendedOperation() throws Exception {
        try (StartTlsServer server = new StartTlsServer(cert, ldap(0, ""))) {
            assertUpgraded(scan("ldap", server), server);
        }
    }

    @Test
    void ldapRefusingStartTlsIsNoTlsWithItsResultCode() throws Exception {
        Observation o = refused("ldap", ldap(52, "TLS not configured"));
        assertThat(o.getError()).contains("refused StartTLS", "52 (unavailable)", "TLS not configured");
    }

    @Test
    void theLdapStartTlsRequestIsTheRfcEncoding() {
        byte[] oid = LdapPreamble.START_TLS_OID.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer expected = ByteBuffer.allocate(31);
        expected.put(new byte[]{0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, (byte) 0x80, 0x16}).put(oid);
        assertThat(LdapPreamble.startTlsRequest()).isEqualTo(expected.array());
    }

    // XMPP

    static StartTlsServer.Dialogue xmpp(AtomicReference<String> header, String features, String answer) {
        return s -> {
            header.set(s.until("'http://etherx.jabber.org/streams'>"));
            s.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
                    + " id='c2s-1' from='" + NAME + "' version='1.0' xml:lang='en'>\n  <stream:features>" + features + "</stream:features>");
            if (!features.contains("starttls")) {
                s.until(">");
                return false;
            }
            String request = s.until("/>");
            assertThat(request).isEqualTo("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            s.send(answer);
            return answer.startsWith("<proceed");
        };
    }

    static final String STARTTLS_FEATURE = "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
            + "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism></mechanisms>";

    @Test
    void xmppUpgradesAfterTheStreamFeatures() throws Exception {
        AtomicReference<String> header = new AtomicReference<>();
        try (StartTlsServer server = new StartTlsServer(cert, xmpp(header, STARTTLS_FEATURE,
                "<proceed xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/>"))) {
            assertUpgraded(scan("xmpp", server), server);
            assertThat(header.get()).contains("to='" + NAME + "'", "version='1.0'", "xmlns='jabber:client'");
        }
    }

    @Test
    void xmppWithoutStartTlsIsNoTls() throws Exception {
        Observation o = refused("xmpp", xmpp(new AtomicReference<>(),
                "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>", ""));
        assertThat(o.getError()).contains("does not offer STARTTLS", "mechanisms");
    }

    @Test
    void xmppFailureIsNoTlsWithTheAnswer() throws Exception {
        Observation o = refused("xmpp", xmpp(new AtomicReference<>(), STARTTLS_FEATURE,
                "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>"));
        assertThat(o.getError()).contains("refused STARTTLS", "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    }

    @Test
    void xmppStreamErrorIsNoTlsWithTheCondition() throws Exception {
        Observation o = refused("xmpp", s -> {
            s.until("'http://etherx.jabber.org/streams'>");
            s.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
                    + "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
            return false;
        });
        assertThat(o.getError()).contains("stream with an error", "host-unknown");
    }

    // PostgreSQL

    static StartTlsServer.Dialogue postgres(byte answer) {
        return s -> {
            ByteBuffer request = ByteBuffer.wrap(s.read(8));
            assertThat(request.getInt()).isEqualTo(8);
            assertThat(request.getInt()).isEqualTo(80877103);
            s.write(new byte[]{answer});
            return answer == 'S';
        };
    }

    @Test
    void postgresUpgradesAfterSslRequest() throws Exception {
        try (StartTlsServer server = new StartTlsServer(cert, postgres((byte) 'S'))) {
            assertUpgraded(scan("postgres", server), server);
        }
    }

    @Test
    void postgresWithoutSslIsNoTls() throws Exception {
        Observation o = refused("postgres", postgres((byte) 'N'));
        assertThat(o.getError()).contains("does not accept SSL", "'N'");
    }

    @Test
    void postgresErrorResponseIsNoTlsWithItsMessage() throws Exception {
        Observation o = refused("postgres", s -> {
            s.read(8);
            byte[] fields = "SFATAL\0C53300\0Msorry, too many clients already\0\0".getBytes(StandardCharsets.US_ASCII);
            s.write(ByteBuffer.allocate(5 + fields.length).put((byte) 'E').putInt(4 + fields.length).put(fields).array());
            return false;
        });
        assertThat(o.getError()).contains("FATAL", "(53300)", "sorry, too many clients already");
    }

    // MySQL

    static byte[] mysqlPacket(int sequence, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) payload.length).put((byte) (payload.length >> 8)).put((byte) (payload.length >> 16)).put((byte) sequence);
        return b.put(payload).array();
    }

    static byte[] mysqlHandshake(boolean ssl) {
        int caps = ssl ? 0xffff : 0xf7ff;
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(10);
        p.writeBytes("8.0.36-test\0".getBytes(StandardCharsets.US_ASCII));
        p.writeBytes(new byte[]{42, 0, 0, 0});
        p.writeBytes("abcdefgh".getBytes(StandardCharsets.US_ASCII));
        p.write(0);
        p.write(caps & 0xff);
        p.write(caps >> 8);
        p.write(0xff);
        p.writeBytes(new byte[]{2, 0});
        p.writeBytes(new byte[]{(byte) 0xff, (byte) 0xdf});
        p.write(21);
        p.writeBytes(new byte[10]);
        p.writeBytes("ijklmnopqrst\0".getBytes(StandardCharsets.US_ASCII));
        p.writeBytes("caching_sha2_password\0".getBytes(StandardCharsets.US_ASCII));
        return mysqlPacket(0, p.toByteArray());
    }

    @Test
    void mysqlUpgradesWithAnSslRequestPacket() throws Exception {
        AtomicReference<byte[]> request = new AtomicReference<>();
        try (StartTlsServer server = new StartTlsServer(cert, s -> {
            s.write(mysqlHandshake(true));
            request.set(s.read(4 + 32));
            return true;
        })) {
            assertUpgraded(scan("mysql", server), server);
        }
        ByteBuffer r = ByteBuffer.wrap(request.get()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(r.get(0)).isEqualTo((byte) 32);
        assertThat(r.get(3)).as("sequence").isEqualTo((byte) 1);
        int caps = r.getInt(4);
        assertThat(caps & MysqlPreamble.CLIENT_SSL).isNotZero();
        assertThat(caps & MysqlPreamble.CLIENT_PROTOCOL_41).isNotZero();
        assertThat(r.getInt(8)).as("max packet size").isPositive();
    }

    @Test
    void mysqlWithoutSslIsNoTls() throws Exception {
        Observation o = refused("mysql", s -> {
            s.write(mysqlHandshake(false));
            s.until("never");
            return false;
        });
        assertThat(o.getError()).contains("8.0.36-test", "does not offer SSL");
    }

    @Test
    void mysqlErrorPacketIsNoTlsWithItsMessage() throws Exception {
        Observation o = refused("mysql", s -> {
            byte[] message = "Host '127.0.0.1' is not allowed to connect to this MySQL server".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer p = ByteBuffer.allocate(3 + message.length).order(ByteOrder.LITTLE_ENDIAN);
            p.put((byte) 0xff).putShort((short) 1130).put(message);
            s.write(mysqlPacket(0, p.array()));
            return false;
        });
        assertThat(o.getError()).contains("1130", "is not allowed to connect");
    }

    // SMTP on the submission port speaks the same STARTTLS

    @Test
    void smtpOnTheSubmissionPortUpgrades() throws Exception {
        try (StartTlsServer server = new StartTlsServer(cert, s -> {
            s.send("220 submission.test ESMTP\r\n");
            assertThat(s.line()).startsWith("EHLO ");
            s.send("250-submission.test\r\n250-AUTH PLAIN\r\n250 STARTTLS\r\n");
            assertThat(s.line()).isEqualTo("STARTTLS");
            s.send("220 2.0.0 Ready to start TLS\r\n");
            return true;
        })) {
            assertUpgraded(scan("smtp", server), server);
        }
    }
}

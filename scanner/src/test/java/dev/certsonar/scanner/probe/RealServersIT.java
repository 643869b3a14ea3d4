package dev.certsonar.scanner.probe;

import dev.certsonar.scanner.ScannerConfig;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import dev.certsonar.schemas.policy.StatusRules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The probe engine against real servers from Debian's packages on loopback, started by
 * {@code src/test/servers/start-real-servers.sh}: PostgreSQL (SSLRequest), Dovecot (IMAP STARTTLS, POP3 STLS,
 * IMAPS, POP3S) and OpenLDAP's slapd (StartTLS extended operation, LDAPS). Each case skips, saying why, when its
 * server does not listen.
 */
class RealServersIT {

    static final Path SERVERS_DIR = Path.of(System.getenv().getOrDefault("CERTSONAR_TEST_SERVERS_DIR", "/var/lib/certsonar-test-servers"));
    static final Clock CLOCK = Clock.systemUTC();
    static ProbeEngine engine;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RealServersIT.class);

    @BeforeAll
    static void engine() {
        Path ca = SERVERS_DIR.resolve("cert.pem");
        engine = new ProbeEngine(ScannerConfig.DEFAULT.withTimeout(Duration.ofSeconds(10))
                .withCaFiles(Files.isReadable(ca) ? List.of(ca) : List.of()), CLOCK);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @ParameterizedTest(name = "{0} on 127.0.0.1:{1}")
    @CsvSource({
            "postgres, 5432, PostgreSQL",
            "imap, 10143, Dovecot IMAP",
            "pop3, 10110, Dovecot POP3",
            "imaps, 10993, Dovecot IMAPS",
            "pop3s, 10995, Dovecot POP3S",
            "ldap, 10389, OpenLDAP",
            "ldaps, 10636, OpenLDAP LDAPS"})
    void aRealServerShowsItsCertificate(String scheme, int port, String server) throws Exception {
        skipUnless(listening(port), server + " does not listen on 127.0.0.1:" + port
                + "; start it with scanner/src/test/servers/start-real-servers.sh");
        skipUnless(Files.isReadable(SERVERS_DIR.resolve("cert.pem")), "the certificate of the real servers is not at "
                + SERVERS_DIR.resolve("cert.pem") + "; start-real-servers.sh writes it");
        Observation o = engine.scan(TargetSpecs.parse(scheme + "://localhost:" + port, Map.of(), false), "real").stream()
                .filter(x -> "127.0.0.1".equals(x.getEndpoint().getAddress())).findFirst().orElseThrow();
        assertThat(o.getOutcome()).as("%s: %s", server, o.getError()).isEqualTo(Outcome.OK);
        assertThat(o.getChain()).hasSize(1);
        assertThat(o.getChain().get(0).getSubject()).isEqualTo("CN=localhost");
        assertThat(o.getChecks().getTrusted()).isTrue();
        assertThat(o.getChecks().getHostnameMatch()).isTrue();
        assertThat(o.getTlsVersion()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(StatusRules.status(o, ExpiryPolicy.DEFAULT, CLOCK.instant())).isEqualTo(Status.OK);
        if (!scheme.endsWith("s")) {
            assertThat(o.getTimings().getStarttlsMillis()).as("the STARTTLS exchange is timed").isNotNull();
        }
    }

    static void skipUnless(boolean condition, String reason) {
        if (!condition) {
            log.warn("skipped: {}", reason);
        }
        assumeTrue(condition, reason);
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

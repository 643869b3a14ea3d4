package dev.certsonar.aggregator;

import dev.certsonar.aggregator.http.ServiceIndex;
import dev.certsonar.schemas.avro.AlternateChain;
import dev.certsonar.schemas.avro.Certificate;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.ServiceStatus;
import dev.certsonar.schemas.avro.Severity;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.avro.Target;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An endpoint that serves an RSA chain beside its ECDSA one: the aggregator's status, conditions and inventory count
 * both chains.
 */
class DualCertificatesTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    static final Target SHOP = Obs.target("tls://shop.example.com:443", "shop", "team-web", "shop.example.com");
    static final String KEY = "|shop|tls://shop.example.com:443|10.0.0.1:443 sni=shop.example.com";

    @TempDir
    Path stateDir;
    Harness h;

    @BeforeEach
    void start() {
        h = new Harness(T0, stateDir);
        h.target(SHOP);
        h.scanRequests.readValuesToList();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** An ECDSA leaf valid for 200 days and, when {@code rsa} is not null, that RSA chain beside it. */
    Observation observation(Obs rsa, boolean rsaTrusted) {
        Observation ecdsa = Obs.lifetime(h.now(), Duration.ofDays(200), Duration.ofDays(199)).serial("ecdsa").build();
        if (rsa == null) {
            return ecdsa;
        }
        Observation second = (rsaTrusted ? rsa : rsa.untrusted()).build();
        Certificate leaf = second.getChain().get(0);
        CertificateRef ref = second.getExpiryCertificate();
        AlternateChain alternate = AlternateChain.newBuilder().setOffered("RSA signature algorithms only")
                .setTlsVersion("TLSv1.3").setCipherSuite("TLS_AES_128_GCM_SHA256").setChain(List.of(leaf))
                .setNotAfter(leaf.getNotAfter()).setExpiryCertificate(ref).setChecks(second.getChecks()).build();
        return Observation.newBuilder(ecdsa).setAlternateChains(List.of(alternate))
                .setNotAfter(leaf.getNotAfter()).setExpiryCertificate(ref).build();
    }

    static Obs rsaWith3DaysLeft(Instant now) {
        return Obs.lifetime(now, Duration.ofDays(90), Duration.ofDays(3)).serial("rsa");
    }

    @Test
    void anExpiringRsaChainMakesTheServiceCriticalNamingItsCertificateAndIsInTheInventory() {
        Obs rsa = rsaWith3DaysLeft(h.now());
        String rsaSha = rsa.leaf().getSha256();
        h.observe(observation(rsa, true));

        ServiceStatus s = h.onlyStatus();
        assertThat(s.getStatus()).isEqualTo(Status.CRITICAL);
        assertThat(s.getNotAfter()).isEqualTo(rsa.leaf().getNotAfter());
        assertThat(s.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo(ConditionType.EXPIRING);
            assertThat(c.getLevel()).isEqualTo(Severity.CRITICAL);
            assertThat(c.getCertificate().getSha256()).isEqualTo(rsaSha);
        });
        assertThat(s.getEndpoints()).singleElement().satisfies(e -> {
            assertThat(e.getLeaf().getSha256()).isNotEqualTo(rsaSha);
            assertThat(e.getAlternateLeaves()).extracting(CertificateRef::getSha256).containsExactly(rsaSha);
        });
        KeyValueStore<String, String> inventory = h.driver.getKeyValueStore(StoreNames.INVENTORY);
        assertThat(inventory.get(rsaSha + KEY)).as("the RSA leaf is in the inventory").isNotNull();
        ServiceIndex index = new ServiceIndex();
        index.put("shop", s);
        assertThat(index.certificates(c -> c.sha256().equals(rsaSha), 0, 10).items()).singleElement().satisfies(row -> {
            assertThat(row.notAfter()).isEqualTo(rsa.leaf().getNotAfter());
            assertThat(row.endpointsByService()).containsEntry("shop", List.of("10.0.0.1:443 sni=shop.example.com"));
        });

        // the server stops serving the RSA certificate: the endpoint is judged by its ECDSA chain, the inventory forgets it
        h.advance(Duration.ofHours(6));
        h.observe(observation(null, true));
        assertThat(h.statusValues()).last().satisfies(later -> {
            assertThat(later.getStatus()).isEqualTo(Status.OK);
            assertThat(later.getConditions()).isEmpty();
            assertThat(later.getEndpoints().get(0).getAlternateLeaves()).isEmpty();
        });
        assertThat(inventory.get(rsaSha + KEY)).isNull();
    }

    @Test
    void anUntrustedRsaChainMakesTheEndpointInvalidNamingItsCertificate() {
        Obs rsa = Obs.lifetime(h.now(), Duration.ofDays(90), Duration.ofDays(60)).serial("rsa");
        h.observe(observation(rsa, false));

        ServiceStatus s = h.onlyStatus();
        assertThat(s.getStatus()).isEqualTo(Status.INVALID);
        assertThat(s.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo(ConditionType.UNTRUSTED);
            assertThat(c.getCertificate().getSha256()).isEqualTo(rsa.leaf().getSha256());
        });
    }
}

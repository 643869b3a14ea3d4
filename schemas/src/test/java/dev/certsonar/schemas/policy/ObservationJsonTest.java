package dev.certsonar.schemas.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.avro.AlternateChain;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ObservationJsonTest {

    @Test
    void hasTheShapeOfInterfacesMd() {
        Observation o = StatusRulesTest.observation(Duration.ofDays(200));
        Instant now = o.getNotAfter().minus(Duration.ofDays(23)).minus(Duration.ofMinutes(9 * 60 + 36));
        ObjectNode json = ObservationJson.toJson(o, StatusRules.status(o, ExpiryPolicy.DEFAULT, now), now);
        assertThat(names(json)).containsExactly("target", "host", "address", "port", "sni", "protocol",
                "outcome", "status", "notAfter", "daysLeft", "servedChainNotAfter", "tlsVersion", "cipherSuite",
                "chain", "checks", "error");
        assertThat(json.get("target").asText()).isEqualTo("a.example:443");
        assertThat(json.get("protocol").asText()).isEqualTo("tls");
        assertThat(json.get("status").asText()).isEqualTo("WARNING");
        assertThat(json.get("daysLeft").asDouble()).isEqualTo(23.4);
        assertThat(json.get("notAfter").asText()).isEqualTo("2026-07-20T00:00:00Z");
        assertThat(names(json.get("chain").get(0))).containsExactly("sha256", "subject", "issuer", "serial",
                "notBefore", "notAfter", "keyAlgorithm", "keyBits", "signatureAlgorithm", "sans");
        assertThat(names(json.get("checks"))).containsExactly("trusted", "hostnameMatch", "chainComplete",
                "weakKey", "weakSignature", "notYetValid", "problems");
        assertThat(json.get("error").isNull()).isTrue();
    }

    @Test
    void anEndpointWithAnotherChainListsItAfterTheFirst() {
        Observation first = StatusRulesTest.observation(Duration.ofDays(200));
        Observation second = StatusRulesTest.observation(Duration.ofDays(90));
        Observation o = Observation.newBuilder(first).setAlternateChains(List.of(AlternateChain.newBuilder()
                .setOffered("RSA signature algorithms only").setTlsVersion("TLSv1.3").setCipherSuite("TLS_AES_128_GCM_SHA256")
                .setChain(second.getChain()).setNotAfter(second.getNotAfter()).setExpiryCertificate(second.getExpiryCertificate())
                .setChecks(second.getChecks()).build())).build();
        ObjectNode json = ObservationJson.toJson(o, Status.OK, StatusRulesTest.NOT_BEFORE);
        assertThat(names(json)).last().isEqualTo("alternateChains");
        com.fasterxml.jackson.databind.JsonNode a = json.get("alternateChains").get(0);
        assertThat(names(a)).containsExactly("offered", "tlsVersion", "cipherSuite", "notAfter", "expiryCertificate",
                "chain", "checks");
        assertThat(a.get("chain").get(0).get("sha256").asText()).isEqualTo(second.getChain().get(0).getSha256());
        assertThat(names(a.get("checks"))).containsExactly("trusted", "hostnameMatch", "chainComplete",
                "weakKey", "weakSignature", "notYetValid", "problems");
    }

    static List<String> names(com.fasterxml.jackson.databind.JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aFailedProbeHasNullsWhereNothingWasSeen() {
        Observation o = StatusRulesTest.observation(Duration.ofDays(90), b -> b.setOutcome(Outcome.DNS_FAILED)
                .setEndpoint(null).setChain(List.of()).setNotAfter(null).setServedChainNotAfter(null)
                .setExpiryCertificate(null).setChecks(null).setError("no such name").setTargetId("tls://a.example:443#a.example"));
        ObjectNode json = ObservationJson.toJson(o, Status.UNREACHABLE, StatusRulesTest.NOT_BEFORE);
        assertThat(json.get("target").asText()).isEqualTo("a.example:443");
        assertThat(json.get("address").isNull()).isTrue();
        assertThat(json.get("port").isNull()).isTrue();
        assertThat(json.get("daysLeft").isNull()).isTrue();
        assertThat(json.get("checks").isNull()).isTrue();
        assertThat(json.get("chain").size()).isZero();
        assertThat(json.get("error").asText()).isEqualTo("no such name");
    }
}

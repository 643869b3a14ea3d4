package dev.certsonar.cli;

import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.CertificateRef;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlertLineTest {

    static Alert expiring(String service, String alertId) {
        return Alert.newBuilder()
                .setAlertId(alertId)
                .setEventId("e-" + alertId)
                .setState(AlertState.FIRING)
                .setSeverity(Severity.CRITICAL)
                .setCondition(ConditionType.EXPIRING)
                .setLevel(Severity.CRITICAL)
                .setService(service)
                .setOwner("team-payments")
                .setLabels(Map.of("env", "prod"))
                .setDaysLeft(6.2345)
                .setCertificate(CertificateRef.newBuilder().setSha256("ab12").setSubject("CN=pay.example.com")
                        .setIssuer("CN=Example CA").setNotAfter(Instant.parse("2026-12-03T12:00:00Z")).build())
                .setEndpoints(List.of("10.0.0.5:443 sni=pay.example.com"))
                .setMessage(service + ": the certificate CN=pay.example.com expires in 6.2 days")
                .setAt(Instant.parse("2026-11-27T17:20:05.123Z"))
                .build();
    }

    @Test
    void aLineShowsTimeStateSeverityConditionServiceDaysSubjectAndShortId() {
        String line = AlertsCommand.line(expiring("payments-api", "1a2b3c4d5e6f7a8b"));

        assertThat(line).isEqualTo("2026-11-27T17:20:05Z  FIRING    CRITICAL  EXPIRING/CRITICAL          "
                + "payments-api  6.2 days  CN=pay.example.com  alert 1a2b3c4d");
    }

    @Test
    void aConditionOtherThanExpiringShowsNoLevelAndMissingValuesShowADash() {
        Alert alert = Alert.newBuilder(expiring("shop", "ffff0000ffff"))
                .setState(AlertState.RESOLVED).setCondition(ConditionType.UNREACHABLE).setLevel(Severity.CRITICAL)
                .setDaysLeft(null).setCertificate(null).build();

        assertThat(AlertsCommand.line(alert)).isEqualTo(
                "2026-11-27T17:20:05Z  RESOLVED  CRITICAL  UNREACHABLE                shop  -  -  alert ffff0000");
    }
}

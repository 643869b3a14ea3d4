package dev.certsonar.cli.run;

import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AlertLinesTest {

    private static Alert.Builder alert() {
        return Alert.newBuilder().setAlertId("a").setEventId("e").setState(AlertState.FIRING).setSeverity(Severity.CRITICAL)
                .setCondition(ConditionType.EXPIRING).setLevel(Severity.CRITICAL).setService("demo-expiring")
                .setDaysLeft(2.94).setEndpoints(List.of("127.0.0.1:4431 sni=localhost"))
                .setMessage("certificate CN=localhost expires in 2.9 days").setAt(Instant.parse("2026-11-27T12:00:03Z"));
    }

    @Test
    void aFiringAlertNamesStateLevelConditionServiceAndItsMessage() {
        assertThat(AlertLines.format(alert().build())).isEqualTo(
                "12:00:03 FIRING   CRITICAL EXPIRING          demo-expiring: certificate CN=localhost expires in 2.9 days");
    }

    @Test
    void withoutAMessageTheDaysLeftAndEndpointsAreShown() {
        assertThat(AlertLines.format(alert().setMessage("").build())).isEqualTo(
                "12:00:03 FIRING   CRITICAL EXPIRING          demo-expiring (2.9 days left) on 127.0.0.1:4431 sni=localhost");
    }

    @Test
    void anExpiredCertificateSaysHowLongAgo() {
        String line = AlertLines.format(alert().setCondition(ConditionType.EXPIRED).setDaysLeft(-10.0).setMessage("").build());
        assertThat(line).contains("EXPIRED").contains("(expired 10.0 days ago)");
    }

    @Test
    void aReminderAndAResolvedEventAreNamedSo() {
        assertThat(AlertLines.format(alert().setReminder(true).build())).contains("REMINDER");
        assertThat(AlertLines.format(alert().setState(AlertState.RESOLVED).build())).contains("RESOLVED");
    }
}

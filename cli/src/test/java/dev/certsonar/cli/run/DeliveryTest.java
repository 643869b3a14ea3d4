package dev.certsonar.cli.run;

import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.cli.config.ConfigLoader;
import dev.certsonar.notifier.delivery.Channel;
import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import dev.certsonar.schemas.avro.ConditionType;
import dev.certsonar.schemas.avro.Severity;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryTest {

    private static Alert alert(String owner) {
        return Alert.newBuilder().setAlertId("a").setEventId("e").setState(AlertState.FIRING).setSeverity(Severity.CRITICAL)
                .setCondition(ConditionType.EXPIRED).setLevel(Severity.CRITICAL).setService("shop").setOwner(owner)
                .setMessage("m").setAt(Instant.EPOCH).build();
    }

    @Test
    void withoutChannelsEveryAlertGoesToTheLog() {
        Delivery delivery = Delivery.from(CertsonarConfig.DEFAULT, Clock.systemUTC());
        assertThat(delivery.channels()).extracting(Channel::name).containsExactly("log");
        assertThat(delivery.routes().channelsFor(alert("anyone"))).containsExactly("log");
    }

    @Test
    void aCommandThatPrintsEveryAlertHasNoChannelWithoutConfiguredOnes() {
        Delivery delivery = Delivery.besideConsole(CertsonarConfig.DEFAULT, Clock.systemUTC());

        assertThat(delivery.channels()).isEmpty();
        assertThat(delivery.routes().channelsFor(alert("anyone"))).isEmpty();
    }

    @Test
    void aCommandThatPrintsEveryAlertKeepsTheConfiguredChannels() {
        CertsonarConfig config = new ConfigLoader(Map.of()).parse("""
                channels:
                  - {name: console, type: log}
                """, "certsonar.yaml", null, null);

        assertThat(Delivery.besideConsole(config, Clock.systemUTC()).channels()).extracting(Channel::name)
                .containsExactly("console");
    }

    @Test
    void theConfiguredChannelsAndRoutesAreUsed() {
        CertsonarConfig config = new ConfigLoader(Map.of()).parse("""
                channels:
                  - {name: ops, type: webhook, url: "http://127.0.0.1:9/hook", secret: s, retry: {attempts: 3, budget: 20s}}
                  - {name: console, type: log}
                routes:
                  - {match: {owner: team-payments}, channels: [ops]}
                  - {channels: [console]}
                """, "certsonar.yaml", null, null);
        Delivery delivery = Delivery.from(config, Clock.systemUTC());
        assertThat(delivery.channels()).extracting(Channel::name).containsExactly("ops", "console");
        assertThat(delivery.routes().channelsFor(alert("team-payments"))).containsExactly("ops");
        assertThat(delivery.routes().channelsFor(alert("someone-else"))).containsExactly("console");
        assertThat(delivery.retries()).containsOnly(
                Map.entry("ops", new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(20))),
                Map.entry("console", RetryPolicy.DEFAULT));
    }
}

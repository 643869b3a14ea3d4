package dev.certsonar.notifier.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.sandbox.http.HttpReceiver;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.avro.AlertState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static dev.certsonar.notifier.delivery.WebhookChannelTest.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatChannelsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    HttpReceiver receiver;

    @BeforeEach
    void start() throws IOException {
        receiver = new HttpReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    static Notification group() {
        return new Notification("g", List.of(
                Alert.newBuilder(alert("e-1")).setService("shop").build(),
                Alert.newBuilder(alert("e-2")).setService("blog").build()));
    }

    JsonNode onlyBody() throws IOException {
        assertThat(receiver.requests).hasSize(1);
        return JSON.readTree(receiver.requests.getFirst().body());
    }

    @Test
    void slack_gets_a_title_and_blocks() throws Exception {
        try (SlackChannel slack = new SlackChannel("room", receiver.url("/services/T/B/X"), TIMEOUT)) {
            slack.send(Notification.of(alert("e-1")));
        }
        JsonNode body = onlyBody();
        assertThat(receiver.requests.getFirst().path()).isEqualTo("/services/T/B/X");
        assertThat(body.get("text").asText()).isEqualTo(
                "[CRITICAL] FIRING: certificate CN=pay.example.com on payments-api expires in 6.0 days (2026-12-03 12:00 UTC)");
        assertThat(body.get("blocks").get(0).get("text").get("type").asText()).isEqualTo("mrkdwn");
        assertThat(body.get("blocks").get(0).get("text").get("text").asText()).startsWith(":red_circle: *[CRITICAL] FIRING");
        assertThat(body.get("blocks").get(1).get("type").asText()).isEqualTo("context");
        assertThat(body.get("blocks").get(1).get("elements").get(0).get("text").asText()).contains("team-payments");
    }

    @Test
    void slack_lists_the_services_of_a_group() throws Exception {
        try (SlackChannel slack = new SlackChannel("room", receiver.url("/hook"), TIMEOUT)) {
            slack.send(group());
        }
        JsonNode body = onlyBody();
        assertThat(body.get("text").asText()).isEqualTo("[CRITICAL] FIRING on 2 services: expiring CN=pay.example.com");
        assertThat(body.get("blocks").get(1).get("text").get("text").asText())
                .contains("• shop: certificate CN=pay.example.com").contains("• blog: certificate CN=pay.example.com");
    }

    @Test
    void slack_rejecting_the_payload_is_not_retried() {
        receiver.status.set(400);
        try (SlackChannel slack = new SlackChannel("room", receiver.url("/hook"), TIMEOUT)) {
            assertThatThrownBy(() -> slack.send(Notification.of(alert("e-1"))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse());
        }
    }

    @Test
    void teams_gets_an_adaptive_card() throws Exception {
        receiver.status.set(202);
        try (TeamsChannel teams = new TeamsChannel("teams", receiver.url("/workflows/abc"), TIMEOUT)) {
            teams.send(Notification.of(alert("e-1")));
        }
        JsonNode body = onlyBody();
        assertThat(body.get("type").asText()).isEqualTo("message");
        JsonNode attachment = body.get("attachments").get(0);
        assertThat(attachment.get("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode card = attachment.get("content");
        assertThat(card.get("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.get("version").asText()).isEqualTo("1.4");
        assertThat(card.get("body").get(0).get("text").asText()).startsWith("[CRITICAL] FIRING: certificate CN=pay");
        assertThat(card.get("body").get(0).get("color").asText()).isEqualTo("Attention");
        JsonNode facts = card.get("body").get(1).get("facts");
        assertThat(facts).extracting(f -> f.get("title").asText())
                .containsExactly("Owner", "Condition", "Certificate", "Not after", "Endpoints", "Alert");
        assertThat(facts.get(0).get("value").asText()).isEqualTo("team-payments");
    }

    @Test
    void teams_lists_the_services_of_a_group() throws Exception {
        try (TeamsChannel teams = new TeamsChannel("teams", receiver.url("/workflows/abc"), TIMEOUT)) {
            teams.send(group());
        }
        JsonNode cardBody = onlyBody().get("attachments").get(0).get("content").get("body");
        assertThat(cardBody.get(1).get("text").asText()).startsWith("- shop: ");
        assertThat(cardBody.get(2).get("text").asText()).startsWith("- blog: ");
    }

    @Test
    void pagerduty_triggers_and_resolves_with_the_alert_id_as_dedup_key() throws Exception {
        receiver.status.set(202);
        Alert firing = alert("e-1");
        Alert resolved = Alert.newBuilder(firing).setEventId("e-2").setState(AlertState.RESOLVED).build();
        try (PagerDutyChannel pd = new PagerDutyChannel("pager", receiver.url("/v2/enqueue"), "R0UT1NG", TIMEOUT)) {
            pd.send(Notification.of(firing));
            pd.send(Notification.of(resolved));
        }
        assertThat(receiver.requests).hasSize(2);
        JsonNode trigger = JSON.readTree(receiver.requests.get(0).body());
        assertThat(trigger.get("routing_key").asText()).isEqualTo("R0UT1NG");
        assertThat(trigger.get("event_action").asText()).isEqualTo("trigger");
        assertThat(trigger.get("dedup_key").asText()).isEqualTo(firing.getAlertId());
        JsonNode payload = trigger.get("payload");
        assertThat(payload.get("summary").asText()).isEqualTo(firing.getMessage());
        assertThat(payload.get("source").asText()).isEqualTo("payments-api");
        assertThat(payload.get("severity").asText()).isEqualTo("critical");
        assertThat(payload.get("timestamp").asText()).isEqualTo("2026-11-27T12:00:00Z");
        assertThat(payload.get("custom_details").get("eventId").asText()).isEqualTo("e-1");
        JsonNode resolve = JSON.readTree(receiver.requests.get(1).body());
        assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.get("dedup_key").asText()).isEqualTo(firing.getAlertId());
    }

    @Test
    void pagerduty_sends_one_event_per_alert_of_a_group() throws Exception {
        receiver.status.set(202);
        try (PagerDutyChannel pd = new PagerDutyChannel("pager", receiver.url("/v2/enqueue"), "R0UT1NG", TIMEOUT)) {
            pd.send(group());
        }
        assertThat(receiver.requests).hasSize(2);
    }

    @Test
    void pagerduty_rate_limiting_is_retried() {
        receiver.status.set(429);
        try (PagerDutyChannel pd = new PagerDutyChannel("pager", receiver.url("/v2/enqueue"), "R0UT1NG", TIMEOUT)) {
            assertThatThrownBy(() -> pd.send(Notification.of(alert("e-1"))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue());
        }
    }
}

package dev.certsonar.notifier.delivery;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelsTest {

    static final Clock CLOCK = Clock.systemUTC();

    @Test
    void builds_each_type_from_its_settings() {
        assertThat(Channels.create("console", "log", Map.of(), CLOCK)).isInstanceOf(LogChannel.class);
        assertThat(Channels.create("ops", "webhook", Map.of("url", "http://127.0.0.1:9/h", "secret", "s",
                "timeout", "5s"), CLOCK)).isInstanceOf(WebhookChannel.class).extracting(Channel::name).isEqualTo("ops");
        assertThat(Channels.create("room", "slack", Map.of("url", "https://hooks.slack.com/services/T/B/X"), CLOCK))
                .isInstanceOf(SlackChannel.class);
        assertThat(Channels.create("teams", "Teams", Map.of("url", "https://example.com/workflows/x"), CLOCK))
                .isInstanceOf(TeamsChannel.class);
        assertThat(Channels.create("pager", "pagerduty", Map.of("routingKey", "R"), CLOCK))
                .isInstanceOf(PagerDutyChannel.class);
        assertThat(Channels.create("mail", "email", Map.of("host", "smtp.example.com", "from", "c@example.com",
                "to", "a@example.com, b@example.com"), CLOCK)).isInstanceOf(EmailChannel.class);
    }

    @Test
    void errors_name_the_channel_and_key() {
        assertThatThrownBy(() -> Channels.create("ops", "webhook", Map.of(), CLOCK))
                .hasMessage("channels[ops].url is required");
        assertThatThrownBy(() -> Channels.create("ops", "webhook", Map.of("url", "not a url"), CLOCK))
                .hasMessageStartingWith("channels[ops].url: 'not a url'");
        assertThatThrownBy(() -> Channels.create("pager", "pagerduty", Map.of(), CLOCK))
                .hasMessage("channels[pager].routingKey is required");
        assertThatThrownBy(() -> Channels.create("ops", "webhook", Map.of("url", "http://h/", "timeout", "soon"), CLOCK))
                .hasMessageStartingWith("channels[ops].timeout: 'soon'");
        assertThatThrownBy(() -> Channels.create("mail", "email", Map.of("host", "h", "from", "f"), CLOCK))
                .hasMessageStartingWith("channels[mail].to:");
        assertThatThrownBy(() -> Channels.create("mail", "email", Map.of("host", "h", "from", "f", "to", "t",
                "security", "ssl3"), CLOCK)).hasMessageStartingWith("channels[mail].security: 'ssl3'");
        assertThatThrownBy(() -> Channels.create("ops", "carrier-pigeon", Map.of(), CLOCK))
                .hasMessageStartingWith("channels[ops].type: unknown channel type 'carrier-pigeon'")
                .hasMessageContaining("webhook");
    }
}

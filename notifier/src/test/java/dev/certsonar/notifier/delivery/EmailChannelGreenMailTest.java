package dev.certsonar.notifier.delivery;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.certsonar.notifier.delivery.EmailChannel.Security;
import dev.certsonar.notifier.delivery.EmailChannel.Smtp;
import dev.certsonar.schemas.avro.Alert;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocketFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static dev.certsonar.notifier.delivery.WebhookChannelTest.CLOCK;
import static dev.certsonar.notifier.delivery.WebhookChannelTest.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The email channel against GreenMail, a real SMTP server whose Jakarta Mail parser reads the message: headers,
 * recipients and the two MIME parts come out as a mail client sees them. STARTTLS, TLS and the refusals are
 * tested against {@link SmtpReceiver} in {@link EmailChannelTest}.
 */
class EmailChannelGreenMailTest {

    private GreenMail greenMail;

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("certsonar@example.com", "certsonar", "p4ss"));
        greenMail.start();
    }

    @AfterEach
    void stop() {
        greenMail.stop();
    }

    private EmailChannel channel(String password) {
        Smtp smtp = new Smtp("127.0.0.1", greenMail.getSmtp().getPort(), Security.NONE, "certsonar", password,
                "certsonar@example.com", List.of("team-payments@example.com", "oncall@example.com"));
        return new EmailChannel("mail", smtp, Duration.ofSeconds(5), (SSLSocketFactory) SSLSocketFactory.getDefault(),
                CLOCK);
    }

    @Test
    void a_mail_client_reads_subject_recipients_and_both_parts() throws Exception {
        channel("p4ss").send(Notification.of(alert("e-1")));

        assertThat(greenMail.waitForIncomingEmail(5_000, 2)).as("one copy per recipient").isTrue();
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(2);
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("[CRITICAL] FIRING: certificate CN=pay.example.com on payments-api "
                + "expires in 6.0 days (2026-12-03 12:00 UTC)");
        assertThat(m.getFrom()).extracting(Object::toString).containsExactly("certsonar@example.com");
        assertThat(m.getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
                .containsExactly("team-payments@example.com", "oncall@example.com");
        assertThat(m.getSentDate().toInstant()).isEqualTo(Instant.parse("2026-11-27T12:00:00Z"));
        assertThat(m.isMimeType("multipart/alternative")).isTrue();

        Multipart parts = (Multipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        BodyPart text = parts.getBodyPart(0);
        BodyPart html = parts.getBodyPart(1);
        assertThat(text.isMimeType("text/plain")).isTrue();
        assertThat((String) text.getContent()).contains("- payments-api: certificate CN=pay.example.com")
                .contains("endpoints: 10.0.0.5:443 sni=pay.example.com")
                .contains("alertId: ");
        assertThat(html.isMimeType("text/html")).isTrue();
        assertThat((String) html.getContent()).startsWith("<!DOCTYPE html>").contains("<td>payments-api</td>");
        assertThat(Arrays.stream(received).map(r -> {
            try {
                return r.getMessageID();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).as("both copies are the one message").containsOnly(m.getMessageID());
    }

    @Test
    void a_group_is_one_mail_listing_every_service() throws Exception {
        channel("p4ss").send(ChatChannelsTest.group());

        assertThat(greenMail.waitForIncomingEmail(5_000, 2)).isTrue();
        MimeMessage m = greenMail.getReceivedMessages()[0];
        assertThat(m.getSubject()).startsWith("[CRITICAL] FIRING on 2 services: expiring CN=pay.example.com");
        String text = (String) ((Multipart) m.getContent()).getBodyPart(0).getContent();
        assertThat(text).contains("- shop: ").contains("- blog: ");
    }

    @Test
    void a_long_subject_with_non_ascii_characters_reads_back_unchanged() throws Exception {
        String service = "zahlungsdienst-münchen-straße-東京-" + "x".repeat(60);
        Alert a = alert("e-1");
        Alert named = Alert.newBuilder(a).setService(service)
                .setMessage(a.getMessage().replace("payments-api", service)).build();
        channel("p4ss").send(Notification.of(named));

        assertThat(greenMail.waitForIncomingEmail(5_000, 2)).isTrue();
        MimeMessage m = greenMail.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("[CRITICAL] FIRING: certificate CN=pay.example.com on " + service
                + " expires in 6.0 days (2026-12-03 12:00 UTC)");
        assertThat(m.getHeader("Subject", null)).as("RFC 2047 encoded words").startsWith("=?UTF-8?")
                .doesNotContain("ü");
        assertThat(m.getHeader("Subject", null).split("\r\n")).allSatisfy(line ->
                assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat((String) ((Multipart) m.getContent()).getBodyPart(0).getContent()).contains("- " + service + ": ");
    }

    @Test
    void a_wrong_password_is_final_and_sends_nothing() {
        assertThatThrownBy(() -> channel("wrong").send(Notification.of(alert("e-1"))))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("535").doesNotContain("wrong");
                });
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }
}

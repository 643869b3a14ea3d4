package dev.certsonar.notifier.delivery;

import dev.certsonar.notifier.delivery.EmailChannel.Security;
import dev.certsonar.notifier.delivery.EmailChannel.Smtp;
import dev.certsonar.notifier.delivery.SmtpReceiver.Tls;
import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pki;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import static dev.certsonar.notifier.delivery.WebhookChannelTest.CLOCK;
import static dev.certsonar.notifier.delivery.WebhookChannelTest.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The email channel against {@link SmtpReceiver}, a real SMTP server with STARTTLS or TLS from the first byte and a
 * certificate of a test CA: what it sends, and what it refuses before any credentials or mail leave it.
 */
class EmailChannelTest {

    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static IssuedCertificate localhost;
    static IssuedCertificate otherName;
    static SSLSocketFactory trustingTestCa;
    static final SSLSocketFactory JDK_TRUST = (SSLSocketFactory) SSLSocketFactory.getDefault();

    @BeforeAll
    static void pki() throws Exception {
        CertificateAuthority ca = Pki.root("certsonar test mail CA");
        localhost = ca.leaf().subject("localhost").dnsNames("localhost").ipAddresses("127.0.0.1")
                .validFor(Duration.ofDays(30)).issue();
        otherName = ca.leaf().subject("mail.example.com").dnsNames("mail.example.com")
                .validFor(Duration.ofDays(30)).issue();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        trustingTestCa = context.getSocketFactory();
    }

    static SmtpReceiver receiver(Tls offer) throws Exception {
        return new SmtpReceiver(localhost, offer, "certsonar", "p4ss");
    }

    static Smtp smtp(int port, Security security, String password) {
        return new Smtp("localhost", port, security, "certsonar", password, "certsonar@example.com",
                List.of("team-payments@example.com", "oncall@example.com"));
    }

    static EmailChannel channel(Smtp smtp, SSLSocketFactory trust) {
        return new EmailChannel("mail", smtp, TIMEOUT, trust, CLOCK);
    }

    /** Sends the one-alert notification and returns why it was not delivered. */
    static DeliveryException failure(EmailChannel mail) {
        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> mail.send(Notification.of(alert("e-1"))));
        assertThat(e).as("the channel refuses to deliver").isNotNull();
        return e;
    }

    /** Sends through the receiver as user certsonar, checks that no mail arrived and returns why. */
    static DeliveryException refusal(SmtpReceiver server, Security security, String password, SSLSocketFactory trust) {
        DeliveryException e = failure(channel(smtp(server.port(), security, password), trust));
        assertThat(server.mails).isEmpty();
        return e;
    }

    /** The failure names the channel, the server and the reason, and says whether trying again may help. */
    static void assertReason(DeliveryException e, SmtpReceiver server, boolean retryable, String reason) {
        assertThat(e.getMessage()).startsWith("channel mail: localhost:" + server.port() + " ").contains(reason);
        assertThat(e.retryable()).as("retryable").isEqualTo(retryable);
    }

    static MimeMessage parsed(SmtpReceiver.Mail mail) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(mail.data().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void sends_text_and_html_over_starttls_with_authentication() throws Exception {
        try (SmtpReceiver server = receiver(Tls.STARTTLS)) {
            Notification n = Notification.of(alert("e-1"));
            channel(smtp(server.port(), Security.STARTTLS, "p4ss"), trustingTestCa).send(n);

            assertThat(server.commands).startsWith("EHLO", "STARTTLS", "EHLO (TLS)", "AUTH (TLS)", "MAIL (TLS)");
            assertThat(server.mails).singleElement().satisfies(m -> {
                assertThat(m.tls()).isTrue();
                assertThat(m.user()).isEqualTo("certsonar");
                assertThat(m.from()).isEqualTo("certsonar@example.com");
                assertThat(m.to()).containsExactly("team-payments@example.com", "oncall@example.com");
                assertThat(m.data()).contains("Date: Fri, 27 Nov 2026 12:00:00 GMT\r\n");
                MimeMessage message = parsed(m);
                assertThat(message.getSubject()).isEqualTo("[CRITICAL] FIRING: certificate CN=pay.example.com on "
                        + "payments-api expires in 6.0 days (2026-12-03 12:00 UTC)");
                assertThat(message.getHeader("From", ",")).isEqualTo("certsonar@example.com");
                assertThat(message.getHeader("To", ",")).isEqualTo("team-payments@example.com, oncall@example.com");
                assertThat(message.getMessageID()).as("a retry carries the same Message-ID")
                        .isEqualTo("<" + WebhookChannel.idempotencyKey(n) + "@certsonar>");
                assertThat(message.isMimeType("multipart/alternative")).isTrue();
                Multipart parts = (Multipart) message.getContent();
                assertThat(parts.getCount()).isEqualTo(2);
                assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
                assertThat((String) parts.getBodyPart(0).getContent())
                        .contains("- payments-api: certificate CN=pay.example.com")
                        .contains("endpoints: 10.0.0.5:443 sni=pay.example.com");
                assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
                assertThat((String) parts.getBodyPart(1).getContent()).startsWith("<!DOCTYPE html>")
                        .contains("<td>payments-api</td>");
            });
        }
    }

    @Test
    void sends_over_tls_from_the_first_byte() throws Exception {
        try (SmtpReceiver server = receiver(Tls.IMPLICIT)) {
            channel(smtp(server.port(), Security.TLS, "p4ss"), trustingTestCa).send(Notification.of(alert("e-1")));

            assertThat(server.commands).doesNotContain("STARTTLS").allSatisfy(c -> assertThat(c).endsWith("(TLS)"));
            assertThat(server.mails).singleElement().satisfies(m -> {
                assertThat(m.tls()).isTrue();
                assertThat(m.user()).isEqualTo("certsonar");
            });
        }
    }

    @Test
    void refuses_a_server_without_starttls() throws Exception {
        try (SmtpReceiver server = receiver(Tls.NONE)) {
            assertReason(refusal(server, Security.STARTTLS, "p4ss", trustingTestCa), server, false,
                    "does not offer STARTTLS, which this channel requires");
            assertThat(server.commands).as("no login and no mail in clear text").doesNotContain("AUTH", "MAIL");
        }
    }

    @Test
    void refuses_a_server_whose_certificate_it_does_not_trust() throws Exception {
        try (SmtpReceiver server = receiver(Tls.STARTTLS)) {
            assertReason(refusal(server, Security.STARTTLS, "p4ss", JDK_TRUST), server, true,
                    "presents a certificate this channel does not trust: ");
            assertThat(server.commands).containsExactly("EHLO", "STARTTLS");
        }
    }

    @Test
    void refuses_a_certificate_for_another_name() throws Exception {
        try (SmtpReceiver server = new SmtpReceiver(otherName, Tls.IMPLICIT, "certsonar", "p4ss")) {
            DeliveryException e = refusal(server, Security.TLS, "p4ss", trustingTestCa);
            assertReason(e, server, true, "presents a certificate this channel refuses: ");
            assertThat(e.getMessage()).endsWith("matching localhost found.");
            assertThat(server.commands).isEmpty();
        }
    }

    @Test
    void a_wrong_password_is_final_and_never_shown() throws Exception {
        try (SmtpReceiver server = receiver(Tls.STARTTLS)) {
            DeliveryException e = refusal(server, Security.STARTTLS, "wrong", trustingTestCa);
            assertReason(e, server, false, "refused the login (AUTH): 535 authentication failed");
            String login = Base64.getEncoder().encodeToString("certsonar\0certsonar\0wrong"
                    .getBytes(StandardCharsets.UTF_8));
            for (Throwable c = e; c != null; c = c.getCause()) {
                assertThat(String.valueOf(c.getMessage())).doesNotContain("wrong").doesNotContain(login);
            }
        }
    }

    @Test
    void a_server_without_auth_is_refused_when_a_user_is_set() throws Exception {
        try (SmtpReceiver server = new SmtpReceiver(localhost, Tls.STARTTLS, null, null)) {
            assertReason(refusal(server, Security.STARTTLS, "p4ss", trustingTestCa), server, false,
                    "does not offer AUTH, which this channel needs to log in");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "oncall@example.com        | 550 no such user            | false",
            "team-payments@example.com | 451 mailbox busy, try later | true"})
    void a_refused_recipient_is_named_and_only_a_temporary_refusal_is_retried(String recipient, String answer,
                                                                             boolean retryable) throws Exception {
        try (SmtpReceiver server = receiver(Tls.STARTTLS)) {
            server.recipientAnswers.put(recipient, answer);
            assertReason(refusal(server, Security.STARTTLS, "p4ss", trustingTestCa), server, retryable,
                    "answered " + answer + " to RCPT TO:<" + recipient + ">");
        }
    }

    @Test
    void a_server_that_never_answers_times_out_and_may_be_retried() throws Exception {
        // a listening socket that is never accepted from: the connection completes, the greeting never comes
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Duration shortWait = Duration.ofMillis(300);
            EmailChannel mail = new EmailChannel("mail", smtp(silent.getLocalPort(), Security.STARTTLS, "p4ss"),
                    shortWait, trustingTestCa, CLOCK);
            DeliveryException e = failure(mail);

            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).isEqualTo("channel mail: no answer from localhost:" + silent.getLocalPort()
                    + " within PT0.3S");
        }
    }

    @Test
    void a_closed_port_may_be_retried() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        DeliveryException e = failure(channel(smtp(port, Security.STARTTLS, "p4ss"), trustingTestCa));

        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).startsWith("channel mail: cannot send through localhost:" + port + ": ")
                .containsIgnoringCase("refused");
    }

    @Test
    void every_wait_is_bounded_and_each_refusal_is_switched_on() {
        Properties p = EmailChannel.properties(smtp(587, Security.STARTTLS, "p4ss"), Duration.ofSeconds(7),
                trustingTestCa);

        assertThat(p).containsEntry("mail.smtp.connectiontimeout", "7000").containsEntry("mail.smtp.timeout", "7000")
                .containsEntry("mail.smtp.writetimeout", "7000")
                .containsEntry("mail.smtp.starttls.required", "true")
                .containsEntry("mail.smtp.ssl.checkserveridentity", "true")
                .containsEntry("mail.smtp.ssl.socketFactory", trustingTestCa)
                .containsEntry("mail.smtp.socketFactory.fallback", "false");
        assertThat(EmailChannel.properties(smtp(25, Security.NONE, null), TIMEOUT, trustingTestCa))
                .containsEntry("mail.smtp.starttls.enable", "false").containsEntry("mail.smtp.ssl.enable", "false");
    }

    @Test
    void addresses_are_checked_when_the_channel_is_made() {
        assertThatThrownBy(() -> new Smtp("localhost", 25, Security.NONE, null, null, "certsonar", List.of("a@b.c")))
                .hasMessageStartingWith("from: 'certsonar' is not an email address");
        assertThatThrownBy(() -> new Smtp("localhost", 25, Security.NONE, null, null, "c@example.com",
                List.of("a@example.com\r\nBcc: all@example.com")))
                .hasMessageStartingWith("to: 'a@example.com\r\nBcc: all@example.com' is not an email address");
    }

    @Test
    void a_group_is_one_mail_listing_every_service() throws Exception {
        try (SmtpReceiver server = receiver(Tls.STARTTLS)) {
            channel(smtp(server.port(), Security.STARTTLS, "p4ss"), trustingTestCa).send(ChatChannelsTest.group());

            assertThat(server.mails).singleElement().satisfies(m -> {
                MimeMessage message = parsed(m);
                assertThat(message.getSubject())
                        .startsWith("[CRITICAL] FIRING on 2 services: expiring CN=pay.example.com");
                assertThat((String) ((Multipart) message.getContent()).getBodyPart(0).getContent())
                        .contains("- shop: ").contains("- blog: ");
            });
        }
    }
}

package dev.certsonar.notifier.delivery;

import dev.certsonar.notifier.delivery.EmailChannel.Security;
import dev.certsonar.notifier.delivery.EmailChannel.Smtp;
import dev.certsonar.sandbox.tls.CertificateAuthority;
import dev.certsonar.sandbox.tls.IssuedCertificate;
import dev.certsonar.sandbox.tls.Pki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.certsonar.notifier.delivery.WebhookChannelTest.CLOCK;
import static dev.certsonar.notifier.delivery.WebhookChannelTest.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmailChannelTest {

    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static CertificateAuthority ca;
    static IssuedCertificate localhost;
    static SSLSocketFactory trustingTestCa;

    @BeforeAll
    static void pki() throws Exception {
        ca = Pki.root("certsonar test mail CA");
        localhost = ca.leaf().subject("localhost").dnsNames("localhost").ipAddresses("127.0.0.1")
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

    static SmtpReceiver receiver(boolean startTls) throws Exception {
        return new SmtpReceiver(localhost.privateKey(), localhost.chain(), startTls, "certsonar", "p4ss");
    }

    static Smtp smtp(int port, Security security, String password) {
        return new Smtp("localhost", port, security, "certsonar", password, "certsonar@example.com",
                List.of("team-payments@example.com", "oncall@example.com"));
    }

    @Test
    void sends_text_and_html_over_starttls_with_authentication() throws Exception {
        try (SmtpReceiver server = receiver(true)) {
            EmailChannel mail = new EmailChannel("mail", smtp(server.port(), Security.STARTTLS, "p4ss"), TIMEOUT,
                    trustingTestCa, CLOCK);
            mail.send(Notification.of(alert("e-1")));

            assertThat(server.mails).singleElement().satisfies(m -> {
                assertThat(m.tls()).isTrue();
                assertThat(m.user()).isEqualTo("certsonar");
                assertThat(m.from()).isEqualTo("certsonar@example.com");
                assertThat(m.to()).containsExactly("team-payments@example.com", "oncall@example.com");
                assertThat(m.data()).contains("Subject: [CRITICAL] FIRING: certificate CN=pay.example.com on "
                        + "payments-api expires in 6.0 days (2026-12-03 12:00 UTC)\r\n");
                assertThat(m.data()).contains("Date: Fri, 27 Nov 2026 12:00:00 GMT\r\n");
                assertThat(m.data()).contains("Content-Type: multipart/alternative; boundary=");
                List<String> parts = base64Parts(m.data());
                assertThat(parts).hasSize(2);
                assertThat(parts.get(0)).contains("- payments-api: certificate CN=pay.example.com")
                        .contains("endpoints: 10.0.0.5:443 sni=pay.example.com");
                assertThat(parts.get(1)).startsWith("<!DOCTYPE html>").contains("<td>payments-api</td>");
            });
        }
    }

    @Test
    void refuses_a_server_without_starttls() throws Exception {
        try (SmtpReceiver server = receiver(false)) {
            EmailChannel mail = new EmailChannel("mail", smtp(server.port(), Security.STARTTLS, "p4ss"), TIMEOUT,
                    trustingTestCa, CLOCK);
            assertThatThrownBy(() -> mail.send(Notification.of(alert("e-1"))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("does not offer STARTTLS");
                    });
            assertThat(server.mails).isEmpty();
        }
    }

    @Test
    void refuses_a_server_whose_certificate_it_does_not_trust() throws Exception {
        try (SmtpReceiver server = receiver(true)) {
            EmailChannel mail = new EmailChannel("mail", smtp(server.port(), Security.STARTTLS, "p4ss"), TIMEOUT,
                    (SSLSocketFactory) SSLSocketFactory.getDefault(), CLOCK);
            assertThatThrownBy(() -> mail.send(Notification.of(alert("e-1"))))
                    .isInstanceOf(DeliveryException.class).hasMessageContaining("cannot send through");
            assertThat(server.mails).isEmpty();
        }
    }

    @Test
    void a_wrong_password_is_final() throws Exception {
        try (SmtpReceiver server = receiver(true)) {
            EmailChannel mail = new EmailChannel("mail", smtp(server.port(), Security.STARTTLS, "wrong"), TIMEOUT,
                    trustingTestCa, CLOCK);
            assertThatThrownBy(() -> mail.send(Notification.of(alert("e-1"))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("535").contains("AUTH").doesNotContain("wrong");
                    });
        }
    }

    @Test
    void a_group_is_one_mail_listing_every_service() throws Exception {
        try (SmtpReceiver server = receiver(true)) {
            EmailChannel mail = new EmailChannel("mail", smtp(server.port(), Security.STARTTLS, "p4ss"), TIMEOUT,
                    trustingTestCa, CLOCK);
            mail.send(ChatChannelsTest.group());
            assertThat(server.mails).singleElement().satisfies(m -> {
                assertThat(m.data()).contains("Subject: [CRITICAL] FIRING on 2 services: expiring CN=pay.example.com");
                assertThat(base64Parts(m.data()).getFirst()).contains("- shop: ").contains("- blog: ");
            });
        }
    }

    private static List<String> base64Parts(String data) {
        Matcher m = Pattern.compile("Content-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--")
                .matcher(data);
        List<String> parts = new java.util.ArrayList<>();
        while (m.find()) {
            parts.add(new String(Base64.getMimeDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
        }
        return parts;
    }
}

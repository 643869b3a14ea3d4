package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Sends each notification as one email over SMTP with Angus Mail: STARTTLS (required unless the security is NONE,
 * with the server's certificate and name checked), or TLS from the first byte (SMTPS); AUTH PLAIN (LOGIN where the
 * server offers only that) when a user name is set; a multipart/alternative message with a plain-text and an HTML
 * part. 4xx answers, timeouts and connection failures may be retried; 5xx answers are final.
 */
public final class EmailChannel implements Channel {

    private static final Logger log = LoggerFactory.getLogger(EmailChannel.class);

    /** How the connection is protected. */
    public enum Security { STARTTLS, TLS, NONE }

    /** Where and how to send; {@code from} and each of {@code to} are single email addresses. */
    public record Smtp(String host, int port, Security security, String username, String password, String from,
                       List<String> to) {
        public Smtp {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(security, "security");
            Objects.requireNonNull(from, "from");
            to = List.copyOf(to);
            if (to.isEmpty()) {
                throw new IllegalArgumentException("an email channel needs at least one recipient");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
            }
            address("from", from);
            to.forEach(t -> address("to", t));
        }

        private boolean authenticates() {
            return username != null && !username.isEmpty();
        }
    }

    /** Dates as RFC 5322 writes them, in UTC, so a message reads the same wherever it is sent from. */
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    /** The name this client gives in EHLO (as a name, never looked up). */
    private static final String EHLO_NAME = "certsonar";

    private final String name;
    private final Smtp smtp;
    private final Duration timeout;
    private final Clock clock;
    private final Session session;
    private final InternetAddress from;
    private final InternetAddress[] to;

    /**
     * @param timeout how long connecting, and each read and write of the conversation, may take
     * @param tls     the TLS client (trust anchors); {@code SSLSocketFactory.getDefault()} for the JDK's
     */
    public EmailChannel(String name, Smtp smtp, Duration timeout, SSLSocketFactory tls, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.smtp = Objects.requireNonNull(smtp, "smtp");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.session = Session.getInstance(properties(smtp, timeout, Objects.requireNonNull(tls, "tls")));
        this.from = address("from", smtp.from());
        this.to = smtp.to().stream().map(t -> address("to", t)).toArray(InternetAddress[]::new);
    }

    /**
     * Angus Mail's settings for one channel. Every wait is bounded, and each check is set here rather than left to
     * the library's defaults: STARTTLS required, the server's name checked, only the given trust.
     */
    static Properties properties(Smtp smtp, Duration timeout, SSLSocketFactory tls) {
        String millis = Long.toString(Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", smtp.host());
        p.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        p.setProperty("mail.smtp.localhost", EHLO_NAME);
        p.setProperty("mail.smtp.connectiontimeout", millis);
        p.setProperty("mail.smtp.timeout", millis);
        p.setProperty("mail.smtp.writetimeout", millis);
        p.setProperty("mail.smtp.auth", Boolean.toString(smtp.authenticates()));
        p.setProperty("mail.smtp.auth.mechanisms", "PLAIN LOGIN");
        boolean startTls = smtp.security() == Security.STARTTLS;
        p.setProperty("mail.smtp.starttls.enable", Boolean.toString(startTls));
        p.setProperty("mail.smtp.starttls.required", Boolean.toString(startTls));
        p.setProperty("mail.smtp.ssl.enable", Boolean.toString(smtp.security() == Security.TLS));
        p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.ssl.socketFactory", tls);
        // without this, a connection the configured trust refuses is tried again with the JDK's default trust
        p.setProperty("mail.smtp.socketFactory.fallback", "false");
        return p;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notification n) throws DeliveryException {
        SMTPTransport transport = null;
        try {
            MimeMessage message = message(n);
            transport = (SMTPTransport) session.getTransport("smtp");
            transport.connect(smtp.host(), smtp.port(), smtp.username(),
                    smtp.authenticates() && smtp.password() == null ? "" : smtp.password());
            if (smtp.authenticates() && !transport.supportsExtension("AUTH")
                    && !transport.supportsExtension("AUTH=LOGIN")) {
                throw new DeliveryException(prefix() + " does not offer AUTH, which this channel needs to log in",
                        false);
            }
            transport.sendMessage(message, to);
        } catch (MessagingException e) {
            throw failure(e);
        } finally {
            close(transport);
        }
    }

    private void close(SMTPTransport transport) {
        if (transport == null) {
            return;
        }
        try {
            transport.close();
        } catch (MessagingException e) {
            log.debug("channel {}: closing the connection to {}:{} failed: {}", name, smtp.host(), smtp.port(),
                    e.toString());
        }
    }

    /** The whole message: headers and a multipart/alternative body. */
    private MimeMessage message(Notification n) throws MessagingException {
        MimeMessage m = new FixedIdMessage(session, "<" + WebhookChannel.idempotencyKey(n) + "@certsonar>");
        m.setFrom(from);
        m.setRecipients(MimeMessage.RecipientType.TO, to);
        m.setSubject(NotificationText.title(n).replace('\r', ' ').replace('\n', ' '),
                StandardCharsets.UTF_8.name());
        m.setHeader("Date", DATE.format(clock.instant()));
        MimeMultipart body = new MimeMultipart("alternative");
        body.addBodyPart(part(text(n), "plain"));
        body.addBodyPart(part(html(n), "html"));
        m.setContent(body);
        m.saveChanges();
        return m;
    }

    private static MimeBodyPart part(String content, String subtype) throws MessagingException {
        MimeBodyPart p = new MimeBodyPart();
        p.setText(content, StandardCharsets.UTF_8.name(), subtype);
        return p;
    }

    private static String text(Notification n) {
        StringBuilder t = new StringBuilder(NotificationText.title(n)).append("\n\n");
        for (Alert a : n.alerts()) {
            t.append("- ").append(a.getService()).append(": ").append(a.getMessage()).append('\n');
            if (!a.getEndpoints().isEmpty()) {
                t.append("  endpoints: ").append(String.join(", ", a.getEndpoints())).append('\n');
            }
            t.append("  owner: ").append(a.getOwner()).append(", alertId: ").append(a.getAlertId()).append('\n');
        }
        return t.toString();
    }

    private static String html(Notification n) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html><body>");
        h.append("<h2>").append(escape(NotificationText.title(n))).append("</h2>");
        h.append("<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">");
        h.append("<tr><th>Service</th><th>Owner</th><th>What</th><th>Endpoints</th><th>Alert</th></tr>");
        for (Alert a : n.alerts()) {
            h.append("<tr><td>").append(escape(a.getService()))
                    .append("</td><td>").append(escape(String.valueOf(a.getOwner())))
                    .append("</td><td>").append(escape(a.getMessage()))
                    .append("</td><td>").append(escape(String.join(", ", a.getEndpoints())))
                    .append("</td><td><code>").append(escape(a.getAlertId())).append("</code></td></tr>");
        }
        return h.append("</table></body></html>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static InternetAddress address(String key, String text) {
        try {
            return new InternetAddress(text, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not an email address (" + e.getMessage()
                    + ")", e);
        }
    }

    private String prefix() {
        return "channel " + name + ": " + smtp.host() + ":" + smtp.port();
    }

    /**
     * What went wrong, in words that name the server and the reason, never the credentials: the server's answer
     * with its code and the command it answered, a missing STARTTLS, a refused certificate, a timeout or a failed
     * connection.
     */
    private DeliveryException failure(MessagingException e) {
        Answer answer = Answer.in(e);
        if (answer != null) {
            return new DeliveryException(prefix() + " answered " + answer.text() + " to " + answer.command(),
                    answer.temporary(), e);
        }
        if (e instanceof AuthenticationFailedException) {
            String text = Answer.oneLine(e.getMessage());
            return new DeliveryException(prefix() + " refused the login (AUTH): " + text, text.startsWith("4"), e);
        }
        if (e.getMessage() != null && e.getMessage().startsWith("STARTTLS is required")) {
            return new DeliveryException(prefix() + " does not offer STARTTLS, which this channel requires", false, e);
        }
        if (find(e, SocketTimeoutException.class) != null) {
            return new DeliveryException("channel " + name + ": no answer from " + smtp.host() + ":" + smtp.port()
                    + " within " + timeout, true, e);
        }
        if (find(e, CertPathBuilderException.class) != null || find(e, CertPathValidatorException.class) != null) {
            return new DeliveryException(prefix() + " presents a certificate this channel does not trust: "
                    + innermost(e), true, e);
        }
        if (find(e, CertificateException.class) != null) {
            return new DeliveryException(prefix() + " presents a certificate this channel refuses: " + innermost(e),
                    true, e);
        }
        boolean io = find(e, IOException.class) != null;
        return new DeliveryException("channel " + name + ": cannot send through " + smtp.host() + ":" + smtp.port()
                + ": " + (io ? innermost(e) : e.getMessage()), io, e);
    }

    /** The server's refusal of a command: its code, its text and the command (never AUTH, which fails apart). */
    private record Answer(int code, String text, String command) {

        static Answer in(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
                Answer a = switch (c) {
                    case SMTPSendFailedException s -> new Answer(s.getReturnCode(), s.getMessage(), s.getCommand());
                    case SMTPAddressFailedException r -> new Answer(r.getReturnCode(), r.getMessage(), r.getCommand());
                    default -> null;
                };
                if (a != null) {
                    return new Answer(a.code, oneLine(a.text), oneLine(a.command));
                }
            }
            return null;
        }

        static String oneLine(String text) {
            return text == null ? "nothing" : text.strip().replaceAll("\\s*[\r\n]+\\s*", " ");
        }

        boolean temporary() {
            return code >= 400 && code < 500;
        }
    }

    /** The first of the type in the chain of causes (a refused send chains each recipient's refusal). */
    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String innermost(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    /** A message whose Message-ID is chosen here, so that each retry of one notification carries the same. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String id;

        FixedIdMessage(Session session, String id) {
            super(session);
            this.id = id;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", id);
        }
    }
}

package dev.certsonar.notifier.delivery;

import dev.certsonar.schemas.avro.Alert;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Sends each notification as one email over SMTP: STARTTLS (required unless the security is NONE, with the server's
 * certificate and name checked), or TLS from the first byte (SMTPS); AUTH PLAIN when a user name is set; a
 * multipart/alternative message with a plain-text and an HTML part. 4xx answers and connection failures may be
 * retried; 5xx answers are final.
 */
public final class EmailChannel implements Channel {

    /** How the connection is protected. */
    public enum Security { STARTTLS, TLS, NONE }

    /** Where and how to send. */
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
        }
    }

    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final String name;
    private final Smtp smtp;
    private final Duration timeout;
    private final SSLSocketFactory tls;
    private final Clock clock;

    /** @param tls the TLS client (trust anchors); {@code SSLSocketFactory.getDefault()} for the JDK's */
    public EmailChannel(String name, Smtp smtp, Duration timeout, SSLSocketFactory tls, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.smtp = Objects.requireNonNull(smtp, "smtp");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.tls = Objects.requireNonNull(tls, "tls");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notification n) throws DeliveryException {
        String message = message(n);
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(smtp.host(), smtp.port()), (int) timeout.toMillis());
            plain.setSoTimeout((int) timeout.toMillis());
            Session s = new Session(smtp.security() == Security.TLS ? secure(plain) : plain);
            s.expect(220, "greeting");
            List<String> extensions = s.ehlo();
            if (smtp.security() == Security.STARTTLS) {
                if (extensions.stream().noneMatch(e -> e.equalsIgnoreCase("STARTTLS"))) {
                    throw new DeliveryException("channel " + name + ": " + smtp.host() + ":" + smtp.port()
                            + " does not offer STARTTLS, which this channel requires", false);
                }
                s.command("STARTTLS", 220);
                s = new Session(secure(plain));
                s.ehlo();
            }
            if (smtp.username() != null && !smtp.username().isEmpty()) {
                String plainAuth = "\0" + smtp.username() + "\0" + (smtp.password() == null ? "" : smtp.password());
                s.command("AUTH PLAIN " + Base64.getEncoder().encodeToString(
                        plainAuth.getBytes(StandardCharsets.UTF_8)), 235);
            }
            s.command("MAIL FROM:<" + smtp.from() + ">", 250);
            for (String to : smtp.to()) {
                s.command("RCPT TO:<" + to + ">", 250, 251);
            }
            s.command("DATA", 354);
            s.data(message);
            s.expect(250, "message");
            s.command("QUIT", 221);
        } catch (SmtpReply e) {
            throw new DeliveryException("channel " + name + ": " + smtp.host() + ":" + smtp.port() + " answered "
                    + e.getMessage(), e.code >= 400 && e.code < 500, e);
        } catch (SocketTimeoutException e) {
            throw new DeliveryException("channel " + name + ": no answer from " + smtp.host() + ":" + smtp.port()
                    + " within " + timeout, true, e);
        } catch (IOException e) {
            throw new DeliveryException("channel " + name + ": cannot send through " + smtp.host() + ":"
                    + smtp.port() + ": " + e.getMessage(), true, e);
        }
    }

    private SSLSocket secure(Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) tls.createSocket(plain, smtp.host(), smtp.port(), true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    /** The whole message: headers and a multipart/alternative body, CRLF line ends. */
    String message(Notification n) {
        String boundary = "certsonar-" + WebhookChannel.idempotencyKey(n).substring(0, 24);
        StringBuilder m = new StringBuilder();
        header(m, "From", smtp.from());
        header(m, "To", String.join(", ", smtp.to()));
        m.append("Subject: ").append(encodeWords(NotificationText.title(n).replace("\r", " ").replace("\n", " ")))
                .append("\r\n");
        header(m, "Date", DATE.format(clock.instant()));
        header(m, "Message-ID", "<" + WebhookChannel.idempotencyKey(n) + "@certsonar>");
        header(m, "MIME-Version", "1.0");
        header(m, "Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
        m.append("\r\n");
        part(m, boundary, "text/plain", text(n));
        part(m, boundary, "text/html", html(n));
        m.append("--").append(boundary).append("--\r\n");
        return m.toString();
    }

    static String text(Notification n) {
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

    static String html(Notification n) {
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

    private static void part(StringBuilder m, String boundary, String type, String content) {
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: ").append(type).append("; charset=UTF-8\r\n");
        m.append("Content-Transfer-Encoding: base64\r\n\r\n");
        m.append(Base64.getMimeEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8))).append("\r\n");
    }

    private static void header(StringBuilder m, String name, String value) {
        m.append(name).append(": ").append(value.replace("\r", " ").replace("\n", " ")).append("\r\n");
    }

    /**
     * The text as it is when plain ASCII, else as RFC 2047 encoded words: each at most 75 characters, split between
     * characters (never inside one), on folded lines.
     */
    static String encodeWords(String text) {
        boolean ascii = text.chars().allMatch(c -> c >= 32 && c < 127);
        if (ascii) {
            return text;
        }
        List<String> words = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            String c = new String(Character.toChars(cp));
            int len = c.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > ENCODED_WORD_BYTES) {
                words.add(encodedWord(chunk.toString()));
                chunk.setLength(0);
                bytes = 0;
            }
            chunk.append(c);
            bytes += len;
            i += Character.charCount(cp);
        }
        words.add(encodedWord(chunk.toString()));
        return String.join("\r\n ", words);
    }

    /** 45 bytes are 60 Base64 characters, 72 with the {@code =?UTF-8?B?...?=} around them. */
    private static final int ENCODED_WORD_BYTES = 45;

    private static String encodedWord(String text) {
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** An SMTP answer other than the one expected. */
    private static final class SmtpReply extends IOException {
        final int code;

        SmtpReply(int code, String text) {
            super(text);
            this.code = code;
        }
    }

    /** Commands and replies over one socket. */
    private static final class Session {
        private final BufferedReader in;
        private final OutputStream out;

        Session(Socket socket) throws IOException {
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = socket.getOutputStream();
        }

        List<String> ehlo() throws IOException {
            write("EHLO certsonar");
            List<String> lines = reply(250, "EHLO");
            List<String> extensions = new ArrayList<>();
            for (int i = 1; i < lines.size(); i++) {
                extensions.add(lines.get(i).split(" ")[0]);
            }
            return extensions;
        }

        void command(String command, int... expected) throws IOException {
            write(command);
            reply(expected[0], command.startsWith("AUTH") ? "AUTH" : command, expected);
        }

        void expect(int code, String what) throws IOException {
            reply(code, what);
        }

        void data(String message) throws IOException {
            StringBuilder d = new StringBuilder();
            for (String line : message.split("\r\n", -1)) {
                d.append(line.startsWith(".") ? "." + line : line).append("\r\n");
            }
            d.append(".\r\n");
            out.write(d.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private void write(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private List<String> reply(int code, String after, int... alsoAccepted) throws IOException {
            List<String> lines = new ArrayList<>();
            String line;
            int got;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IOException("the server closed the connection after " + after);
                }
                if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) {
                    throw new SmtpReply(500, "'" + line + "' (not an SMTP reply) after " + after);
                }
                got = Integer.parseInt(line.substring(0, 3));
                lines.add(line.length() > 4 ? line.substring(4) : "");
            } while (line.length() > 3 && line.charAt(3) == '-');
            boolean ok = got == code;
            for (int c : alsoAccepted) {
                ok |= got == c;
            }
            if (!ok) {
                throw new SmtpReply(got, got + " " + String.join(" ", lines) + " to " + after);
            }
            return lines;
        }
    }
}

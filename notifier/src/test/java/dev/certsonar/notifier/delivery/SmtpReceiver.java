package dev.certsonar.notifier.delivery;

import dev.certsonar.sandbox.tls.IssuedCertificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small real SMTP server on loopback for tests: EHLO, STARTTLS or TLS from the first byte (with the given
 * certificate), AUTH PLAIN (when a user is set), MAIL/RCPT/DATA/RSET/NOOP/QUIT. It serves one connection at a time,
 * as a mail client sends, and records the commands, and each message with its envelope, whether it came over TLS and
 * who logged in.
 */
final class SmtpReceiver implements AutoCloseable {

    /** How the receiver offers TLS. */
    enum Tls { STARTTLS, NONE, IMPLICIT }

    record Mail(String from, List<String> to, String data, boolean tls, String user) {
    }

    final List<Mail> mails = new CopyOnWriteArrayList<>();
    /** Each command's verb, in order, with whether it came over TLS: {@code EHLO}, {@code STARTTLS}, {@code AUTH}... */
    final List<String> commands = new CopyOnWriteArrayList<>();
    /** The answer to {@code RCPT TO} for a recipient, such as {@code 550 no such user}; {@code 250} for others. */
    final Map<String, String> recipientAnswers = new ConcurrentHashMap<>();
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final SSLContext tls;
    private final Tls offer;
    private final String user;
    private final String password;

    /** @param user the one login accepted, with its password; null to offer no AUTH */
    SmtpReceiver(IssuedCertificate certificate, Tls offer, String user, String password)
            throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("smtp", certificate.privateKey(), new char[0],
                certificate.chain().toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        this.tls = SSLContext.getInstance("TLS");
        this.tls.init(kmf.getKeyManagers(), null, null);
        this.offer = offer;
        this.user = user;
        this.password = password;
        Thread.ofVirtual().name("smtp-receiver").start(() -> {
            while (!server.isClosed()) {
                try (Socket client = server.accept()) {
                    client.setSoTimeout(10_000);
                    new Conversation(client).run();
                } catch (IOException e) {
                    // the client went away, or the receiver closed; what was received is recorded
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    /** One client's session; the reader and writer change when STARTTLS upgrades the connection. */
    private final class Conversation {
        private Socket socket;
        private BufferedReader in;
        private OutputStream out;
        private boolean secure;
        private String authenticated;
        private String from;
        private final List<String> to = new ArrayList<>();

        Conversation(Socket socket) throws IOException {
            use(socket);
        }

        private void use(Socket s) throws IOException {
            socket = s;
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            out = s.getOutputStream();
        }

        void run() throws IOException {
            if (offer == Tls.IMPLICIT) {
                secure();
            }
            answer("220 localhost test ESMTP");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String verb = line.split("[ :]", 2)[0].toUpperCase(Locale.ROOT);
                commands.add(secure ? verb + " (TLS)" : verb);
                switch (verb) {
                    case "EHLO" -> ehlo();
                    case "STARTTLS" -> startTls();
                    case "AUTH" -> auth(line);
                    case "MAIL" -> mail(address(line));
                    case "RCPT" -> rcpt(address(line));
                    case "DATA" -> data();
                    case "RSET" -> {
                        from = null;
                        to.clear();
                        answer("250 ok");
                    }
                    case "NOOP" -> answer("250 ok");
                    case "QUIT" -> {
                        answer("221 bye");
                        return;
                    }
                    default -> answer("502 not implemented");
                }
            }
        }

        private void ehlo() throws IOException {
            List<String> lines = new ArrayList<>(List.of("localhost"));
            if (offer == Tls.STARTTLS && !secure) {
                lines.add("STARTTLS");
            }
            if (user != null) {
                lines.add("AUTH PLAIN");
            }
            for (int i = 0; i < lines.size(); i++) {
                answer("250" + (i < lines.size() - 1 ? "-" : " ") + lines.get(i));
            }
        }

        private void startTls() throws IOException {
            answer("220 ready for TLS");
            secure();
        }

        private void secure() throws IOException {
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, true);
            s.setUseClientMode(false);
            s.startHandshake();
            secure = true;
            use(s);
        }

        private void auth(String line) throws IOException {
            String[] words = line.split(" ");
            String[] login = words.length == 3 && words[1].equalsIgnoreCase("PLAIN")
                    ? new String(Base64.getDecoder().decode(words[2]), StandardCharsets.UTF_8).split("\0", -1)
                    : new String[0];
            if (user != null && login.length == 3 && login[1].equals(user) && login[2].equals(password)) {
                authenticated = login[1];
                answer("235 authenticated");
            } else {
                answer("535 authentication failed");
            }
        }

        private void mail(String sender) throws IOException {
            if (user != null && authenticated == null) {
                answer("530 authentication required");
                return;
            }
            from = sender;
            answer("250 ok");
        }

        private void rcpt(String recipient) throws IOException {
            String answer = recipientAnswers.getOrDefault(recipient, "250 ok");
            if (answer.startsWith("250")) {
                to.add(recipient);
            }
            answer(answer);
        }

        private void data() throws IOException {
            answer("354 go ahead");
            StringBuilder data = new StringBuilder();
            for (String l = in.readLine(); l != null && !l.equals("."); l = in.readLine()) {
                data.append(l.startsWith("..") ? l.substring(1) : l).append("\r\n");
            }
            mails.add(new Mail(from, List.copyOf(to), data.toString(), secure, authenticated));
            answer("250 queued");
        }

        /** The path of {@code MAIL FROM:<a@b> SIZE=1} or {@code RCPT TO:<a@b>}. */
        private static String address(String line) {
            int open = line.indexOf('<');
            return line.substring(open + 1, line.indexOf('>', open));
        }

        private void answer(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

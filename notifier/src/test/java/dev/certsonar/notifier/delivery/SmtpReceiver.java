package dev.certsonar.notifier.delivery;

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
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small real SMTP server on loopback for tests: EHLO, STARTTLS (with the given certificate), AUTH PLAIN,
 * MAIL/RCPT/DATA/QUIT. It records each message with its envelope, and whether it came over TLS and authenticated.
 */
final class SmtpReceiver implements AutoCloseable {

    record Mail(String from, List<String> to, String data, boolean tls, String user) {
    }

    final List<Mail> mails = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final SSLContext tls;
    private final boolean offerStartTls;
    private final String user;
    private final String password;

    SmtpReceiver(PrivateKey key, List<X509Certificate> chain, boolean offerStartTls, String user, String password)
            throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("smtp", key, new char[0], chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        this.offerStartTls = offerStartTls;
        this.user = user;
        this.password = password;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("smtp-receiver").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            Socket current = socket;
            boolean secure = false;
            String authenticated = null;
            String from = null;
            List<String> to = new CopyOnWriteArrayList<>();
            BufferedReader in = reader(current);
            OutputStream out = current.getOutputStream();
            write(out, "220 localhost test ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String upper = line.toUpperCase();
                if (upper.startsWith("EHLO")) {
                    write(out, "250-localhost");
                    if (offerStartTls && !secure) {
                        write(out, "250-STARTTLS");
                    }
                    write(out, "250 AUTH PLAIN");
                } else if (upper.equals("STARTTLS")) {
                    write(out, "220 ready for TLS");
                    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(current, null, true);
                    s.setUseClientMode(false);
                    s.startHandshake();
                    current = s;
                    secure = true;
                    in = reader(current);
                    out = current.getOutputStream();
                } else if (upper.startsWith("AUTH PLAIN ")) {
                    String[] parts = new String(Base64.getDecoder().decode(line.substring(11)), StandardCharsets.UTF_8)
                            .split("\0", -1);
                    if (parts.length == 3 && parts[1].equals(user) && parts[2].equals(password)) {
                        authenticated = parts[1];
                        write(out, "235 authenticated");
                    } else {
                        write(out, "535 authentication failed");
                    }
                } else if (upper.startsWith("MAIL FROM:")) {
                    if (user != null && authenticated == null) {
                        write(out, "530 authentication required");
                        continue;
                    }
                    from = line.substring(10).replaceAll("[<>]", "");
                    write(out, "250 ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    to.add(line.substring(8).replaceAll("[<>]", ""));
                    write(out, "250 ok");
                } else if (upper.equals("DATA")) {
                    write(out, "354 go ahead");
                    StringBuilder data = new StringBuilder();
                    String l;
                    while ((l = in.readLine()) != null && !l.equals(".")) {
                        data.append(l.startsWith("..") ? l.substring(1) : l).append("\r\n");
                    }
                    mails.add(new Mail(from, List.copyOf(to), data.toString(), secure, authenticated));
                    write(out, "250 queued");
                } else if (upper.equals("QUIT")) {
                    write(out, "221 bye");
                    return;
                } else {
                    write(out, "502 not implemented");
                }
            }
        } catch (IOException e) {
            // the client went away; what was received is recorded
        }
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

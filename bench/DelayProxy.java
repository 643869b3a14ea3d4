import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on loopback that delays every byte by half a round trip in each direction, so each round trip through it
 * takes at least RTT_MS more (the TCP handshake with the proxy itself is not delayed). Every endpoint of a farm targets
 * file (lines "127.1.A.B:PORT sni=NAME ...") is exposed COPIES times; the proxied targets, 4 per listening address
 * (-DperListener=4, the scanner's default per-address cap) on 127.2.X.Y:PORT, are told apart by the server name of the
 * ClientHello, and their targets file is written to OUT_TARGETS. Virtual threads: one per listener, and per connection
 * one reader and one writer per direction; a chunk read at time t is written at t + RTT/2.
 *
 * <p>java bench/DelayProxy.java FARM_TARGETS OUT_TARGETS RTT_MS COPIES ; prints "ready ..." when listening and, every
 * second, the connections open and accepted.
 */
public final class DelayProxy {

    private static final byte[] EOF = new byte[0];
    private static final AtomicInteger open = new AtomicInteger();
    private static final AtomicLong accepted = new AtomicLong();
    private static final AtomicLong failed = new AtomicLong();
    private static final AtomicLong unrouted = new AtomicLong();
    private static final AtomicLong acceptFailures = new AtomicLong();

    private record Chunk(byte[] data, long due) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: DelayProxy FARM_TARGETS OUT_TARGETS RTT_MS COPIES");
            System.exit(2);
        }
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        long oneWayNanos = Long.parseLong(args[2]) * 1_000_000L / 2;
        int copies = Integer.parseInt(args[3]);
        int per = Integer.parseInt(System.getProperty("perListener", "4"));
        List<String[]> farm = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank() && !line.startsWith("#")) {
                farm.add(line.trim().split("\\s+"));
            }
        }
        // listener L serves targets L*per .. L*per+per-1 of the sequence copy 0, copy 1, ...; routed by SNI
        Map<String, Map<String, InetSocketAddress>> routes = new LinkedHashMap<>();
        List<String> out = new ArrayList<>();
        int port = 0;
        for (int c = 0; c < copies; c++) {
            for (int i = 0; i < farm.size(); i++) {
                String[] words = farm.get(i);
                int colon = words[0].lastIndexOf(':');
                String host = words[0].substring(0, colon);
                port = Integer.parseInt(words[0].substring(colon + 1));
                String sni = Arrays.stream(words).filter(w -> w.startsWith("sni=")).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no sni= on the line " + String.join(" ", words)))
                        .substring(4).toLowerCase(java.util.Locale.ROOT);
                int l = (c * farm.size() + i) / per;
                String front = "127.2." + (l / 250) + "." + (l % 250 + 1);
                if (l / 250 > 255) {
                    throw new IllegalArgumentException("too many listeners for 127.2.0.0/16");
                }
                if (routes.computeIfAbsent(front, k -> new HashMap<>())
                        .putIfAbsent(sni, new InetSocketAddress(InetAddress.getByName(host), port)) != null) {
                    throw new IllegalArgumentException("two targets with SNI " + sni + " on one listener; use fewer per listener");
                }
                out.add(front + ":" + port + " " + String.join(" ", Arrays.copyOfRange(words, 1, words.length)));
            }
        }
        List<ServerSocket> listeners = new ArrayList<>();
        for (Map.Entry<String, Map<String, InetSocketAddress>> e : routes.entrySet()) {
            ServerSocket ss = new ServerSocket();
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(InetAddress.getByName(e.getKey()), port), 4096);
            listeners.add(ss);
            Map<String, InetSocketAddress> bySni = Map.copyOf(e.getValue());
            Thread.ofVirtual().name("accept-" + e.getKey()).start(() -> acceptLoop(ss, bySni, oneWayNanos));
        }
        Files.write(Path.of(args[1]), out);
        PrintWriter stdout = new PrintWriter(System.out, true);
        stdout.println("ready " + out.size() + " targets on " + listeners.size() + " listeners, round trip +" + args[2] + " ms");
        while (true) {
            Thread.sleep(1000);
            stdout.println("open " + open.get() + " accepted " + accepted.get() + " upstream-failures " + failed.get()
                    + " unrouted " + unrouted.get() + " accept-failures " + acceptFailures.get());
        }
    }

    private static void acceptLoop(ServerSocket ss, Map<String, InetSocketAddress> bySni, long oneWayNanos) {
        while (!ss.isClosed()) {
            Socket client;
            try {
                client = ss.accept();
            } catch (IOException e) {
                acceptFailures.incrementAndGet(); // out of descriptors, say: try again shortly
                LockSupport.parkNanos(10_000_000L);
                continue;
            }
            accepted.incrementAndGet();
            Thread.ofVirtual().start(() -> relay(client, bySni, oneWayNanos));
        }
    }

    /** The server name of a TLS ClientHello at the start of {@code b}, or null when there is none (or it is incomplete). */
    static String serverName(byte[] b, int len) {
        try {
            if (len < 5 || b[0] != 22) {
                return null;
            }
            int p = 5;
            if (b[p] != 1) {
                return null;
            }
            p += 4 + 2 + 32;
            p += 1 + (b[p] & 0xff);
            p += 2 + (((b[p] & 0xff) << 8) | (b[p + 1] & 0xff));
            p += 1 + (b[p] & 0xff);
            int end = p + 2 + (((b[p] & 0xff) << 8) | (b[p + 1] & 0xff));
            p += 2;
            while (p + 4 <= Math.min(end, len)) {
                int type = ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
                int extLen = ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
                p += 4;
                if (type == 0) {
                    int nameLen = ((b[p + 3] & 0xff) << 8) | (b[p + 4] & 0xff);
                    if (p + 5 + nameLen > len) {
                        return null;
                    }
                    return new String(b, p + 5, nameLen, java.nio.charset.StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
                }
                p += extLen;
            }
            return null;
        } catch (ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    private static void relay(Socket client, Map<String, InetSocketAddress> bySni, long oneWayNanos) {
        open.incrementAndGet();
        try (client; Socket server = new Socket()) {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            // the ClientHello names the endpoint: read until its server name is complete
            byte[] hello = new byte[16384];
            int got = 0;
            String sni = null;
            client.setSoTimeout(10_000);
            while (sni == null && got < hello.length) {
                int n = client.getInputStream().read(hello, got, hello.length - got);
                if (n < 0) {
                    return;
                }
                got += n;
                sni = serverName(hello, got);
                if (sni == null && got >= 5 && got >= 5 + (((hello[3] & 0xff) << 8) | (hello[4] & 0xff))) {
                    break; // a whole record without a server name
                }
            }
            client.setSoTimeout(0);
            InetSocketAddress upstream = sni == null ? null : bySni.get(sni);
            if (upstream == null) {
                unrouted.incrementAndGet();
                return;
            }
            try {
                server.connect(upstream, 10_000);
            } catch (IOException e) {
                failed.incrementAndGet();
                return;
            }
            Thread up = pump(client, server, oneWayNanos, Arrays.copyOf(hello, got));
            Thread down = pump(server, client, oneWayNanos, new byte[0]);
            up.join();
            down.join();
        } catch (IOException | InterruptedException e) {
            // the connection ends
        } finally {
            open.decrementAndGet();
        }
    }

    /** Copies from → to, each chunk written half a round trip after it was read; returns the writer thread. */
    private static Thread pump(Socket from, Socket to, long delayNanos, byte[] first) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        if (first.length > 0) {
            queue.add(new Chunk(first, System.nanoTime() + delayNanos));
        }
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[16384];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    queue.add(new Chunk(Arrays.copyOf(buf, n), System.nanoTime() + delayNanos));
                }
            } catch (IOException e) {
                // reset or closed: end this direction
            }
            queue.add(new Chunk(EOF, System.nanoTime() + delayNanos));
        });
        return Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Chunk c = queue.take();
                    long wait;
                    while ((wait = c.due() - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (c.data() == EOF) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(c.data());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        });
    }
}

package dev.certsonar.sandbox.http;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.Spliterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A local HTTP receiver on loopback, as a webhook's or a chat service's endpoint: it records every request and answers
 * with a chosen status; it can refuse chosen requests with 503, or hang without answering until it is closed.
 */
public final class HttpReceiver implements AutoCloseable {

    public record Request(String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    /**
     * A list that only grows, read while it grows: appending costs no copy (a receiver may take hundreds of thousands of
     * requests), and iterating walks a snapshot.
     */
    public static final class Recorded<E> extends AbstractList<E> implements RandomAccess {
        private final List<E> items = new ArrayList<>();

        synchronized void append(E item) {
            items.add(item);
        }

        @Override
        public synchronized E get(int index) {
            return items.get(index);
        }

        @Override
        public synchronized int size() {
            return items.size();
        }

        /** What was recorded so far. */
        public synchronized List<E> snapshot() {
            return List.copyOf(items);
        }

        @Override
        public Iterator<E> iterator() {
            return snapshot().iterator();
        }

        @Override
        public Spliterator<E> spliterator() {
            return snapshot().spliterator();
        }
    }

    /** Every request, in the order they arrived. */
    public final Recorded<Request> requests = new Recorded<>();
    /** The requests answered with a 2xx, in the order they were answered. */
    public final Recorded<Request> accepted = new Recorded<>();
    public final AtomicInteger status = new AtomicInteger(200);
    /** Answer this many requests with 503 first. */
    public final AtomicInteger failuresLeft = new AtomicInteger();
    /** Requests answered with 503 whatever else is set. */
    public volatile Predicate<Request> refuse = r -> false;
    /** While set, requests get no answer until the receiver is closed. */
    public volatile boolean hang;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final HttpServer server;

    public HttpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Request request = new Request(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.append(request);
            if (hang) {
                try {
                    closing.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
            int code = refuse.test(request) || failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : status.get();
            if (code >= 200 && code < 300) {
                accepted.append(request);
            }
            exchange.sendResponseHeaders(code, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** The distinct values of a header over the requests answered with a 2xx, as a receiver that drops repeats sees them. */
    public Set<String> acceptedDistinct(String header) {
        Set<String> values = new LinkedHashSet<>();
        accepted.forEach(r -> values.add(r.header(header)));
        return values;
    }

    /** This receiver's URL with {@code path}. */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}

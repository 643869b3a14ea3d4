package dev.certsonar.aggregator.console;

import dev.certsonar.aggregator.StoreNames;
import dev.certsonar.aggregator.http.HttpModule;
import dev.certsonar.aggregator.http.ServiceIndex;
import dev.certsonar.aggregator.http.StateQueries;
import io.javalin.config.JavalinConfig;
import io.javalin.http.sse.SseClient;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells open pages that what they show changed, as Server-Sent Events on {@code /events} (htmx's sse extension then
 * fetches the page's live parts again): {@code services} when a service's status changed ({@link ServiceIndex}'s
 * listener), {@code alerts} when this instance's alert states, silences or exceptions changed, {@code targets} when
 * its targets changed. Changes are gathered and told at most once a {@link #TICK}, so a burst of changes is one
 * refresh; the operators' tables are looked at only while a page listens. A comment every {@link #KEEP_ALIVE} keeps
 * idle connections open and finds closed ones.
 */
public final class ConsoleEvents implements HttpModule, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsoleEvents.class);
    static final Duration TICK = Duration.ofSeconds(1);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final int TARGETS_EVERY_TICKS = 5;

    private final StateQueries queries;
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean servicesChanged = new AtomicBoolean();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("console-events").daemon().factory());
    private long alertsSeen;
    private long targetsSeen;
    private long ticks;

    public ConsoleEvents(ServiceIndex index, StateQueries queries) {
        this.queries = queries;
        index.addListener(change -> servicesChanged.set(true));
    }

    @Override
    public void register(JavalinConfig config) {
        config.routes.sse("/events", client -> {
            client.keepAlive();
            client.onClose(() -> clients.remove(client));
            clients.add(client);
            client.sendComment("connected");
        });
    }

    public void start() {
        ticker.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many pages listen now. */
    public int listeners() {
        return clients.size();
    }

    private void tick() {
        try {
            ticks++;
            if (servicesChanged.getAndSet(false)) {
                send("services");
            }
            if (clients.isEmpty()) {
                return;
            }
            long alerts = fingerprint(List.of(StoreNames.ALERT_STATES, StoreNames.SILENCES, StoreNames.EXCEPTIONS));
            if (alerts != alertsSeen) {
                alertsSeen = alerts;
                send("alerts");
            }
            if (ticks % TARGETS_EVERY_TICKS == 0) {
                long targets = fingerprint(List.of(StoreNames.SCHEDULER_TARGETS));
                if (targets != targetsSeen) {
                    targetsSeen = targets;
                    send("targets");
                }
            }
            if (ticks % KEEP_ALIVE.toSeconds() == 0) {
                clients.forEach(c -> c.sendComment("keep-alive"));
                clients.removeIf(SseClient::terminated);
            }
        } catch (InvalidStateStoreException e) {
            log.debug("The stores are not queryable now (starting or rebalancing): {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Telling the console's pages of changes failed", e);
        }
    }

    /** A sum over the keys and values the stores hold now, whatever their order: it changes when any of them does. */
    private long fingerprint(List<String> stores) {
        long sum = 0;
        for (String store : stores) {
            long one = 17;
            for (Object v : queries.localTable(store)) {
                one += 31L * v.hashCode() + 1;
            }
            sum = sum * 1_000_003L + one;
        }
        return sum;
    }

    private void send(String event) {
        for (SseClient c : clients) {
            if (c.terminated()) {
                clients.remove(c);
            } else {
                c.sendEvent(event, "changed");
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        clients.forEach(SseClient::close);
        clients.clear();
    }
}

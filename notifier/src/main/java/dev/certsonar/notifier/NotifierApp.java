package dev.certsonar.notifier;

import dev.certsonar.notifier.delivery.Channel;
import dev.certsonar.notifier.delivery.DeliveryLoop;
import dev.certsonar.notifier.delivery.ChannelDispatcher;
import dev.certsonar.notifier.delivery.Dispatcher;
import dev.certsonar.notifier.delivery.KafkaUndeliverable;
import dev.certsonar.notifier.delivery.LogChannel;
import dev.certsonar.notifier.delivery.RetryPolicy;
import dev.certsonar.notifier.delivery.Routes;
import dev.certsonar.schemas.BrokerTimeouts;
import dev.certsonar.schemas.DeadLetterHandler;
import dev.certsonar.schemas.Topics;
import dev.certsonar.schemas.avro.Alert;
import dev.certsonar.schemas.store.StoreMemory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The notifier: the alert lifecycle as a Kafka Streams application (exactly-once), with the operator's silences and
 * acknowledgements and the alerts' states on {@code alert-states}, and the delivery of the alerts topic
 * (read_committed, at-least-once). The topics must exist ({@code TopicAdmin.ensureTopics}). The {@code onAlert}
 * callback and each channel read the topic in their own consumer group, with their own {@link DeliveryLoop}, so a slow
 * or failing channel holds up nobody else; a channel retries with backoff by its {@link RetryPolicy} and hands what it
 * cannot deliver to {@code alerts-undeliverable}. A delivery loop that fails is started again; one that keeps failing
 * makes the notifier no longer alive ({@link #isAlive}). By default the one channel is a {@link LogChannel}.
 */
public final class NotifierApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NotifierApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    /** Alerts a channel's delivery reads ahead of what it delivered before it pauses: what a stuck channel holds. */
    static final int MAX_UNCOMMITTED = 10_000;

    private final Map<String, Object> kafkaProps;
    private final Topics topics;
    private final NotifierConfig config;
    private final Clock clock;
    private final Consumer<Alert> onAlert;
    private final List<Channel> channels;
    private final Routes routes;
    private final Map<String, RetryPolicy> retries;
    private final MeterRegistry registry;
    private KafkaStreams streams;
    private final List<DeliveryLoop> deliveries = new CopyOnWriteArrayList<>();
    private KafkaUndeliverable undeliverable;
    private volatile Throwable failure;
    private volatile boolean closed;

    /** A notifier that delivers to a {@link LogChannel} and to {@code onAlert}. */
    public NotifierApp(Map<String, Object> kafkaProps, Topics topics, NotifierConfig config, Clock clock,
                       Consumer<Alert> onAlert) {
        this(kafkaProps, topics, config, clock, onAlert, List.of(new LogChannel("log")));
    }

    /** A notifier that delivers every alert to each of {@code channels} and to {@code onAlert}. */
    public NotifierApp(Map<String, Object> kafkaProps, Topics topics, NotifierConfig config, Clock clock,
                       Consumer<Alert> onAlert, List<Channel> channels) {
        this(kafkaProps, topics, config, clock, onAlert, channels,
                Routes.toAll(channels.stream().map(Channel::name).toList()));
    }

    /**
     * A notifier that delivers each alert to the channels {@code routes} choose, and every alert to {@code onAlert}.
     *
     * @throws IllegalArgumentException when a route names a channel that is not in {@code channels}, or two
     *                                  channels have one name
     */
    public NotifierApp(Map<String, Object> kafkaProps, Topics topics, NotifierConfig config, Clock clock,
                       Consumer<Alert> onAlert, List<Channel> channels, Routes routes) {
        this(kafkaProps, topics, config, clock, onAlert, channels, routes, Map.of(), new SimpleMeterRegistry());
    }

    /**
     * A notifier that delivers each alert to the channels {@code routes} choose, and every alert to {@code onAlert}.
     *
     * @param retries  the retry policy of each channel that has its own, by channel name; the others retry by
     *                 {@link NotifierConfig#retry()}
     * @param registry where the delivery's meters go
     * @throws IllegalArgumentException when a route or a retry policy names a channel that is not in
     *                                  {@code channels}, or two channels have one name
     */
    public NotifierApp(Map<String, Object> kafkaProps, Topics topics, NotifierConfig config, Clock clock,
                       Consumer<Alert> onAlert, List<Channel> channels, Routes routes, Map<String, RetryPolicy> retries,
                       MeterRegistry registry) {
        this.kafkaProps = Map.copyOf(Objects.requireNonNull(kafkaProps, "kafkaProps"));
        this.topics = Objects.requireNonNull(topics, "topics");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onAlert = onAlert == null ? alert -> { } : onAlert;
        this.channels = List.copyOf(channels);
        this.routes = Objects.requireNonNull(routes, "routes");
        Set<String> names = new LinkedHashSet<>();
        for (Channel c : channels) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("channels: two channels are named '" + c.name() + "'");
            }
        }
        routes.requireChannels(names);
        this.retries = Map.copyOf(retries);
        for (String channel : this.retries.keySet()) {
            if (!names.contains(channel)) {
                throw new IllegalArgumentException("a retry policy for channel '" + channel + "', which is not a channel");
            }
        }
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The topology this app runs, given the partition count of {@code service-status}. */
    Topology topology(int statusPartitions) {
        return AlertTopology.build(new StreamsBuilder(), topics, config, statusPartitions).build();
    }

    /**
     * The partition count of {@code service-status}, which the topology's repartition topic gets, after checking that
     * {@code acknowledgements} has as many partitions as {@code alert-states} (an acknowledgement is routed by the
     * alert-states partition of the same number).
     *
     * @throws IllegalStateException when a topic is missing, the cluster does not answer, or the counts differ
     */
    private int statusPartitions() {
        List<String> names = List.of(topics.serviceStatus().name(), topics.acknowledgements().name(),
                topics.alertStates().name());
        Map<String, TopicDescription> described;
        try (Admin admin = Admin.create(kafkaProps)) {
            described = admin.describeTopics(names).allTopicNames().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking for the partitions of " + names, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the notifier needs the topics " + names + " (TopicAdmin.ensureTopics "
                    + "creates them); asking for their partitions failed: "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
        int acks = described.get(topics.acknowledgements().name()).partitions().size();
        int states = described.get(topics.alertStates().name()).partitions().size();
        if (acks != states) {
            throw new IllegalStateException("topic " + topics.acknowledgements().name() + " has " + acks
                    + " partitions and " + topics.alertStates().name() + " has " + states
                    + "; the notifier needs as many in both");
        }
        return described.get(topics.serviceStatus().name()).partitions().size();
    }

    /**
     * The Kafka Streams properties: the given client properties plus the notifier's own; the RocksDB stores share the
     * process's bounded memory ({@link StoreMemory}) unless the client properties name a config setter of their own.
     */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.putAll(kafkaProps);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.putAll(DeadLetterHandler.properties(topics.deadLetters().name(), "notifier"));
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // the partition assignor reads the main consumer's configuration, which Streams does not copy this setting into
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        StoreMemory.addTo(p);
        return p;
    }

    public synchronized void start() {
        if (streams != null) {
            throw new IllegalStateException("the notifier was started already");
        }
        streams = new KafkaStreams(topology(statusPartitions()), streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            if (BrokerTimeouts.causedBy(e)) {
                log.atWarn().addKeyValue("applicationId", config.applicationId()).addKeyValue("error", e.toString())
                        .log("the brokers did not answer in time; the stream thread starts again from its last commit");
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            failure = e;
            log.atError().setCause(e).addKeyValue("applicationId", config.applicationId())
                    .log("the alert lifecycle failed; shutting the notifier's Streams client down");
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> log.atInfo().addKeyValue("applicationId", config.applicationId())
                .addKeyValue("from", before).addKeyValue("to", now).log("notifier streams state"));
        undeliverable = new KafkaUndeliverable(kafkaProps, topics.alertsUndeliverable());
        DeliveryLoop.Settings loops = new DeliveryLoop.Settings(Duration.ZERO, MAX_UNCOMMITTED, config.deliveryRestarts());
        deliveries.add(new DeliveryLoop(kafkaProps, config.applicationId() + "-delivery", topics.alerts(),
                topics.deadLetters().name(), Dispatcher.NONE, onAlert, loops, registry));
        for (Channel channel : channels) {
            Dispatcher dispatcher = new ChannelDispatcher(channel, routes.to(channel.name()),
                    retries.getOrDefault(channel.name(), config.retry()), undeliverable, registry);
            deliveries.add(new DeliveryLoop(kafkaProps, config.applicationId() + "-channel-" + channel.name(),
                    topics.alerts(), null, dispatcher, alert -> { }, loops.withLinger(config.groupWindow()), registry));
        }
        streams.start();
        deliveries.forEach(DeliveryLoop::start);
        log.atInfo().addKeyValue("applicationId", config.applicationId())
                .addKeyValue("input", topics.serviceStatus().name()).addKeyValue("output", topics.alerts().name())
                .addKeyValue("startedAt", clock.instant()).log("notifier started");
    }

    /** The alert lifecycle is RUNNING and the delivery has its partitions. */
    public boolean isReady() {
        KafkaStreams s = streams;
        return s != null && s.state() == KafkaStreams.State.RUNNING
                && !deliveries.isEmpty() && deliveries.stream().allMatch(DeliveryLoop::isRunning);
    }

    /**
     * Neither the alert lifecycle nor a delivery stopped on its own: false once the Streams client failed or a
     * delivery loop gave up after failing again and again, and once the notifier is closed.
     */
    public boolean isAlive() {
        return !closed && streams != null && stoppedPart().isEmpty();
    }

    /** What stopped on its own, in words, when something did: the alert lifecycle or a delivery (its group). */
    public Optional<String> stoppedPart() {
        KafkaStreams s = streams;
        if (failure != null || s != null && (s.state() == KafkaStreams.State.ERROR
                || s.state() == KafkaStreams.State.PENDING_ERROR)) {
            return Optional.of("the alert lifecycle (Kafka Streams " + config.applicationId() + ")");
        }
        return deliveries.stream().filter(d -> !d.isAlive()).findFirst()
                .map(d -> "the alert delivery of consumer group " + d.groupId());
    }

    /** The error that stopped the Streams client, if one did. */
    public Throwable failure() {
        return failure;
    }

    public KafkaStreams.State state() {
        KafkaStreams s = streams;
        return s == null ? KafkaStreams.State.CREATED : s.state();
    }

    /** Stops every delivery, then the Streams client, leaving the consumer group so partitions move at once. */
    @Override
    public synchronized void close() {
        closed = true;
        // each delivery waits a grace period for what its channel has in flight: all of them at once
        List<Thread> closing = deliveries.stream().map(d -> Thread.ofVirtual().start(d::close)).toList();
        for (Thread t : closing) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        deliveries.clear();
        if (undeliverable != null) {
            undeliverable.close();
            undeliverable = null;
        }
        if (streams != null) {
            boolean clean = streams.close(CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
            if (!clean) {
                log.atWarn().addKeyValue("timeout", CLOSE_TIMEOUT).log("the notifier's Streams client did not close in time");
            }
            streams = null;
        }
    }
}

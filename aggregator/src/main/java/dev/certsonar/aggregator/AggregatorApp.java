package dev.certsonar.aggregator;

import dev.certsonar.aggregator.console.AlertHistory;
import dev.certsonar.aggregator.console.ConsolePages;
import dev.certsonar.aggregator.console.FleetPages;
import dev.certsonar.aggregator.http.FleetRoutes;
import dev.certsonar.aggregator.http.FleetView;
import dev.certsonar.aggregator.console.ConsoleActions;
import dev.certsonar.aggregator.console.ConsoleEvents;
import dev.certsonar.aggregator.http.ApiQueries;
import dev.certsonar.aggregator.http.ConsoleSessions;
import dev.certsonar.aggregator.http.HttpModule;
import dev.certsonar.aggregator.http.OperatorRoutes;
import dev.certsonar.aggregator.http.OperatorWrites;
import dev.certsonar.aggregator.http.RequestGuard;
import dev.certsonar.aggregator.http.ServiceIndex;
import dev.certsonar.aggregator.http.ServiceMetrics;
import dev.certsonar.aggregator.http.ServiceStatusView;
import dev.certsonar.aggregator.http.TopicFollower;
import dev.certsonar.aggregator.http.SessionRoutes;
import dev.certsonar.aggregator.http.StateQueries;
import dev.certsonar.aggregator.http.StatusRoutes;
import dev.certsonar.aggregator.http.TargetRoutes;
import dev.certsonar.aggregator.http.TargetSyntax;
import dev.certsonar.aggregator.http.WebServer;
import dev.certsonar.schemas.BrokerTimeouts;
import dev.certsonar.schemas.DeadLetterHandler;
import dev.certsonar.schemas.store.StoreMemory;
import dev.certsonar.schemas.Topics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.certsonar.schemas.TopicAdmin;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The aggregator as a running Kafka Streams application, with its HTTP API and console when a port is configured: the
 * web server, the list of every service read from service-status ({@link ServiceIndex}), the recent alert events of
 * each service ({@link AlertHistory}), and the producer of operators' writes.
 * The topics must exist (see {@code TopicAdmin.ensureTopics}); the constructor reads the observations topic's partition count. An unexpected error in a stream thread
 * shuts the whole client down, logged at ERROR; {@link #isReady()} then turns false.
 */
public final class AggregatorApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AggregatorApp.class);
    /** How the aggregator names itself in the dead letters it writes. */
    public static final String COMPONENT = "aggregator";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOPIC_LOOKUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOPIC_LOOKUP_RETRY = Duration.ofMillis(100);

    private final AggregatorConfig config;
    private final Topology topology;
    private final KafkaStreams streams;
    private final PrometheusMeterRegistry registry;
    private final boolean ownsRegistry;
    private final KafkaStreamsMetrics streamsMetrics;
    private final WebServer api;
    private final ServiceIndex serviceIndex = new ServiceIndex();
    private final ServiceStatusView serviceView;
    private final FleetView fleetView;
    private final OperatorWrites writes;
    private final AlertHistory history;
    private final ConsoleEvents events;
    private boolean started;
    private boolean closed;

    /**
     * An aggregator whose API and console read targets as the targets topic's JSON only.
     *
     * @param clock "now" for the HTTP API and its metrics; the topology takes its time from records and punctuations
     */
    public AggregatorApp(Map<String, Object> kafkaProps, Topics topics, AggregatorConfig config, Clock clock) {
        this(kafkaProps, topics, config, clock, TargetSyntax.JSON_ONLY);
    }

    /**
     * @param clock   "now" for the HTTP API and its metrics; the topology takes its time from records and punctuations
     * @param targets how the API and the console read targets people write (the command line's forms and files)
     */
    public AggregatorApp(Map<String, Object> kafkaProps, Topics topics, AggregatorConfig config, Clock clock, TargetSyntax targets) {
        this(kafkaProps, topics, config, clock, targets, null);
    }

    /**
     * @param clock    "now" for the HTTP API and its metrics; the topology takes its time from records and punctuations
     * @param targets  how the API and the console read targets people write (the command line's forms and files)
     * @param registry where the aggregator's meters go and what its {@code /metrics} shows (with whatever else the
     *                 caller bound to it, such as the JVM's meters and common tags); the caller closes it. Null: a
     *                 registry of the aggregator's own, closed with it
     */
    public AggregatorApp(Map<String, Object> kafkaProps, Topics topics, AggregatorConfig config, Clock clock, TargetSyntax targets,
                         PrometheusMeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(clock, "clock");
        this.topology = ExpiryTopology.build(new StreamsBuilder(), topics, config,
                partitionsOf(kafkaProps, topics.observations().name()), partitionsOf(kafkaProps, topics.targets().name()),
                topic -> zoneTopic(kafkaProps, topic, topics.scanRequests().name())).build();
        this.streams = new KafkaStreams(topology, streamsProperties(kafkaProps, topics, config));
        this.streams.setUncaughtExceptionHandler(exception -> {
            if (BrokerTimeouts.causedBy(exception)) {
                log.warn("The brokers did not answer in time; the stream thread starts again from its last commit: {}",
                        exception.toString());
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            log.error("The aggregator stops: unexpected error in a stream thread", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        this.streams.setStateListener((newState, oldState) -> log.info("Aggregator streams {} -> {}", oldState, newState));
        this.ownsRegistry = registry == null;
        this.registry = ownsRegistry ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : registry;
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        this.streamsMetrics.bindTo(this.registry);
        if (config.http().port() >= 0) {
            Objects.requireNonNull(targets, "targets");
            StateQueries queries = new StateQueries(streams, config, clock);
            this.serviceView = new ServiceStatusView(kafkaProps, topics.serviceStatus(), serviceIndex,
                    topics.deadLetters().name(), COMPONENT);
            this.fleetView = new FleetView(kafkaProps, topics.scannerHeartbeats(), config.fleet().downAfter(), clock, this.registry,
                    topics.deadLetters().name(), COMPONENT);
            this.writes = new OperatorWrites(kafkaProps, topics);
            this.history = new AlertHistory(kafkaProps, topics.alerts(), clock, topics.deadLetters().name(), COMPONENT);
            this.events = new ConsoleEvents(serviceIndex, queries);
            for (TopicFollower follower : followers()) {
                FunctionCounter.builder("certsonar.aggregator.follower.failures", follower, TopicFollower::failures)
                        .description("Times reading a topic the aggregator follows (service list, fleet, alert history) failed and was tried again")
                        .tag("topic", follower.topic()).register(this.registry);
            }
            ConsoleSessions sessions = new ConsoleSessions(config.http().token(), clock);
            List<String> self = queries.self() == null ? List.of() : List.of(queries.self().host());
            this.api = new WebServer(config.http(), new RequestGuard(config.http(), sessions, self),
                    httpModules(queries, sessions, targets, clock));
        } else {
            this.serviceView = null;
            this.fleetView = null;
            this.writes = null;
            this.history = null;
            this.events = null;
            this.api = null;
        }
    }

    /** The parts of the web server: status and inventory, the operators' API, targets, sessions, the console. */
    private List<HttpModule> httpModules(StateQueries queries, ConsoleSessions sessions, TargetSyntax targets, Clock clock) {
        ApiQueries read = new ApiQueries(queries, clock);
        OperatorRoutes operator = new OperatorRoutes(queries, read, writes, config.http(), clock);
        ConsolePages pages = new ConsolePages(serviceIndex, read, history, sessions, config.http(), this::isReady);
        return List.of(
                new StatusRoutes(read, serviceIndex, new ServiceMetrics(registry, queries, clock), registry, this::isReady,
                        this::isAlive, clock),
                operator,
                new TargetRoutes(read, writes, targets, config.policy()),
                new SessionRoutes(sessions, config.http()),
                pages,
                new FleetRoutes(fleetView),
                new FleetPages(pages, fleetView, serviceIndex),
                new ConsoleActions(read, operator, writes, sessions, config.http(), targets, config.policy()),
                events);
    }

    /** Makes a zone's scan-request topic like the scan-requests topic, when it is missing. */
    private static void zoneTopic(Map<String, Object> kafkaProps, String topic, String like) {
        try (Admin admin = Admin.create(adminProperties(kafkaProps))) {
            TopicAdmin.ensureTopicLike(admin, topic, like);
        }
    }

    private static Map<String, Object> adminProperties(Map<String, Object> kafkaProps) {
        Map<String, Object> adminProps = new HashMap<>();
        AdminClientConfig.configNames().forEach(name -> {
            if (kafkaProps.containsKey(name)) {
                adminProps.put(name, kafkaProps.get(name));
            }
        });
        return adminProps;
    }

    /**
     * The partition count of a topic, which must exist. A topic created a moment ago may not be known to the broker
     * that answers yet, so an unknown topic is asked for again, every {@link #TOPIC_LOOKUP_RETRY}, for up to
     * {@link #TOPIC_LOOKUP_TIMEOUT}.
     */
    static int partitionsOf(Map<String, Object> kafkaProps, String topic) {
        Map<String, Object> adminProps = adminProperties(kafkaProps);
        long deadline = System.nanoTime() + TOPIC_LOOKUP_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(adminProps)) {
            while (true) {
                try {
                    return admin.describeTopics(List.of(topic)).allTopicNames()
                            .get(TOPIC_LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions().size();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw new IllegalStateException("The aggregator needs topic " + topic + " to exist (see TopicAdmin.ensureTopics); "
                                + "asking for its partitions failed: " + e.getCause().getMessage(), e);
                    }
                    log.debug("Topic {} is not known yet; asking again in {}", topic, TOPIC_LOOKUP_RETRY);
                    Thread.sleep(TOPIC_LOOKUP_RETRY.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking for the partitions of topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("The aggregator needs topic " + topic + " to exist (see TopicAdmin.ensureTopics); "
                    + "asking for its partitions took longer than " + TOPIC_LOOKUP_TIMEOUT, e);
        }
    }

    /** Commit (one transaction under exactly-once) every second instead of every 100 ms. */
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 1_000;
    /** The record cache of all stores, which absorbs repeated writes of one key between commits. */
    public static final long DEFAULT_STATESTORE_CACHE_BYTES = 32L << 20;
    /**
     * The producer's batch size per partition: an observation stored in a changelog is about 1.5 KB, so the default
     * 16 KB batch would fill every ten records, each full batch waking the sender for a request of its own.
     */
    public static final int DEFAULT_PRODUCER_BATCH_BYTES = 256 << 10;
    /**
     * How long the producer waits to fill a batch: scan requests, statuses, changelogs and repartitioned observations
     * are written in transactions committed every second, so waiting 20 ms costs nothing and cuts the requests.
     */
    public static final int DEFAULT_PRODUCER_LINGER_MS = 20;
    /** The producer's compression of every topic it writes (changelogs, repartition topics, scan requests, statuses). */
    public static final String DEFAULT_PRODUCER_COMPRESSION = "lz4";

    /**
     * The Kafka Streams properties the aggregator runs with: the given client properties, then its own; the commit
     * interval, the state-store cache size and the producer's batch size, linger and compression take the defaults
     * above unless the client properties set them, and the RocksDB stores share the process's bounded memory ({@link StoreMemory}) unless they
     * name a config setter of their own.
     */
    public static Properties streamsProperties(Map<String, Object> kafkaProps, Topics topics, AggregatorConfig config) {
        Map<String, Object> props = new HashMap<>(kafkaProps);
        props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
        props.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, DEFAULT_STATESTORE_CACHE_BYTES);
        if (!props.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)) {
            props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), DEFAULT_PRODUCER_BATCH_BYTES);
        }
        if (!props.containsKey(ProducerConfig.LINGER_MS_CONFIG)) {
            props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), DEFAULT_PRODUCER_LINGER_MS);
        }
        if (!props.containsKey(ProducerConfig.COMPRESSION_TYPE_CONFIG)) {
            props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), DEFAULT_PRODUCER_COMPRESSION);
        }
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // the partition assignor reads the main consumer's configuration, which Streams does not copy this setting into
        props.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        props.putAll(DeadLetterHandler.properties(topics.deadLetters().name(), COMPONENT));
        if (config.applicationServer() != null) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.applicationServer());
        }
        Properties properties = new Properties();
        properties.putAll(props);
        StoreMemory.addTo(properties);
        return properties;
    }

    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("The aggregator was started already");
        }
        started = true;
        if (api != null) {
            serviceView.start();
            fleetView.start();
            history.start();
            events.start();
            try {
                api.start();
            } catch (RuntimeException e) {
                throw new IllegalStateException("The aggregator's HTTP API cannot listen on " + config.http().bind() + ":"
                        + config.http().port() + " (is the port taken? choose another with --http-port or http.port)", e);
            }
        }
        streams.start();
        log.info("Aggregator {} started{}", config.applicationId(), api != null ? " with its HTTP API on port " + api.port() : "");
    }

    /** Streams is RUNNING (the stores are restored and processing goes on), and the service list has caught up. */
    public boolean isReady() {
        return streams.state() == KafkaStreams.State.RUNNING && (serviceView == null || serviceView.caughtUp());
    }

    /** Every service's latest status, as lists and searches read it; empty without HTTP. */
    public ServiceIndex serviceIndex() {
        return serviceIndex;
    }

    /**
     * The client has not failed nor been shut down, and the topics the HTTP side follows (service list, fleet, alert
     * history) are read (a follower that failed five times in a row is not).
     */
    public boolean isAlive() {
        KafkaStreams.State state = streams.state();
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR && !closed
                && followers().stream().allMatch(TopicFollower::healthy);
    }

    /** The followers of the HTTP side's topics; none without HTTP. */
    private List<TopicFollower> followers() {
        List<TopicFollower> all = new java.util.ArrayList<>();
        if (serviceView != null) {
            all.add(serviceView.follower());
        }
        if (fleetView != null && fleetView.follower() != null) {
            all.add(fleetView.follower());
        }
        if (history != null) {
            all.add(history.follower());
        }
        return all;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The HTTP API's port (the one chosen when configured as 0); -1 without HTTP. */
    public int httpPort() {
        return api != null ? api.port() : -1;
    }

    public Topology topology() {
        return topology;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Stops the HTTP API, then Kafka Streams, leaving the consumer group so its partitions move at once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (api != null) {
            events.close();
            api.close();
            serviceView.close();
            fleetView.close();
            history.close();
            writes.close();
        }
        boolean stopped = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
        if (!stopped) {
            log.warn("Aggregator streams did not stop within {}", CLOSE_TIMEOUT);
        }
        streamsMetrics.close();
        if (ownsRegistry) {
            registry.close();
        }
    }
}

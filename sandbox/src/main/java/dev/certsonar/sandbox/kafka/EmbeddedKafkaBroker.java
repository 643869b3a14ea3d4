package dev.certsonar.sandbox.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM,
 * started from the released Kafka server jars.
 *
 * <pre>{@code
 * try (var broker = EmbeddedKafkaBroker.builder().port(0).start()) {
 *     String bootstrap = broker.bootstrapServers();   // "127.0.0.1:NNNN"
 * }
 * }</pre>
 *
 * The data folder survives restarts when given; without one a temporary folder is used and deleted on
 * {@link #close()}. A port that is already taken fails the start at once with a message naming it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String META_PROPERTIES = "meta.properties";

    private final KafkaRaftServer server;
    private final String host;
    private final int port;
    private final int controllerPort;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String host, int port, int controllerPort,
                                Path dataDir, boolean deleteDataDirOnClose) {
        this.server = server;
        this.host = host;
        this.port = port;
        this.controllerPort = controllerPort;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bootstrap address for clients, {@code host:port}. */
    public String bootstrapServers() {
        return formatAddress(host, port);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Client properties that reach this broker: only {@code bootstrap.servers}. */
    public Map<String, Object> clientProperties() {
        return Map.of("bootstrap.servers", bootstrapServers());
    }

    /** Stops the broker, waits until it has stopped, and deletes a temporary data folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("Stopping Kafka broker at {}", bootstrapServers());
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteDataDirOnClose) {
                deleteRecursively(dataDir);
            }
        }
        log.info("Kafka broker at {} stopped", bootstrapServers());
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", dataDir=" + dataDir + "]";
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private int controllerPort = 0;
        private Path dataDir;
        private int internalTopicPartitions = 5;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /** The address the broker binds and advertises; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The client port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port, "port");
            return this;
        }

        /** The controller port; 0 (the default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort, "controllerPort");
            return this;
        }

        /** Where the broker keeps its data; {@code null} (the default) = a temporary folder deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Partitions of the consumer-offsets, transaction and share-state topics; default 5. */
        public Builder internalTopicPartitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("internalTopicPartitions must be at least 1, was " + partitions);
            }
            this.internalTopicPartitions = partitions;
            return this;
        }

        /** Sets any broker configuration key, overriding the defaults of this class. */
        public Builder config(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Formats the storage when needed, starts the broker and waits until it takes requests. */
        public EmbeddedKafkaBroker start() {
            InetAddress address = resolve(host);
            int clientPort = port == 0 ? freePort(address) : requireFree(address, port, "Kafka broker port");
            int ctrlPort = controllerPort == 0 ? freePort(address) : requireFree(address, controllerPort, "Kafka controller port");
            if (clientPort == ctrlPort) {
                throw new IllegalArgumentException("Kafka broker port and controller port must differ, both are " + clientPort);
            }

            boolean temporary = dataDir == null;
            Path dir;
            try {
                dir = temporary ? Files.createTempDirectory("certsonar-kafka-") : Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the Kafka data folder " + dataDir + ": " + e.getMessage(), e);
            }
            Path logDir = dir.toAbsolutePath();

            Properties props = brokerProperties(clientPort, ctrlPort, logDir);
            KafkaConfig config;
            try {
                config = KafkaConfig.fromProps(props);
            } catch (RuntimeException e) {
                cleanUpFailedStart(temporary, dir);
                throw new IllegalArgumentException("Invalid Kafka broker configuration: " + e.getMessage(), e);
            }

            KafkaRaftServer server = null;
            try {
                formatIfNeeded(logDir);
                server = new KafkaRaftServer(config, Time.SYSTEM);
                server.startup();
            } catch (Exception e) {
                if (server != null) {
                    try {
                        server.shutdown();
                        server.awaitShutdown();
                    } catch (RuntimeException shutdownFailure) {
                        e.addSuppressed(shutdownFailure);
                    }
                }
                cleanUpFailedStart(temporary, dir);
                throw startFailure(e, clientPort, ctrlPort);
            }
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, host, clientPort, ctrlPort, logDir, temporary);
            log.info("Kafka broker started: bootstrap.servers={} (data in {})", broker.bootstrapServers(), logDir);
            return broker;
        }

        private Properties brokerProperties(int clientPort, int ctrlPort, Path logDir) {
            String partitions = Integer.toString(internalTopicPartitions);
            Map<String, String> c = new LinkedHashMap<>();
            c.put("node.id", Integer.toString(NODE_ID));
            c.put("process.roles", "broker,controller");
            c.put("controller.quorum.voters", NODE_ID + "@" + formatAddress(host, ctrlPort));
            c.put("listeners", BROKER_LISTENER + "://" + formatAddress(host, clientPort) + ","
                    + CONTROLLER_LISTENER + "://" + formatAddress(host, ctrlPort));
            c.put("advertised.listeners", BROKER_LISTENER + "://" + formatAddress(host, clientPort));
            c.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            c.put("controller.listener.names", CONTROLLER_LISTENER);
            c.put("inter.broker.listener.name", BROKER_LISTENER);
            c.put("log.dirs", logDir.toString());
            c.put("metadata.log.dir", logDir.toString());
            c.put("auto.create.topics.enable", "false");
            c.put("num.partitions", "1");
            c.put("default.replication.factor", "1");
            c.put("min.insync.replicas", "1");
            c.put("offsets.topic.replication.factor", "1");
            c.put("offsets.topic.num.partitions", partitions);
            c.put("transaction.state.log.replication.factor", "1");
            c.put("transaction.state.log.min.isr", "1");
            c.put("transaction.state.log.num.partitions", partitions);
            c.put("share.coordinator.state.topic.replication.factor", "1");
            c.put("share.coordinator.state.topic.min.isr", "1");
            c.put("share.coordinator.state.topic.num.partitions", partitions);
            c.put("group.initial.rebalance.delay.ms", "0");
            c.put("log.cleaner.dedupe.buffer.size", "2097152");
            c.put("log.segment.bytes", Integer.toString(8 * 1024 * 1024));
            c.put("log.index.size.max.bytes", Integer.toString(1024 * 1024));
            c.put("num.network.threads", "2");
            c.put("num.io.threads", "4");
            c.put("num.recovery.threads.per.data.dir", "1");
            c.put("background.threads", "4");
            c.putAll(overrides);
            Properties props = new Properties();
            props.putAll(c);
            return props;
        }
    }

    private static void formatIfNeeded(Path logDir) throws Exception {
        if (Files.exists(logDir.resolve(META_PROPERTIES))) {
            log.debug("Kafka data folder {} is already formatted", logDir);
            return;
        }
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setUnstableFeatureVersionsEnabled(false)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setIgnoreFormatted(true);
        formatter.run();
        log.debug("Formatted Kafka data folder {} (metadata version {})", logDir, MetadataVersion.latestProduction());
    }

    private static RuntimeException startFailure(Exception e, int clientPort, int ctrlPort) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return new IllegalStateException("Kafka broker cannot start: port " + clientPort + " or controller port "
                        + ctrlPort + " is already in use (" + t.getMessage() + ")", e);
            }
        }
        return new IllegalStateException("Kafka broker failed to start: " + e, e);
    }

    private static void cleanUpFailedStart(boolean temporary, Path dir) {
        if (temporary) {
            deleteRecursively(dir);
        }
    }

    private static int checkPort(int port, String name) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be between 0 and 65535, was " + port);
        }
        return port;
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (IOException e) {
            throw new IllegalArgumentException("Kafka broker host " + host + " cannot be resolved: " + e.getMessage(), e);
        }
    }

    private static int freePort(InetAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + address.getHostAddress() + ": " + e.getMessage(), e);
        }
    }

    private static int requireFree(InetAddress address, int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException(what + " " + formatAddress(address.getHostAddress(), port)
                    + " is already in use; choose another port (0 picks a free one)", e);
        }
    }

    private static String formatAddress(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("Cannot delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("Cannot delete the Kafka data folder {}: {}", dir, e.getMessage());
        }
    }
}

package dev.certsonar.cli;

import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * The command's logging configuration ({@code log4j2.xml} of the jar): the start-up notices Kafka prints on every fresh
 * start are dropped by their wording; every other warning and error of the same loggers, and any error of the broker,
 * reaches the console.
 */
class LoggingConfigurationTest {

    static final String QUORUM_CONTROLLER = "org.apache.kafka.controller.QuorumController";
    static final String AUTO_TOPIC_CREATION = "org.apache.kafka.server.DefaultAutoTopicCreationManager";
    static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
    static final String SENDER = "org.apache.kafka.clients.producer.internals.Sender";
    static final String REPLICA_MANAGER = "kafka.server.ReplicaManager";

    static LoggerContext context;
    static final List<LogEvent> printed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void loadTheCommandsConfiguration() throws IOException {
        URL xml = Main.class.getResource("/log4j2.xml");
        assertThat(xml).as("log4j2.xml of the command").isNotNull();
        context = new LoggerContext("certsonar-command");
        XmlConfiguration configuration;
        try (InputStream in = xml.openStream()) {
            configuration = new XmlConfiguration(context, new ConfigurationSource(in, xml));
        }
        context.start(configuration);

        // the console is the root's only appender, taking every event that passes a logger: watch in its place
        LoggerConfig root = context.getConfiguration().getRootLogger();
        assertThat(root.getAppenderRefs()).extracting(AppenderRef::getRef).containsExactly("stderr");
        assertThat(root.getAppenderRefs()).allSatisfy(ref -> assertThat(ref.getLevel()).isNull());
        assertThat(context.getConfiguration().<Appender>getAppender("stderr")).isInstanceOfSatisfying(ConsoleAppender.class,
                console -> assertThat(console.getTarget()).isEqualTo(ConsoleAppender.Target.SYSTEM_ERR));
        Appender console = new AbstractAppender("console", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                printed.add(event.toImmutable());
            }
        };
        console.start();
        root.removeAppender("stderr");
        root.addAppender(console, null, null);
        context.updateLoggers();
    }

    @AfterAll
    static void stop() {
        context.stop();
    }

    @BeforeEach
    void clear() {
        printed.clear();
    }

    static Stream<Arguments> harmlessNotices() {
        return Stream.of(
                argumentSet("a new broker writes its first metadata", QUORUM_CONTROLLER, Level.WARN,
                        "[QuorumController id=1] Performing controller activation. The metadata log appears to be empty. "
                                + "Appending 6 bootstrap record(s) in metadata transaction at metadata.version 4.4-IV2 from "
                                + "bootstrap source 'bootstrap'."),
                argumentSet("the transaction log, created by another client a moment before", AUTO_TOPIC_CREATION, Level.WARN,
                        "Auto topic creation failed for __transaction_state with error 'TOPIC_ALREADY_EXISTS': "
                                + "Topic '__transaction_state' already exists.."),
                argumentSet("Streams' internal topics, before Streams creates them", NETWORK_CLIENT, Level.WARN,
                        "[Consumer clientId=certsonar-aggregator-1-StreamThread-1-consumer, groupId=certsonar-aggregator] "
                                + "The metadata response from the cluster reported a recoverable issue with correlation id 2 : "
                                + "{certsonar-aggregator-observations-by-service-repartition=UNKNOWN_TOPIC_OR_PARTITION, "
                                + "certsonar-aggregator-service-input-repartition=UNKNOWN_TOPIC_OR_PARTITION}"),
                argumentSet("the embedded broker closing a client twice as it stops", NETWORK_CLIENT, Level.WARN,
                        "[NodeToControllerChannelManager id=1 name=registration] Attempting to close NetworkClient that has "
                                + "already been closed."),
                argumentSet("a transaction's first write, retried while the one before completes", SENDER, Level.WARN,
                        "[Producer clientId=certsonar-aggregator-1-StreamThread-1-producer, transactionalId=certsonar-aggregator-1-1] "
                                + "Got error produce response with correlation id 16 on topic-partition certsonar.scan-requests-1, "
                                + "retrying (2147483646 attempts left). Error: CONCURRENT_TRANSACTIONS"),
                argumentSet("Kafka's information", "org.apache.kafka.clients.consumer.ConsumerConfig", Level.INFO,
                        "ConsumerConfig values: ..."));
    }

    @ParameterizedTest
    @MethodSource("harmlessNotices")
    void aHarmlessStartUpNoticeIsNotPrinted(String logger, Level level, String message) {
        context.getLogger(logger).log(level, message);

        assertThat(printed).isEmpty();
    }

    static Stream<Arguments> realProblems() {
        return Stream.of(
                argumentSet("a broker that cannot be reached", NETWORK_CLIENT, Level.WARN,
                        "[AdminClient clientId=adminclient-1] Connection to node -1 (/127.0.0.1:9) could not be established. "
                                + "Node may not be available."),
                argumentSet("a topic of certsonar's that does not exist", NETWORK_CLIENT, Level.WARN,
                        "[Consumer clientId=c, groupId=g] The metadata response from the cluster reported a recoverable issue "
                                + "with correlation id 7 : {certsonar.alerts=UNKNOWN_TOPIC_OR_PARTITION}"),
                argumentSet("a missing topic beside Streams' own", NETWORK_CLIENT, Level.WARN,
                        "[Consumer clientId=c, groupId=g] The metadata response from the cluster reported a recoverable issue "
                                + "with correlation id 7 : {certsonar-aggregator-x-repartition=UNKNOWN_TOPIC_OR_PARTITION, "
                                + "certsonar.alerts=UNKNOWN_TOPIC_OR_PARTITION}"),
                argumentSet("Streams' topic with another error", NETWORK_CLIENT, Level.WARN,
                        "[Consumer clientId=c, groupId=g] The metadata response from the cluster reported a recoverable issue "
                                + "with correlation id 7 : {certsonar-aggregator-x-repartition=TOPIC_AUTHORIZATION_FAILED}"),
                argumentSet("a client closed twice, not by the embedded broker", NETWORK_CLIENT, Level.WARN,
                        "[Producer clientId=p] Attempting to close NetworkClient that has already been closed."),
                argumentSet("a write refused for lack of replicas", SENDER, Level.WARN,
                        "[Producer clientId=p] Got error produce response with correlation id 9 on topic-partition certsonar.alerts-0, "
                                + "retrying (2147483646 attempts left). Error: NOT_ENOUGH_REPLICAS"),
                argumentSet("a transaction log that cannot be created", AUTO_TOPIC_CREATION, Level.WARN,
                        "Auto topic creation failed for __transaction_state with error 'INVALID_REPLICATION_FACTOR': Unable to "
                                + "replicate the partition 3 time(s): The target replication factor of 3 cannot be reached "
                                + "because only 1 broker(s) are registered."),
                argumentSet("another warning of the controller", QUORUM_CONTROLLER, Level.WARN,
                        "[QuorumController id=1] Renouncing the leadership due to a metadata log event."),
                argumentSet("state in the temporary folder", "org.apache.kafka.streams.processor.internals.StateDirectory", Level.WARN,
                        "Using an OS temp directory in the state.dir property can cause failures with writing the checkpoint "
                                + "file due to the fact that this directory can be cleared by the OS."),
                argumentSet("a client's error", SENDER, Level.ERROR, "[Producer clientId=p] Uncaught error in kafka producer I/O thread"));
    }

    @ParameterizedTest
    @MethodSource("realProblems")
    void aRealProblemIsPrinted(String logger, Level level, String message) {
        context.getLogger(logger).log(level, message);

        assertThat(printed).singleElement().satisfies(event -> {
            assertThat(event.getLoggerName()).isEqualTo(logger);
            assertThat(event.getMessage().getFormattedMessage()).isEqualTo(message);
        });
    }

    @Test
    void anErrorOfTheBrokerIsPrintedWithItsCause() {
        KafkaStorageException cause = new KafkaStorageException("Error while appending records to certsonar.alerts-0 in dir /data");

        context.getLogger(REPLICA_MANAGER).error("[ReplicaManager broker=1] Error processing append operation on partition "
                + "x:certsonar.alerts-0", cause);

        assertThat(printed).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getThrown()).isSameAs(cause);
        });
    }

    @Test
    void certsonarsOwnLinesArePrinted() {
        context.getLogger("dev.certsonar.schemas.TopicAdmin").info("Created topic certsonar.alerts (6 partitions, replication 1)");

        assertThat(printed).singleElement().extracting(LogEvent::getLevel).isEqualTo(Level.INFO);
    }
}

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
import org.junit.jupiter.params.provider.CsvFileSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The command's logging configuration ({@code log4j2.xml} of the jar): the start-up notices Kafka prints on every fresh
 * start are dropped by their wording; every other warning and error of the same loggers, and any error of the broker,
 * reaches the console.
 */
class LoggingConfigurationTest {

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

    @ParameterizedTest(name = "{0} {1} {2}: {3}")
    @CsvFileSource(resources = "console-log-events.csv", delimiter = '|')
    void onlyWhatSaysSomethingIsWrongReachesTheConsole(String outcome, String logger, String level, String message) {
        context.getLogger(logger).log(Level.valueOf(level), message);

        assertThat(printed).extracting(LogEvent::getLoggerName, event -> event.getMessage().getFormattedMessage())
                .containsExactlyElementsOf("shown".equals(outcome) ? List.of(tuple(logger, message)) : List.of());
    }

    @Test
    void anErrorOfTheBrokerIsPrintedWithItsCause() {
        KafkaStorageException cause = new KafkaStorageException("Error while appending records to certsonar.alerts-0 in dir /data");

        context.getLogger("kafka.server.ReplicaManager").error("[ReplicaManager broker=1] Error processing append operation on partition "
                + "x:certsonar.alerts-0", cause);

        assertThat(printed).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getThrown()).isSameAs(cause);
        });
    }
}

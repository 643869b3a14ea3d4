package dev.certsonar.cli;

import dev.certsonar.cli.config.ConfigException;
import dev.certsonar.scanner.target.TargetSpecs;
import dev.certsonar.schemas.InvalidValueException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class MainTest {

    @Test
    void helpListsTheCommandsAndTheTestSuite() {
        CommandRun run = CommandRun.of("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: certsonar", "targets", "alerts", "test ");
    }

    @Test
    void everyCommandHasHelp() {
        CommandRun add = CommandRun.of("targets", "add", "--help");
        CommandRun alerts = CommandRun.of("help", "alerts");
        CommandRun tail = CommandRun.of("alerts", "tail", "--help");
        CommandRun status = CommandRun.of("status", "-h");

        assertThat(add.exitCode()).isZero();
        assertThat(add.out()).contains("Usage: certsonar targets add", "--label=KEY=VALUE", "--bootstrap-server=HOST:PORT");
        assertThat(alerts.exitCode()).isZero();
        assertThat(alerts.out()).contains("Usage: certsonar alerts", "tail");
        assertThat(tail.exitCode()).isZero();
        assertThat(tail.out()).contains("Usage: certsonar alerts tail", "--from-beginning", "--json");
        assertThat(status.exitCode()).isZero();
        assertThat(status.out()).contains("--api=URL");
    }

    @Test
    void versionComesFromTheBuild() {
        CommandRun run = CommandRun.of("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("certsonar ");
    }

    @Test
    void noCommandIsAUsageError() {
        CommandRun run = CommandRun.of();

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("Usage: certsonar");
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageError() {
        CommandRun unknownCommand = CommandRun.of("frobnicate");
        CommandRun unknownOption = CommandRun.of("targets", "list", "--colour");

        assertThat(unknownCommand.exitCode()).isEqualTo(3);
        assertThat(unknownCommand.err()).contains("Unmatched argument at index 0: 'frobnicate'");
        assertThat(unknownOption.exitCode()).isEqualTo(3);
        assertThat(unknownOption.err()).contains("Unknown option: '--colour'");
    }

    @Test
    void withoutAKafkaClusterTheCommandSaysHowToGiveOne() {
        assumeTrue(System.getenv("KAFKA_BOOTSTRAP_SERVERS") == null && System.getenv("CERTSONAR_CONFIG") == null,
                "KAFKA_BOOTSTRAP_SERVERS or CERTSONAR_CONFIG is set in this environment, so a cluster is given");

        CommandRun run = CommandRun.of("targets", "list");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("targets list: no Kafka cluster given: use --bootstrap-server HOST:PORT, "
                + "set KAFKA_BOOTSTRAP_SERVERS, or set kafka.bootstrap.servers in the configuration file");
    }

    @Test
    void aBadConfigurationFileStopsTheCommandNamingLineAndKey(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("certsonar.yaml");
        Files.writeString(file, """
                kafka:
                  bootstrap.servers: 127.0.0.1:1
                scanner:
                  timeout: soon
                """);

        CommandRun run = CommandRun.of("alerts", "tail", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("alerts tail: " + file + ":4: scanner.timeout: \"soon\" is not a duration");
    }

    @Test
    void aTargetThatCannotBeReadIsAnInputError() {
        CommandRun run = CommandRun.of("targets", "add", "--bootstrap-server", "127.0.0.1:1", "example.com:99999");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("port '99999' is not a number from 1 to 65535");
    }

    /** A command that throws what it is given, to see how certsonar reports it. */
    @Command(name = "throws")
    static final class Throws implements Callable<Integer> {
        private final Function<CommandLine, Exception> error;

        Throws(Function<CommandLine, Exception> error) {
            this.error = error;
        }

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            throw error.apply(spec.commandLine());
        }
    }

    record Reported(int exitCode, String err, List<LogEvent> errors) {
    }

    static Reported report(Function<CommandLine, Exception> error) {
        List<LogEvent> errors = new CopyOnWriteArrayList<>();
        AbstractAppender watch = new AbstractAppender("watch", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(Level.ERROR)) {
                    errors.add(event.toImmutable());
                }
            }
        };
        watch.start();
        Logger logger = (Logger) LogManager.getLogger(Main.class);
        logger.addAppender(watch);
        try {
            StringWriter err = new StringWriter();
            CommandLine commandLine = Main.commandLine();
            commandLine.addSubcommand(new Throws(error));
            // as the commands Main names, which get its exit codes when it is built
            commandLine.getSubcommands().get("throws").setExitCodeExceptionMapper(commandLine.getExitCodeExceptionMapper());
            int exitCode = commandLine.setOut(new PrintWriter(new StringWriter(), true))
                    .setErr(new PrintWriter(err, true)).execute("throws");
            return new Reported(exitCode, err.toString(), errors);
        } finally {
            logger.removeAppender(watch);
            watch.stop();
        }
    }

    static Stream<Arguments> userErrors() {
        return Stream.of(
                argumentSet("a configuration", (Function<CommandLine, Exception>) c ->
                        new ConfigException("c.yaml:4: scanner.timeout: \"soon\" is not a duration")),
                argumentSet("a value that breaks a rule", (Function<CommandLine, Exception>) c ->
                        new InvalidValueException("--http-port", "70000 is not a port (0 to 65535)")),
                argumentSet("a target", (Function<CommandLine, Exception>) c ->
                        new TargetSpecs.InvalidTargetSpecException("targets.txt:3: port '99999' is not a number from 1 to 65535")),
                argumentSet("the command line", (Function<CommandLine, Exception>) c ->
                        new CommandLine.ParameterException(c, "--for: a duration is required")));
    }

    @ParameterizedTest
    @MethodSource("userErrors")
    void aUsageConfigurationOrInputErrorIsItsMessageAndNoErrorInTheLog(Function<CommandLine, Exception> error) {
        Reported r = report(error);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).doesNotContain("failed").doesNotContain("Exception");
        assertThat(r.errors()).isEmpty();
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                argumentSet("an IllegalArgumentException of a bug", (Function<CommandLine, Exception>) c ->
                        new IllegalArgumentException("Index 7 out of bounds for length 3")),
                argumentSet("an IllegalStateException", (Function<CommandLine, Exception>) c ->
                        new IllegalStateException("the store is closed")),
                argumentSet("a NullPointerException", (Function<CommandLine, Exception>) c ->
                        new NullPointerException("Cannot invoke \"String.length()\" because \"name\" is null")));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void anyOtherExceptionIsAFailureOnOneLineAndAnErrorWithItsStackTraceInTheLog(Function<CommandLine, Exception> error) {
        Reported r = report(error);
        Exception thrown = error.apply(null);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("certsonar throws: failed: " + thrown.getClass().getName() + ": " + thrown.getMessage());
        assertThat(r.errors()).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getThrown()).isInstanceOf(thrown.getClass()).hasMessage(thrown.getMessage());
            assertThat(event.getThrown().getStackTrace()).isNotEmpty();
        });
    }
}

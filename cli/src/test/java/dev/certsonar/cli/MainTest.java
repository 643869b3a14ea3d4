package dev.certsonar.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
}

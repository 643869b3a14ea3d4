package dev.certsonar.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the operator's commands refuse before they need Kafka (none is configured here): each with exit status 3 and
 * the option at fault. The cases are a table of their own ({@code operator-refusals.csv}).
 */
class OperatorCommandsTest {

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "operator-refusals.csv", delimiter = '|')
    void a_refusal_names_the_option_and_what_is_wrong(String why, String args, String message) {
        CommandRun run = CommandRun.of(args.split(" "));
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).startsWith(message);
    }
}

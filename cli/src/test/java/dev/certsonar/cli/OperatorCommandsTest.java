package dev.certsonar.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * What the operator's commands refuse before they need Kafka (none is configured here): each with exit status 3 and
 * the option at fault.
 */
class OperatorCommandsTest {

    static Stream<Arguments> refusals() {
        return Stream.of(
                argumentSet("an unknown matcher key", new String[] {"silence", "add", "--match", "servce=shop", "--comment", "x"},
                        "certsonar silence add: --match servce=shop: unknown key 'servce' (keys: service, owner, condition, "
                                + "severity, certificate, target, label.NAME)"),
                argumentSet("a regular expression that does not compile",
                        new String[] {"silence", "add", "--match", "service=~shop-(", "--comment", "x"},
                        "certsonar silence add: --match service=~shop-(: 'shop-(' is not a regular expression: Unclosed group at index 6"),
                argumentSet("an unknown condition", new String[] {"silence", "add", "--match", "condition=EXPIRD", "--comment", "x"},
                        "certsonar silence add: --match condition=EXPIRD: 'EXPIRD' is not a condition (one of EXPIRING, EXPIRED, "),
                argumentSet("an unknown severity", new String[] {"silence", "add", "--match", "severity=urgent", "--comment", "x"},
                        "certsonar silence add: --match severity=urgent: 'URGENT' is not a severity (one of INFO, WARNING, CRITICAL)"),
                argumentSet("both --for and --until",
                        new String[] {"silence", "add", "--match", "service=shop", "--for", "1h", "--until", "2099-01-01", "--comment", "x"},
                        "certsonar silence add: --for and --until: give one of them, not both"),
                argumentSet("an end in the past",
                        new String[] {"silence", "add", "--match", "service=shop", "--until", "2001-01-01T00:00:00Z", "--comment", "x"},
                        "certsonar silence add: --until: 2001-01-01T00:00:00Z is not in the future"),
                argumentSet("a time that is no time",
                        new String[] {"silence", "add", "--match", "service=shop", "--until", "tomorrow", "--comment", "x"},
                        "certsonar silence add: --until: 'tomorrow' is not a time (write 2026-12-01T18:00:00Z, "
                                + "2026-12-01T18:00+01:00 or 2026-12-01 (midnight UTC))"),
                argumentSet("a duration that is no duration",
                        new String[] {"silence", "add", "--match", "service=shop", "--for", "a while", "--comment", "x"},
                        "certsonar silence add: --for: 'a while' is not a duration"),
                argumentSet("an empty comment", new String[] {"silence", "add", "--match", "service=shop", "--comment", " "},
                        "certsonar silence add: --comment: an empty text (say why)"),
                argumentSet("an unknown condition to accept",
                        new String[] {"exceptions", "add", "--match", "service=intranet", "--accept", "SELF_SIGNED", "--reason", "x"},
                        "certsonar exceptions add: --accept: 'SELF_SIGNED' is not a condition (one of EXPIRING, "),
                argumentSet("an exception without a reason",
                        new String[] {"exceptions", "add", "--match", "service=intranet", "--accept", "UNTRUSTED", "--reason", ""},
                        "certsonar exceptions add: --reason: an empty text (say why)"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void a_refusal_names_the_option_and_what_is_wrong(String[] args, String message) {
        CommandRun run = CommandRun.of(args);
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).startsWith(message);
    }
}

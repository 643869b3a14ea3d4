package dev.certsonar.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Input errors of run, demo and the component commands stop them before anything starts, with exit status 3. */
class PipelineCommandsTest {

    @TempDir
    Path dir;

    @Test
    void runNamesTheFileAndLineOfABadTarget() throws Exception {
        Path targets = Files.writeString(dir.resolve("targets.txt"), "example.com\nexample.org colour=blue\n");
        CommandRun run = CommandRun.of("run", "--targets", targets.toString(), "--data-dir", dir.resolve("data").toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("targets.txt").contains("2").contains("colour");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void runRefusesATargetWhoseThresholdsBreakTheConfiguredPolicysRules() throws Exception {
        Path config = Files.writeString(dir.resolve("certsonar.yaml"), "policy: {warnDays: 20, criticalDays: 5}\n");
        Path targets = Files.writeString(dir.resolve("targets.txt"), "example.com criticalDays=25\n");
        CommandRun run = CommandRun.of("run", "--targets", targets.toString(), "--config", config.toString(),
                "--data-dir", dir.resolve("data").toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains(targets + ":1: target tls://example.com:443: criticalDays: criticalDays (25.0) "
                + "must not be more than warnDays (20.0); warnDays comes from the policy");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void targetsAddRefusesThresholdsThatCrossThePolicyBeforeItNeedsKafka() {
        CommandRun add = CommandRun.of("targets", "add", "shop.example.com", "--threshold", "warnDays=5");
        assertThat(add.exitCode()).isEqualTo(3);
        assertThat(add.err()).contains("target tls://shop.example.com:443: warnDays: criticalDays (7.0) must not be more "
                + "than warnDays (5.0); criticalDays comes from the policy");
        CommandRun unknown = CommandRun.of("targets", "add", "shop.example.com", "--threshold", "warnHours=5");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("--threshold: unknown threshold 'warnHours' (known: warnDays, warnFraction, "
                + "criticalDays, criticalFraction)");
    }

    @Test
    void runNamesAMissingCaFile() {
        CommandRun run = CommandRun.of("run", "--ca-file", dir.resolve("missing.pem").toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("--ca-file").contains("missing.pem");
    }

    @Test
    void demoRejectsABadDuration() {
        CommandRun run = CommandRun.of("demo", "--for", "soon");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("--for").contains("soon");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scanner", "aggregator", "notifier"})
    void aComponentWithoutAKafkaClusterSaysHowToGiveOne(String component) {
        CommandRun run = CommandRun.of(component, "--config", writeEmptyConfig().toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("certsonar " + component).contains("--bootstrap-server");
    }

    @Test
    void theNotifierRefusesAnEmptyApplicationIdAndABadNotifierSectionBeforeItNeedsKafka() throws Exception {
        CommandRun run = CommandRun.of("notifier", "--application-id", " ", "--bootstrap-server", "127.0.0.1:9");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("--application-id: an empty application id");

        Path config = Files.writeString(dir.resolve("certsonar.yaml"), "notifier:\n  reminders: {CRITICAL: 0s}\n");
        CommandRun file = CommandRun.of("notifier", "--config", config.toString(), "--bootstrap-server", "127.0.0.1:9");
        assertThat(file.exitCode()).isEqualTo(3);
        assertThat(file.err()).contains(config + ":2: notifier.reminders.CRITICAL: 0s is not a positive duration");
    }

    @Test
    void theAggregatorRefusesLessThanOneStreamThread() {
        CommandRun run = CommandRun.of("aggregator", "--stream-threads", "0", "--bootstrap-server", "127.0.0.1:9");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("--stream-threads: 0 is too small (at least 1)");
    }

    private Path writeEmptyConfig() {
        try {
            return Files.writeString(dir.resolve("empty.yaml"), "topics: {prefix: \"certsonar.\"}\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

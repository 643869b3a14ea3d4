package dev.certsonar.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The politeness and capacity options of {@code certsonar scanner}: a bad value stops it before anything starts. */
class ScannerCommandTest {

    @Test
    void aBadSpacingIsNamed() {
        CommandRun run = CommandRun.of("scanner", "--bootstrap-server", "127.0.0.1:1", "--per-address-spacing", "soon");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("--per-address-spacing").contains("soon");
    }

    @Test
    void aPerAddressConcurrencyBelowOneIsNamed() {
        CommandRun run = CommandRun.of("scanner", "--bootstrap-server", "127.0.0.1:1", "--per-address-concurrency", "0");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("--per-address-concurrency: 0 is too small (at least 1)");
    }

    @Test
    void helpListsThePolitenessOptions() {
        CommandRun run = CommandRun.of("scanner", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--per-address-spacing").contains("--per-address-concurrency")
                .contains("--concurrency").contains("--group-id");
    }
}

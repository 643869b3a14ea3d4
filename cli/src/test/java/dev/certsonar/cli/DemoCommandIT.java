package dev.certsonar.cli;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code certsonar demo --for 60s}: an alert for each broken certificate, none for the valid one, exit 0. */
class DemoCommandIT {

    @Test
    void theDemoPrintsAnAlertForEachBrokenCertificateAndExitsZero() {
        CommandRun run = CommandRun.of("demo", "--for", "60s", "--http-port", "0");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> alerts = Arrays.stream(run.out().split("\n")).filter(line -> line.contains(" FIRING ")).toList();
        assertThat(alerts).anySatisfy(line -> assertThat(line).contains("EXPIRED").contains("demo-expired"));
        assertThat(alerts).anySatisfy(line -> assertThat(line).contains("EXPIRING").contains("demo-expiring"));
        assertThat(alerts).anySatisfy(line -> assertThat(line).contains("UNTRUSTED").contains("demo-selfsigned"));
        assertThat(alerts).noneMatch(line -> line.contains("demo-valid"));
        assertThat(run.out()).contains("Dashboard:    http://127.0.0.1:").contains("certsonar demo: ");
    }
}

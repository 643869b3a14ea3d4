package dev.certsonar.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code certsonar demo --for 60s}: an alert for each broken certificate, printed once, none for the valid one, exit 0,
 * and its data folder removed.
 */
class DemoCommandIT {

    @Test
    void theDemoPrintsAnAlertForEachBrokenCertificateAndExitsZero() throws IOException {
        CommandRun run = CommandRun.of("demo", "--for", "60s", "--http-port", "0");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> alerts = Arrays.stream(run.out().split("\n")).filter(line -> line.contains(" FIRING ")).toList();
        assertThat(alerts).anySatisfy(line -> assertThat(line).contains("EXPIRED").contains("demo-expired"));
        assertThat(alerts).anySatisfy(line -> assertThat(line).contains("EXPIRING").contains("demo-expiring"));
        assertThat(alerts).anySatisfy(line -> assertThat(line).contains("UNTRUSTED").contains("demo-selfsigned"));
        assertThat(alerts).noneMatch(line -> line.contains("demo-valid"));
        for (String service : List.of("demo-expired", "demo-expiring", "demo-selfsigned")) {
            assertThat(alerts).as("alert lines of %s", service).filteredOn(line -> line.contains(service + ":")).hasSize(1);
        }
        assertThat(run.out()).contains("Dashboard:    http://127.0.0.1:").contains("certsonar demo: ");
        assertThat(DemoCommand.dataHome()).isDirectory();
        try (Stream<Path> folders = Files.list(DemoCommand.dataHome())) {
            assertThat(folders).as("this process's demo folders").noneMatch(folder -> folder.getFileName().toString()
                    .startsWith(ProcessHandle.current().pid() + "-"));
        }
    }
}

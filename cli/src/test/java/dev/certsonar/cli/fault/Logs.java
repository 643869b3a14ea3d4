package dev.certsonar.cli.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Where a fault test keeps the output and data of its processes: {@code target/faults/NAME-TIME}, kept after it. */
final class Logs {

    private Logs() {
    }

    static Path folder(String name) {
        Path folder = Path.of("target", "faults", name + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toAbsolutePath();
        try {
            return Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder + ": " + e.getMessage(), e);
        }
    }
}

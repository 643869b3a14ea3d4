package dev.certsonar.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code certsonar} command in a process of its own, as an operator starts it: this JVM's Java and class path, a
 * small heap, no {@code KAFKA_*} or {@code CERTSONAR_*} variable of the test's environment, and its output (stdout and
 * stderr) in a file.
 */
public final class CommandProcess {

    private CommandProcess() {
    }

    /** Starts {@code certsonar ARGS...} with its output in {@code output}. */
    public static Process start(Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("CERTSONAR_"));
        builder.redirectErrorStream(true).redirectOutput(output.toFile());
        return builder.start();
    }
}

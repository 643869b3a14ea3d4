package dev.certsonar.cli.fault;

import dev.certsonar.cli.Main;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A {@code certsonar} component ({@code scanner}, {@code aggregator}, {@code notifier}) in a process of its own, as an
 * operator starts it: this JVM's Java and class path, a small heap, the C1 compiler alone (it costs a start the least
 * CPU on a shared machine), only the {@code KAFKA_*} variables given, and its output in a file of its own for each
 * start. It can be killed with SIGKILL and started again with the same arguments
 * and data folder.
 */
final class Component implements AutoCloseable {

    private static final Pattern HTTP_PORT = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path dir;
    private final List<String> args;
    private final Map<String, String> environment;
    private Process process;
    private Path output;
    private int starts;
    private int kills;

    /** {@code certsonar NAME ARGS...} with the variables of {@code environment}, logs in {@code dir}. */
    Component(String name, Path dir, Map<String, String> environment, String... args) {
        this.name = name;
        this.dir = dir;
        this.environment = Map.copyOf(environment);
        this.args = List.of(args);
    }

    String name() {
        return name;
    }

    synchronized void start() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                name));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("CERTSONAR_"));
        builder.environment().putAll(environment);
        starts++;
        output = dir.resolve(name + "-" + starts + ".log");
        builder.redirectErrorStream(true).redirectOutput(output.toFile());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start certsonar " + name + ": " + e.getMessage(), e);
        }
    }

    /** Waits until the component answers /readyz with 200; fails at once when its process ended. */
    void awaitReady(Duration atMost) {
        await("certsonar " + name + " is ready").atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!isAlive()) {
                throw new AssertionError("certsonar " + name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            return get("/readyz").isPresent();
        });
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL ({@link Process#destroyForcibly()}) and waits until the process is gone. */
    synchronized void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("certsonar " + name + " did not end on SIGKILL");
        }
        kills++;
    }

    int kills() {
        return kills;
    }

    /** The body of {@code GET path} on the component's HTTP port when it answers 200. */
    Optional<String> get(String path) {
        Optional<Integer> port = httpPort();
        if (port.isEmpty()) {
            return Optional.empty();
        }
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get()
                    + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private synchronized Optional<Integer> httpPort() {
        try {
            Matcher m = HTTP_PORT.matcher(Files.readString(output));
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The last lines of the current start's output. */
    synchronized String tail() {
        try {
            List<String> lines = Files.readAllLines(output);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Stops the process with SIGTERM, and with SIGKILL when it is still running after 60 s. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}

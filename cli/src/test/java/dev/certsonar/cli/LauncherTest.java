package dev.certsonar.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code ./certsonar} launcher, run as a process with a PATH of its own: stand-in {@code java} and {@code mvn}
 * programs report what the launcher chose and passed.
 */
class LauncherTest {

    private static final List<String> TOOLS = List.of("bash", "sh", "env", "grep", "dirname", "basename", "readlink",
            "sort", "cut", "head", "find", "mktemp", "cat", "rm", "touch", "mkdir", "flock", "id");

    @TempDir
    Path dir;

    private Path launcher;
    private Path bin;

    @BeforeEach
    void setUp() throws IOException {
        launcher = Path.of(System.getProperty("user.dir")).resolve("../certsonar").normalize();
        assumeTrue(Files.isExecutable(launcher), "the launcher is not at " + launcher);
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is not installed at /bin/bash");
        bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : TOOLS) {
            for (String folder : List.of("/usr/bin", "/bin")) {
                Path real = Path.of(folder, tool);
                if (Files.isExecutable(real) && !Files.exists(bin.resolve(tool))) {
                    script(bin.resolve(tool), "exec " + real + " \"$@\"");
                }
            }
        }
    }

    @Test
    void aJavaHomeOf21OrNewerIsUsedAndTestRunsMavenVerify() throws Exception {
        Path jdk = fakeJdk("jdk-21", "21.0.2");
        fakeMaven();

        Result result = run(Map.of("JAVA_HOME", jdk.toString()), "test", "-pl", "cli");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("JAVA_HOME=" + jdk, "ARGS=-B -ntp verify -pl cli", "CWD=" + launcher.getParent());
        assertThat(result.out()).doesNotContain("--sun-misc-unsafe-memory-access");
    }

    @Test
    void anOlderJavaHomeIsPassedOverForTheJavaOnThePath() throws Exception {
        Path old = fakeJdk("jdk-17", "17.0.9");
        Path jdk25 = fakeJdk("jdk-25", "25.0.1");
        Files.createSymbolicLink(bin.resolve("java"), jdk25.resolve("bin/java"));
        fakeMaven();

        Result result = run(Map.of("JAVA_HOME", old.toString()), "test");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("JAVA_HOME=" + jdk25, "MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow");
    }

    @Test
    void withoutMavenItSaysSoInOneLine() throws Exception {
        Path jdk = fakeJdk("jdk-21", "21.0.2");

        Result result = run(Map.of("JAVA_HOME", jdk.toString()), "test");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err().lines().toList()).containsExactly(
                "certsonar: needs Maven 3.8 or newer (mvn), not found on PATH; install it (Debian/Ubuntu: apt-get install maven).");
    }

    private Path fakeJdk(String name, String version) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name).resolve("bin"));
        Files.writeString(home.getParent().resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        script(home.resolve("java"), "echo 'openjdk version \"" + version + "\"' >&2");
        script(home.resolve("javac"), "exit 0");
        return home.getParent();
    }

    private void fakeMaven() throws IOException {
        script(bin.resolve("mvn"), "echo \"JAVA_HOME=$JAVA_HOME\"; echo \"MAVEN_OPTS=${MAVEN_OPTS:-}\"; "
                + "echo \"ARGS=$*\"; echo \"CWD=$(pwd)\"");
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/bash\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/bin/bash", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", bin.toString());
        builder.environment().put("HOME", dir.toString());
        builder.environment().putAll(env);
        builder.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        return new Result(process.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    private record Result(int exitCode, String out, String err) {
    }
}

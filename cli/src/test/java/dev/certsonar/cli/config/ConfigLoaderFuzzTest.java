package dev.certsonar.cli.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the configuration loader with the bytes of a configuration file: it gives a configuration or a
 * {@link ConfigException} that names the file (and, where it places the problem, a line of the file and the key),
 * never another exception. Seeds and past findings: {@code ConfigLoaderFuzzTestInputs/}; fuzzing: FUZZING.md.
 */
class ConfigLoaderFuzzTest {

    private static final Pattern LINE = Pattern.compile("certsonar\\.yaml:(\\d+): ");
    private static final ConfigLoader LOADER = new ConfigLoader(Map.of("WEBHOOK_SECRET", "s3cret", "EMPTY", ""));

    private static Path dir;
    private static Path file;

    @BeforeAll
    static void folder() throws IOException {
        dir = Files.createTempDirectory("certsonar-config-fuzz");
        file = dir.resolve("certsonar.yaml");
        Files.writeString(dir.resolve("ca.pem"), "a file that exists\n");
    }

    @AfterAll
    static void removeFolder() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @FuzzTest
    void loadsAnyConfigurationFile(byte[] yaml) throws IOException {
        Files.write(file, yaml);
        try {
            CertsonarConfig config = LOADER.load(file, ConfigOverrides.NONE);
            assertThat(config.source()).isEqualTo(file);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).contains(file + ":");
            Matcher line = LINE.matcher(e.getMessage());
            if (line.find() && line.start() == dir.toString().length() + 1) {
                long lines = Files.readString(file).lines().count();
                assertThat(Long.parseLong(line.group(1))).as(e.getMessage()).isBetween(1L, lines + 1);
            }
        }
    }
}

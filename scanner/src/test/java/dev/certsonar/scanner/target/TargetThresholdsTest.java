package dev.certsonar.scanner.target;

import dev.certsonar.schemas.avro.Target;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** A target's own thresholds in a targets file: read, and refused naming the file, the line, the target and the field. */
class TargetThresholdsTest {

    @TempDir
    Path dir;

    @Test
    void thresholdsAreReadAsTheTargetsOwn() throws IOException {
        Path file = write("shop.example.com warnDays=45 criticalDays=14 warnFraction=0.3 criticalFraction=0.05\n");

        Target target = TargetSpecs.parseFile(file).getFirst();

        assertThat(target.getWarnDays()).isEqualTo(45.0);
        assertThat(target.getCriticalDays()).isEqualTo(14.0);
        assertThat(target.getWarnFraction()).isEqualTo(0.3);
        assertThat(target.getCriticalFraction()).isEqualTo(0.05);
        assertThat(TargetSpecs.parse("shop.example.com").getWarnDays()).as("none given, the policy's apply").isNull();
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                argumentSet("critical above the policy's warning", "criticalDays=40",
                        ":2: target tls://example.org:443: criticalDays: criticalDays (40.0) must not be more than warnDays (30.0);"
                                + " warnDays comes from the policy"),
                argumentSet("warning below the policy's critical", "warnDays=5",
                        ":2: target tls://example.org:443: warnDays: criticalDays (7.0) must not be more than warnDays (5.0);"
                                + " criticalDays comes from the policy"),
                argumentSet("its own thresholds crossing", "warnDays=10 criticalDays=20",
                        ":2: 'example.org': criticalDays: criticalDays (20.0) must not be more than warnDays (10.0)"),
                argumentSet("a fraction above one", "warnFraction=1.5",
                        ":2: 'example.org': warnFraction: 1.5 is not a fraction of the lifetime (0 to 1)"),
                argumentSet("negative days", "criticalDays=-1",
                        ":2: 'example.org': criticalDays: -1.0 is not a number of days (0 or more)"),
                argumentSet("days that are no number", "warnDays=soon",
                        ":2: 'example.org': warnDays 'soon' is not a number"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void aTargetBreakingARuleIsRefusedNamingFileLineAndField(String words, String message) throws IOException {
        Path file = write("shop.example.com\nexample.org " + words + "\n");

        assertThatThrownBy(() -> TargetSpecs.parseFile(file))
                .isInstanceOf(TargetSpecs.InvalidTargetSpecException.class)
                .hasMessage(file + message);
    }

    @Test
    void thresholdsAreCheckedAgainstThePolicyTheyWillBeJudgedBy() throws IOException {
        Path file = write("example.org criticalDays=40\n");
        ExpiryPolicy roomy = new ExpiryPolicy(Duration.ofHours(6), 60, 0.25, 7, 0.1);

        List<Target> targets = TargetSpecs.parseFile(file, false, roomy);

        assertThat(targets).extracting(Target::getCriticalDays).containsExactly(40.0);
        assertThatThrownBy(() -> TargetSpecs.parseFile(file, false, ExpiryPolicy.DEFAULT)).hasMessageContaining("criticalDays");
    }

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("targets.txt"), content);
    }
}

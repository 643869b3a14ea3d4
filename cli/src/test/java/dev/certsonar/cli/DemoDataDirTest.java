package dev.certsonar.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Where {@code certsonar demo} keeps its data: a folder of its own under the data home, leftovers of dead demos removed. */
class DemoDataDirTest {

    @TempDir
    Path home;

    @Test
    void eachDemoHasAFolderOfItsOwnNamedAfterItsProcess() throws IOException {
        Path first = DemoCommand.createDataDir(home.resolve("certsonar/demo"));
        Path second = DemoCommand.createDataDir(home.resolve("certsonar/demo"));

        assertThat(first).isDirectory().hasParent(home.resolve("certsonar/demo"));
        assertThat(first.getFileName().toString()).startsWith(ProcessHandle.current().pid() + "-");
        assertThat(second).isDirectory().isNotEqualTo(first);
    }

    @Test
    void theFolderOfADemoWhoseProcessIsGoneIsRemovedAndNothingElse() throws Exception {
        Process ended = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(ended.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Path leftover = Files.createDirectories(home.resolve(ended.pid() + "-123"));
        Files.writeString(leftover.resolve("meta.properties"), "node.id=1");
        Path running = Files.createDirectories(home.resolve(ProcessHandle.current().pid() + "-456"));
        Path other = Files.createDirectories(home.resolve("notes"));

        Path mine = DemoCommand.createDataDir(home);

        assertThat(leftover).doesNotExist();
        assertThat(running).isDirectory();
        assertThat(other).isDirectory();
        assertThat(mine).isDirectory();
    }

    @Test
    void theDataHomeIsTheUsersDataFolderNeverTheTemporaryFolder() {
        Path dataHome = DemoCommand.dataHome();

        assertThat(dataHome).isAbsolute().endsWithRaw(Path.of("certsonar", "demo"));
        assertThat(dataHome.startsWith(Path.of(System.getProperty("java.io.tmpdir")))).isFalse();
    }
}

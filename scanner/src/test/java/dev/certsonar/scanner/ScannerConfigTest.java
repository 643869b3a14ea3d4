package dev.certsonar.scanner;

import dev.certsonar.scanner.worker.WorkerConfig;
import dev.certsonar.schemas.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class ScannerConfigTest {

    private static final ScannerConfig D = ScannerConfig.DEFAULT;

    @TempDir
    static Path dir;

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                argumentSet("no probe at a time", (Supplier<?>) () -> D.withConcurrency(0),
                        "concurrency", "0 is too small (at least 1)"),
                argumentSet("zero timeout", (Supplier<?>) () -> D.withTimeout(Duration.ZERO),
                        "timeout", "0s is not a positive duration"),
                argumentSet("negative timeout", (Supplier<?>) () -> D.withTimeout(Duration.ofSeconds(-5)),
                        "timeout", "PT-5S is not a positive duration"),
                argumentSet("no probe of an address at a time", (Supplier<?>) () -> D.withPerAddressConcurrency(-1),
                        "perAddressConcurrency", "-1 is too small (at least 1)"),
                argumentSet("a handshake limit below a record", (Supplier<?>) () -> D.withMaxHandshakeBytes(1000),
                        "maxHandshakeBytes", "1000 is too small (at least 16384)"),
                argumentSet("negative spacing", (Supplier<?>) () -> D.withPerAddressSpacing(Duration.ofMillis(-1)),
                        "perAddressSpacing", "PT-0.001S is a negative duration"),
                argumentSet("no TLS library", (Supplier<?>) () -> D.withTlsLibrary(null),
                        "tlsLibrary", "missing"),
                argumentSet("a missing CA file", (Supplier<?>) () -> D.withCaFiles(List.of(dir.resolve("none.pem"))),
                        "caFiles[0]", "no such file: " + dir.resolve("none.pem")),
                argumentSet("a folder as CA file", (Supplier<?>) () -> D.withCaFiles(List.of(dir)),
                        "caFiles[0]", "no such file: " + dir),
                argumentSet("a prefix too long", (Supplier<?>) () -> D.withDeny(List.of("10.0.0.0/8", "10.0.0.0/33")),
                        "deny[1]", "\"10.0.0.0/33\" is not a CIDR range: the prefix length must be 0 to 32"),
                argumentSet("a name, not a range", (Supplier<?>) () -> D.withAllow(List.of("intranet.example.com/24")),
                        "allow[0]", "\"intranet.example.com/24\" is not a CIDR range (write an address and a prefix length, like 10.0.0.0/8 or fe80::/10)"),
                argumentSet("an empty range", (Supplier<?>) () -> D.withAllow(List.of(" ")),
                        "allow[0]", "an empty CIDR range"),
                argumentSet("no range at all", (Supplier<?>) () -> D.withDeny(Arrays.asList("10.0.0.0/8", null)),
                        "deny[1]", "an empty CIDR range"),
                argumentSet("an empty DNS server", (Supplier<?>) () -> D.withDnsServers(List.of("127.0.0.1", "")),
                        "dnsServers[1]", "an empty DNS server"),
                argumentSet("worker: a blank group", (Supplier<?>) () -> WorkerConfig.DEFAULT.withGroupId(" "),
                        "groupId", "an empty consumer group"),
                argumentSet("worker: no group", (Supplier<?>) () -> WorkerConfig.DEFAULT.withGroupId(null),
                        "groupId", "an empty consumer group"),
                argumentSet("worker: nothing in flight", (Supplier<?>) () -> WorkerConfig.DEFAULT.withMaxInFlight(0),
                        "maxInFlight", "0 is too small (at least 1)"),
                argumentSet("worker: a zero shutdown timeout", (Supplier<?>) () -> WorkerConfig.DEFAULT.withShutdownTimeout(Duration.ZERO),
                        "shutdownTimeout", "0s is not a positive duration"),
                argumentSet("worker: no revoke timeout",
                        (Supplier<?>) () -> new WorkerConfig("g", 1, null, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                        "revokeTimeout", "missing"),
                argumentSet("worker: a negative commit interval",
                        (Supplier<?>) () -> new WorkerConfig("g", 1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(-500)),
                        "commitInterval", "PT-0.5S is not a positive duration"));
    }

    /** The scanner's settings and its worker's. */
    @ParameterizedTest
    @MethodSource("brokenRules")
    void aBrokenRuleNamesItsField(Supplier<?> construction, String field, String problem) {
        InvalidValueException refusal = catchThrowableOfType(InvalidValueException.class, construction::get);
        assertThat(refusal).isNotNull().extracting(InvalidValueException::field, InvalidValueException::problem)
                .containsExactly(field, problem);
    }

    @Test
    void rangesAndServersAreKeptStrippedAndReadableFilesAccepted() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");

        ScannerConfig config = D.withDeny(List.of(" 10.0.0.0/8 ", "192.0.2.7", "fe80::/10")).withAllow(List.of("::1"))
                .withDnsServers(List.of(" 127.0.0.1:5353")).withCaFiles(List.of(ca)).withPerAddressSpacing(Duration.ZERO);

        assertThat(config.deny()).containsExactly("10.0.0.0/8", "192.0.2.7", "fe80::/10");
        assertThat(config.allow()).containsExactly("::1");
        assertThat(config.dnsServers()).containsExactly("127.0.0.1:5353");
        assertThat(config.caFiles()).containsExactly(ca);
        assertThat(config.perAddressSpacing()).isZero();
    }
}

package dev.certsonar.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.certsonar.aggregator.http.FleetView;
import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.schemas.avro.ScannerHeartbeat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code certsonar scanners}: the fleet, from the compacted scanner-heartbeats topic: each scanner, its zone, version,
 * last heartbeat (and whether that is recent enough for the scanner to count as live: within {@code fleet.downAfter}),
 * probes in flight and per second, backlog and TLS library.
 */
@Command(name = "scanners", mixinStandardHelpOptions = true,
        description = "Print the fleet of scanners: each scanner, its zone, version, last heartbeat and probes per second.")
public final class ScannersCommand extends KafkaCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--json", description = "One JSON object a line, as GET /api/scanners shows each scanner.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CertsonarConfig loaded = config.loadWithKafka();
        ClusterTopic<ScannerHeartbeat> topic = new ClusterTopic<>(loaded, loaded.topics().scannerHeartbeats());
        Map<String, ScannerHeartbeat> beats = topic.readAll(err());
        Duration downAfter = loaded.fleet().downAfter();
        Instant now = clock.instant();
        List<ScannerHeartbeat> sorted = new ArrayList<>(beats.values());
        sorted.sort(Comparator.comparing(ScannerHeartbeat::getZone).thenComparing(ScannerHeartbeat::getScannerId));
        PrintWriter out = out();
        if (json) {
            for (ScannerHeartbeat b : sorted) {
                out.println(JSON.writeValueAsString(FleetView.json(b, now, downAfter)));
            }
        } else {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("SCANNER", "ZONE", "STATE", "LAST HEARTBEAT", "AGE", "VERSION", "HOST", "IN FLIGHT", "PROBES/S",
                    "BACKLOG", "TLS"));
            for (ScannerHeartbeat b : sorted) {
                rows.add(List.of(b.getScannerId(), b.getZone(), live(b, now, downAfter) ? "live" : "silent",
                        b.getSentAt().toString(), age(b, now).toSeconds() + "s", b.getVersion(),
                        b.getHost() == null ? "-" : b.getHost(), Integer.toString(b.getInFlight()),
                        String.format(Locale.ROOT, "%.1f", b.getProbesPerSecond()), Long.toString(b.getBacklog()),
                        b.getTlsLibrary().isEmpty() ? "-" : b.getTlsLibrary()));
            }
            Table.print(out, rows);
            if (sorted.isEmpty()) {
                err().println("no scanner has sent a heartbeat to " + topic.name());
            }
        }
        out.flush();
        return 0;
    }

    private static Duration age(ScannerHeartbeat b, Instant now) {
        Duration age = Duration.between(b.getSentAt(), now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    private static boolean live(ScannerHeartbeat b, Instant now, Duration downAfter) {
        return !b.getSentAt().plus(downAfter).isBefore(now);
    }
}

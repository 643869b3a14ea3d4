package dev.certsonar.cli.scan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.certsonar.schemas.avro.AlternateChain;
import dev.certsonar.schemas.avro.Endpoint;
import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.policy.ExpiryPolicy;
import dev.certsonar.schemas.policy.ObservationJson;
import dev.certsonar.schemas.policy.StatusRules;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The output of {@code scan} and {@code inspect}, one line per judged chain: its status by the status rules, printed at
 * once as a JSON line (the shape of {@link ObservationJson}) or kept for the table (worst first, {@link ScanTable}), and
 * the exit status of the worst: 0 all OK, 1 the worst is WARNING, 2 the worst is CRITICAL, UNREACHABLE, INVALID or
 * EXPIRED.
 */
public final class ResultLines {

    public static final int EXIT_OK = 0;
    public static final int EXIT_WARNING = 1;
    public static final int EXIT_CRITICAL = 2;

    /**
     * Where a line's chain was found, as the line names it.
     *
     * @param target          the target column and the JSON {@code target}
     * @param host            the JSON {@code host}; null when there is none
     * @param place           the second column of the table (an endpoint, or a stored certificate)
     * @param protocol        the JSON {@code protocol}; null when none applies
     * @param hostnameChecked whether the hostname check applied; when not, the JSON {@code hostnameMatch} is null
     * @param note            said after the detail in the table; null for nothing
     */
    public record Origin(String target, String host, String place, String protocol, boolean hostnameChecked, String note) {

        /** A probed endpoint: the target as written, its address, port and SNI, and the protocol. */
        public static Origin of(Observation o) {
            Endpoint e = o.getEndpoint();
            String place = e == null ? "-" : (e.getAddress().indexOf(':') >= 0 ? "[" + e.getAddress() + "]" : e.getAddress())
                    + ":" + e.getPort() + (e.getSni() == null ? "" : " sni=" + e.getSni());
            return new Origin(ObservationJson.target(o), o.getHost(), place, o.getProtocol().name().toLowerCase(Locale.ROOT),
                    true, alternateChains(o));
        }

        /** The endpoint's other chains in words (leaf, expiry, problems); null when it has none. */
        private static String alternateChains(Observation o) {
            List<String> notes = new ArrayList<>();
            for (AlternateChain a : o.getAlternateChains()) {
                String leaf = a.getChain().isEmpty() ? "no certificate" : a.getChain().get(0).getSubject();
                String note = "second chain (" + a.getOffered() + "): " + leaf
                        + (a.getNotAfter() == null ? "" : ", not after " + a.getNotAfter().truncatedTo(ChronoUnit.MINUTES));
                if (a.getChecks() != null && !a.getChecks().getProblems().isEmpty()) {
                    note += ": " + String.join("; ", a.getChecks().getProblems());
                }
                notes.add(note);
            }
            return notes.isEmpty() ? null : String.join("; ", notes);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final PrintWriter out;
    private final boolean json;
    private final boolean colour;
    private final String placeHeading;
    private final List<ScanTable.Row> rows = new ArrayList<>();
    private Status worst = Status.OK;

    /**
     * @param json         JSON Lines instead of the table
     * @param colour       the table's statuses in colour
     * @param placeHeading the heading of the table's second column ({@code ENDPOINT}, {@code CERTIFICATE})
     */
    public ResultLines(PrintWriter out, boolean json, boolean colour, String placeHeading) {
        this.out = out;
        this.json = json;
        this.colour = colour;
        this.placeHeading = placeHeading;
    }

    /** Judges the observation's status at {@code now} by the policy, prints it as JSON or keeps it for the table. */
    public synchronized Status add(Observation o, ExpiryPolicy policy, Instant now, Origin origin) {
        Status status = StatusRules.status(o, policy, now);
        if (status.ordinal() > worst.ordinal() && status != Status.UNKNOWN) {
            worst = status;
        }
        if (json) {
            ObjectNode n = ObservationJson.toJson(o, status, now);
            n.put("target", origin.target());
            n.put("host", origin.host());
            n.put("protocol", origin.protocol());
            if (!origin.hostnameChecked() && n.get("checks") instanceof ObjectNode checks) {
                checks.putNull("hostnameMatch");
            }
            try {
                out.println(mapper.writeValueAsString(n));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            out.flush();
        } else {
            rows.add(ScanTable.Row.of(o, status, now, origin));
        }
        return status;
    }

    /** The worst status so far. */
    public synchronized Status worst() {
        return worst;
    }

    /** Prints the table (unless JSON lines were printed) and gives the exit status of the worst line. */
    public synchronized int finish() {
        if (!json) {
            ScanTable.print(out, rows, colour, placeHeading);
        }
        out.flush();
        return exitCode(worst);
    }

    /** 0 for OK (and STALE), 1 for WARNING, 2 for anything worse. */
    public static int exitCode(Status worst) {
        return switch (worst) {
            case OK, STALE -> EXIT_OK;
            case WARNING -> EXIT_WARNING;
            default -> EXIT_CRITICAL;
        };
    }
}

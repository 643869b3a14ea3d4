package dev.certsonar.cli.scan;

import dev.certsonar.schemas.avro.Observation;
import dev.certsonar.schemas.avro.Outcome;
import dev.certsonar.schemas.avro.Status;
import dev.certsonar.schemas.policy.StatusRules;
import picocli.CommandLine.Help.Ansi;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The results of scan and inspect for people: one line per endpoint or stored chain, worst first, the status in colour
 * on a terminal.
 */
public final class ScanTable {

    /** One line of the table. */
    public record Row(Status status, String target, String place, String notAfter, double daysLeft, String detail) {

        public static Row of(Observation o, Status status, Instant now, ResultLines.Origin origin) {
            String detail;
            if (o.getOutcome() != Outcome.OK) {
                detail = o.getOutcome() + ": " + (o.getError() == null ? "" : o.getError());
            } else if (o.getChecks() != null && !o.getChecks().getProblems().isEmpty()) {
                detail = String.join("; ", o.getChecks().getProblems());
            } else if (status == Status.WARNING || status == Status.CRITICAL) {
                detail = String.format(Locale.ROOT, "expires in %.1f days", StatusRules.daysLeft(o, now))
                        + (o.getTlsVersion() == null ? "" : " (" + o.getTlsVersion() + ")");
            } else {
                detail = o.getTlsVersion() == null ? "" : o.getTlsVersion();
            }
            if (origin.note() != null) {
                detail = detail.isEmpty() ? origin.note() : detail + "; " + origin.note();
            }
            return new Row(status, origin.target(), origin.place(),
                    o.getNotAfter() == null ? "-" : o.getNotAfter().truncatedTo(ChronoUnit.MINUTES).toString(),
                    StatusRules.daysLeft(o, now), detail);
        }

        String days() {
            return Double.isNaN(daysLeft) ? "-" : String.format(Locale.ROOT, "%.1f", daysLeft);
        }
    }

    private ScanTable() {
    }

    /** Worst status first, then fewest days left. */
    public static final Comparator<Row> WORST_FIRST = Comparator.comparing((Row r) -> r.status().ordinal()).reversed()
            .thenComparing(r -> Double.isNaN(r.daysLeft()) ? Double.MAX_VALUE : r.daysLeft())
            .thenComparing(Row::target).thenComparing(Row::place);

    /** The rows worst first under a heading (nothing when there are none); {@code placeHeading} names the second column. */
    public static void print(PrintWriter out, List<Row> rows, boolean colour, String placeHeading) {
        if (rows.isEmpty()) {
            return;
        }
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(WORST_FIRST);
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[]{"STATUS", "TARGET", placeHeading, "NOT AFTER", "DAYS", "DETAIL"});
        for (Row r : sorted) {
            cells.add(new String[]{r.status().name(), r.target(), r.place(), r.notAfter(), r.days(), r.detail()});
        }
        int[] widths = new int[6];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int n = 0; n < cells.size(); n++) {
            String[] row = cells.get(n);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String padded = i == row.length - 1 ? row[i] : row[i] + " ".repeat(widths[i] - row[i].length() + 2);
                if (i == 0 && n > 0 && colour) {
                    line.append(Ansi.ON.string("@|" + style(sorted.get(n - 1).status()) + " " + row[i] + "|@"))
                            .append(" ".repeat(widths[i] - row[i].length() + 2));
                } else {
                    line.append(padded);
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String style(Status s) {
        return switch (s) {
            case EXPIRED, INVALID, CRITICAL -> "bold,red";
            case UNREACHABLE -> "magenta";
            case WARNING -> "yellow";
            case OK -> "green";
            default -> "faint";
        };
    }
}

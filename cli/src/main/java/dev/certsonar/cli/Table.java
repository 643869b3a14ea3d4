package dev.certsonar.cli;

import java.io.PrintWriter;
import java.util.List;

/** A plain text table: columns as wide as their widest cell, two spaces apart, the first row a heading. */
final class Table {

    private Table() {
    }

    static void print(PrintWriter out, List<List<String>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row.get(i));
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}

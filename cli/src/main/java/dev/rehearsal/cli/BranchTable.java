package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.internal.Bytes;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code rehearsal branch} prints. Text: an aligned table with a header, times in the local time zone to the
 * minute, the expiry relative to now ({@code in 6d 23h}), sizes as {@code pg_size_pretty} writes them, {@code -}
 * where the provider cannot tell. JSON: one object a branch, every field always there, times in ISO-8601 (UTC),
 * {@code sizeBytes} a number or null.
 */
final class BranchTable {
    private static final List<String> HEADER = List.of("NAME", "PARENT", "CREATED", "EXPIRES", "SIZE", "URL");

    private BranchTable() {
    }

    /** The table, a line a branch under the header; every line ends with a line break. */
    static String text(List<BranchInfo> branches, Instant now, ZoneId zone) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (BranchInfo branch : branches) {
            rows.add(List.of(branch.name(), branch.parent(), Readable.time(branch.created(), zone),
                    Readable.relative(branch.expires(), now),
                    branch.sizeBytes() == null ? "-" : Bytes.human(branch.sizeBytes()), branch.url()));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < widths.length; column++) {
                String cell = row.get(column);
                boolean last = column == widths.length - 1;
                // sizes align right, as numbers do; the last column is not padded
                line.append(HEADER.get(column).equals("SIZE") ? " ".repeat(widths[column] - cell.length()) + cell
                        : last ? cell : cell + " ".repeat(widths[column] - cell.length()));
                line.append(last ? "" : "  ");
            }
            table.append(line).append('\n');
        }
        return table.toString();
    }

    /** One branch as JSON. */
    static ObjectNode json(BranchInfo branch) {
        ObjectNode node = Json.object().put("name", branch.name()).put("parent", branch.parent())
                .put("created", branch.created().toString()).put("expires", branch.expires().toString())
                .put("owner", branch.owner()).put("purpose", branch.purpose()).put("kept", branch.kept());
        if (branch.sizeBytes() == null) {
            node.putNull("sizeBytes");
        } else {
            node.put("sizeBytes", branch.sizeBytes());
        }
        return node.put("url", branch.url());
    }
}

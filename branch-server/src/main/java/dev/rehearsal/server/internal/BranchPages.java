package dev.rehearsal.server.internal;

import dev.rehearsal.server.internal.BranchRecords.BranchRecord;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Neon's pages of branches ({@code GET .../branches}): sorted by {@code sort_by} ({@code updated_at} by default, or
 * {@code created_at}, {@code name}) in {@code sort_order} ({@code desc} by default), then by id; at most
 * {@code limit} of them (1 to 10000, every one without a limit) after the {@code cursor}, which is the
 * {@code pagination.next} of the page before: the sort key and id of its last branch, so that a branch made or
 * deleted between two pages neither shifts nor repeats the others.
 */
final class BranchPages {
    private static final List<String> SORT_KEYS = List.of("created_at", "updated_at", "name");
    private static final int MAX_LIMIT = 10_000;

    /** A page: its branches, and Neon's {@code pagination} ({@code next}, {@code sort_by}, {@code sort_order}). */
    record Page(List<BranchRecord> branches, Map<String, Object> pagination) {
    }

    private BranchPages() {
    }

    /**
     * The page of {@code all} that {@code query} (the request's parameters) asks for.
     *
     * @throws IllegalArgumentException when a parameter is invalid, with the message for the client
     */
    static Page page(List<BranchRecord> all, Map<String, String> query) {
        String sortBy = query.getOrDefault("sort_by", "updated_at");
        String order = query.getOrDefault("sort_order", "desc");
        if (!SORT_KEYS.contains(sortBy) || !List.of("asc", "desc").contains(order)) {
            throw new IllegalArgumentException("invalid sort_by or sort_order: sort_by is one of " + SORT_KEYS
                    + ", sort_order asc or desc");
        }
        int limit;
        try {
            limit = Integer.parseInt(query.getOrDefault("limit", Integer.toString(MAX_LIMIT)));
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT);
        }
        Comparator<String> keys = order.equals("asc") ? Comparator.naturalOrder() : Comparator.reverseOrder();
        List<BranchRecord> sorted = all.stream()
                .sorted(Comparator.comparing((BranchRecord b) -> sortKey(b, sortBy), keys)
                        .thenComparing(BranchRecord::id))
                .toList();
        int from = 0;
        String cursor = query.get("cursor");
        if (cursor != null) {
            from = after(sorted, sortBy, keys, cursor);
        }
        List<BranchRecord> page = sorted.subList(from, Math.min(sorted.size(), from + limit));
        Map<String, Object> pagination = new LinkedHashMap<>();
        if (!page.isEmpty()) {
            BranchRecord last = page.get(page.size() - 1);
            pagination.put("next", Base64.getUrlEncoder().encodeToString((sortKey(last, sortBy) + "|" + last.id())
                    .getBytes(StandardCharsets.UTF_8)));
        }
        pagination.put("sort_by", sortBy);
        pagination.put("sort_order", order);
        return new Page(List.copyOf(page), pagination);
    }

    /** The index in {@code sorted} of the first branch after the one {@code cursor} names. */
    private static int after(List<BranchRecord> sorted, String sortBy, Comparator<String> keys, String cursor) {
        String after;
        try {
            after = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            after = "";
        }
        int bar = after.lastIndexOf('|');
        if (bar < 0) {
            throw new IllegalArgumentException("invalid cursor: give the pagination.next of the previous page");
        }
        String key = after.substring(0, bar);
        String id = after.substring(bar + 1);
        for (int i = 0; i < sorted.size(); i++) {
            BranchRecord branch = sorted.get(i);
            int byKey = keys.compare(sortKey(branch, sortBy), key);
            if (byKey > 0 || byKey == 0 && branch.id().compareTo(id) > 0) {
                return i;
            }
        }
        return sorted.size();
    }

    /** Times as the API shows them, whole seconds: a cursor compares them as the client saw them. */
    private static String sortKey(BranchRecord branch, String sortBy) {
        return switch (sortBy) {
            case "name" -> branch.name();
            case "created_at" -> NeonCompatibleApi.time(branch.createdAt());
            default -> NeonCompatibleApi.time(branch.updatedAt());
        };
    }
}

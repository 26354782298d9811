package dev.rehearsal.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.api.BranchException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The branch server's records of its branches, in {@code <data directory>/branches.json}: what the Neon API shows of
 * a branch (its id, name, times and expiry) and where its store made it ({@link StoredBranch}). Every change is
 * written at once, atomically (a temporary file moved over the old one), readable by the server's user only
 * (mode 0600: the file names roles and ports). Thread-safe.
 *
 * <p>The root branch ({@link #ROOT_ID}, named {@code main}, the project's default branch) stands for the mirror of
 * the source: it is no copy, and is recorded only for its creation time.
 *
 * <pre>{@code
 * BranchRecords records = new BranchRecords(dataDirectory);  // loads branches.json, if there is one
 * BranchRecord made = records.add(records.newRecord("dev-alice", expiresAt, Instant.now()));
 * records.update(made.id(), r -> r.withStored(store.create(made.id())));
 * }</pre>
 */
public final class BranchRecords {
    /** The id of the root branch, the mirror. */
    static final String ROOT_ID = "br-mirror";
    /** The name of the root branch. */
    static final String ROOT_NAME = "main";
    /** The file's name in the data directory. */
    static final String FILE = "branches.json";

    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int ID_LENGTH = 12;

    private final Path file;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, BranchRecord> branches = new LinkedHashMap<>();
    private BranchRecord root;

    /**
     * One branch as the server records it.
     *
     * @param id          Neon's form, {@code br-} and lower-case letters and digits
     * @param name        unique among the server's branches
     * @param parentId    the root branch's id; null for the root branch itself
     * @param createdAt   when the branch was asked for
     * @param updatedAt   when it last changed (name, expiry, reset)
     * @param expiresAt   when the server deletes it, or null for never
     * @param ttlSeconds  the interval {@code expires_at} was set to ({@code ttl_interval_seconds}), restarted from a
     *                    reset; null without expiry
     * @param lastResetAt when it was last reset, or null
     * @param stored      where the store made it; null while it is being made (and for the root branch)
     */
    record BranchRecord(String id, String name, String parentId, Instant createdAt, Instant updatedAt,
                        Instant expiresAt, Long ttlSeconds, Instant lastResetAt, StoredBranch stored) {
        boolean isRoot() {
            return parentId == null;
        }

        /** Made by its store and usable: not {@code init} any more. */
        boolean isReady() {
            return isRoot() || stored != null;
        }

        BranchRecord withStored(StoredBranch stored) {
            return new BranchRecord(id, name, parentId, createdAt, updatedAt, expiresAt, ttlSeconds, lastResetAt,
                    stored);
        }

        BranchRecord withName(String name, Instant now) {
            return new BranchRecord(id, name, parentId, createdAt, now, expiresAt, ttlSeconds, lastResetAt, stored);
        }

        /** A new expiry (null: none), whose interval from {@code now} is the new {@code ttl_interval_seconds}. */
        BranchRecord withExpiry(Instant expiresAt, Instant now) {
            Long ttl = expiresAt == null ? null : Math.max(0, expiresAt.getEpochSecond() - now.getEpochSecond());
            return new BranchRecord(id, name, parentId, createdAt, now, expiresAt, ttl, lastResetAt, stored);
        }

        /** Reset at {@code now} to {@code stored}: as on Neon, the expiry countdown starts again from the reset. */
        BranchRecord reset(StoredBranch stored, Instant now) {
            Instant expires = ttlSeconds == null ? expiresAt : now.plusSeconds(ttlSeconds);
            return new BranchRecord(id, name, parentId, createdAt, now, expires, ttlSeconds, now, stored);
        }
    }

    /**
     * Loads the records of {@code dataDirectory} (none when it has no {@value #FILE} yet).
     *
     * @throws BranchException when the file cannot be read or is not the server's records
     */
    public BranchRecords(Path dataDirectory) {
        this.file = dataDirectory.resolve(FILE);
        load();
    }

    /** The file the records are kept in. */
    Path file() {
        return file;
    }

    /** The root branch, the mirror. */
    synchronized BranchRecord root() {
        return root;
    }

    /** Every branch but the root, in the order they were made. */
    synchronized List<BranchRecord> branches() {
        return List.copyOf(branches.values());
    }

    /** The branch {@code id}, the root included. */
    synchronized Optional<BranchRecord> get(String id) {
        return root.id().equals(id) ? Optional.of(root) : Optional.ofNullable(branches.get(id));
    }

    /** The branch named {@code name}, the root included. */
    synchronized Optional<BranchRecord> named(String name) {
        if (root.name().equals(name)) {
            return Optional.of(root);
        }
        return branches.values().stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /**
     * A record of a new branch of the root, not added yet: a fresh id, and {@code expiresAt}'s interval from
     * {@code now} as its {@code ttl_interval_seconds}.
     */
    synchronized BranchRecord newRecord(String name, Instant expiresAt, Instant now) {
        String id;
        do {
            StringBuilder text = new StringBuilder("br-");
            for (int i = 0; i < ID_LENGTH; i++) {
                text.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
            }
            id = text.toString();
        } while (branches.containsKey(id));
        return new BranchRecord(id, name, ROOT_ID, now, now, null, null, null, null).withExpiry(expiresAt, now);
    }

    /**
     * Adds a branch of the root and writes the records.
     *
     * @throws IllegalArgumentException when its id or name is taken
     */
    synchronized BranchRecord add(BranchRecord record) {
        if (record.isRoot() || get(record.id()).isPresent() || named(record.name()).isPresent()) {
            throw new IllegalArgumentException("Branch " + record.id() + " (" + record.name() + ") is the root or "
                    + "has the id or the name of a recorded branch");
        }
        branches.put(record.id(), record);
        write();
        return record;
    }

    /**
     * Changes branch {@code id} (not the root) and writes the records; a branch no longer recorded stays so.
     * Returns the changed record, if there was one.
     */
    synchronized Optional<BranchRecord> update(String id, UnaryOperator<BranchRecord> change) {
        BranchRecord old = branches.get(id);
        if (old == null) {
            return Optional.empty();
        }
        BranchRecord changed = change.apply(old);
        if (!changed.id().equals(id) || changed.isRoot()) {
            throw new IllegalArgumentException("A change of branch " + id + " may not change its id or parent");
        }
        branches.put(id, changed);
        try {
            write();
        } catch (RuntimeException e) {
            branches.put(id, old);
            throw e;
        }
        return Optional.of(changed);
    }

    /** Forgets branch {@code id} and writes the records; returns whether it was recorded. */
    synchronized boolean remove(String id) {
        BranchRecord removed = branches.remove(id);
        if (removed == null) {
            return false;
        }
        write();
        return true;
    }

    private void load() {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            // the first start: the root's creation time is recorded now, and the data directory proven writable
            Instant now = Instant.now();
            root = new BranchRecord(ROOT_ID, ROOT_NAME, null, now, now, null, null, null, null);
            write();
            return;
        } catch (IOException e) {
            throw new BranchException("Cannot read the branch server's records in " + file + ": " + e.getMessage()
                    + ". Give the server's user read and write access to it", e);
        }
        try {
            JsonNode json = JSON.readTree(text);
            if (json == null || !json.isObject() || json.path("format").asInt() != FORMAT) {
                throw new IllegalArgumentException("not the records of this version (format " + FORMAT + ")");
            }
            JsonNode rootJson = json.path("root");
            Instant rootCreated = instant(rootJson, "created_at", true);
            root = new BranchRecord(ROOT_ID, ROOT_NAME, null, rootCreated, rootCreated, null, null, null, null);
            for (JsonNode branch : json.path("branches")) {
                BranchRecord record = record(branch);
                if (branches.putIfAbsent(record.id(), record) != null || record.id().equals(ROOT_ID)) {
                    throw new IllegalArgumentException("branch id " + record.id() + " is recorded twice");
                }
            }
        } catch (JsonProcessingException | IllegalArgumentException | DateTimeParseException e) {
            throw new BranchException("The branch server's records in " + file + " are damaged (" + e.getMessage()
                    + "). Restore the file from a backup, or move it away to start without branches (the store then "
                    + "deletes the copies no record names)", e);
        }
    }

    private static BranchRecord record(JsonNode json) {
        String id = text(json, "id", true);
        StoredBranch stored = null;
        JsonNode copy = json.path("stored");
        if (copy.isObject()) {
            if (!copy.path("port").canConvertToInt()) {
                throw new IllegalArgumentException("branch " + id + " has no port");
            }
            stored = new StoredBranch(text(copy, "id", true), text(copy, "host", true), copy.path("port").asInt(),
                    text(copy, "database", false), text(copy, "role", false), text(copy, "point", false),
                    instant(copy, "copied_at", false));
        }
        JsonNode ttl = json.path("ttl_seconds");
        return new BranchRecord(id, text(json, "name", true), text(json, "parent_id", true),
                instant(json, "created_at", true), instant(json, "updated_at", true),
                instant(json, "expires_at", false), ttl.isIntegralNumber() ? ttl.asLong() : null,
                instant(json, "last_reset_at", false), stored);
    }

    private static String text(JsonNode json, String field, boolean required) {
        JsonNode value = json.path(field);
        if (value.isTextual()) {
            return value.asText();
        }
        if (required) {
            throw new IllegalArgumentException("a branch has no '" + field + "'");
        }
        return null;
    }

    private static Instant instant(JsonNode json, String field, boolean required) {
        String text = text(json, field, required);
        return text == null ? null : Instant.parse(text);
    }

    private void write() {
        ObjectNode json = JSON.createObjectNode();
        json.put("format", FORMAT);
        json.putObject("root").put("id", root.id()).put("name", root.name())
                .put("created_at", root.createdAt().toString());
        ArrayNode list = json.putArray("branches");
        for (BranchRecord record : branches.values()) {
            ObjectNode branch = list.addObject();
            branch.put("id", record.id());
            branch.put("name", record.name());
            branch.put("parent_id", record.parentId());
            branch.put("created_at", record.createdAt().toString());
            branch.put("updated_at", record.updatedAt().toString());
            putInstant(branch, "expires_at", record.expiresAt());
            if (record.ttlSeconds() != null) {
                branch.put("ttl_seconds", record.ttlSeconds());
            }
            putInstant(branch, "last_reset_at", record.lastResetAt());
            StoredBranch stored = record.stored();
            if (stored != null) {
                ObjectNode copy = branch.putObject("stored");
                copy.put("id", stored.id());
                copy.put("host", stored.host());
                copy.put("port", stored.port());
                copy.put("database", stored.database());
                copy.put("role", stored.role());
                copy.put("point", stored.point());
                putInstant(copy, "copied_at", stored.copiedAt());
            }
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the branch records as JSON", e);
        }
        writeAtomically(bytes);
    }

    private static void putInstant(ObjectNode json, String field, Instant instant) {
        if (instant != null) {
            json.put(field, instant.toString());
        }
    }

    /**
     * Writes a temporary file beside the records (owner-only from its creation), forces it to disk and moves it over
     * them in one step: a server killed meanwhile leaves the old records or the new ones, never a part.
     */
    private void writeAtomically(byte[] bytes) {
        Path temporary = file.resolveSibling(FILE + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(temporary);
            Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileAttribute<?>[] ownerOnly = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------"))}
                    : new FileAttribute<?>[0];
            try (FileChannel channel = FileChannel.open(temporary, options, ownerOnly)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BranchException("Cannot write the branch server's records to " + file + ": " + e.getMessage()
                    + ". Check that the data directory is writable by the server's user and its disk is not full", e);
        }
    }

    /** Every record as a list (root first), for logs and tests. */
    @Override
    public synchronized String toString() {
        List<String> names = new ArrayList<>();
        names.add(root.name() + " (" + root.id() + ")");
        branches.values().forEach(b -> names.add(b.name() + " (" + b.id() + ")"));
        return "BranchRecords" + names + " in " + file;
    }
}

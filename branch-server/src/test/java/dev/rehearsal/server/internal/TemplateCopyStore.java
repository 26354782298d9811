package dev.rehearsal.server.internal;

import dev.rehearsal.server.MirrorStatus;
import dev.rehearsal.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real {@link BranchStore} for tests of the API: the source is a database of the shared test PostgreSQL,
 * and each branch a copy of it made with {@code CREATE DATABASE ... TEMPLATE source STRATEGY FILE_COPY}, named
 * {@code <prefix><id>}. Copies can be slowed down ({@link #delay}) and made to fail ({@link #failNext}), to see
 * operations answered {@code running} and {@code failed}.
 */
final class TemplateCopyStore implements BranchStore {
    private final TestPostgres postgres;
    private final String source;
    private final String role;
    private final String prefix;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger starts = new AtomicInteger();
    private volatile Duration delay = Duration.ZERO;

    /** Branches of {@code source}, owned by and connected to as {@code role}, named {@code prefix} and their id. */
    TemplateCopyStore(TestPostgres postgres, String source, String role, String prefix) {
        this.postgres = postgres;
        this.source = source;
        this.role = role;
        this.prefix = prefix;
    }

    /** Each copy (create or reset) takes this long more from now on. */
    TemplateCopyStore delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** The next {@code times} creates fail. */
    TemplateCopyStore failNext(int times) {
        failures.set(times);
        return this;
    }

    /** How often {@link #start} was called. */
    int starts() {
        return starts.get();
    }

    /** The database of branch {@code id}. */
    String database(String id) {
        return prefix + id.replace('-', '_');
    }

    /** The databases of this store's branches that exist now. */
    List<String> databases() {
        return postgres.databasesStartingWith(prefix);
    }

    @Override
    public List<StoredBranch> start(List<StoredBranch> recorded) {
        starts.incrementAndGet();
        List<String> existing = databases();
        List<StoredBranch> alive = new ArrayList<>();
        List<String> known = new ArrayList<>();
        for (StoredBranch branch : recorded) {
            if (existing.contains(branch.database())) {
                alive.add(branch);
                known.add(branch.database());
            }
        }
        existing.stream().filter(database -> !known.contains(database)).forEach(postgres::dropDatabase);
        return alive;
    }

    @Override
    public StoredBranch create(String id) {
        pause();
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("injected failure: no copy of " + source + " for " + id);
        }
        copy(database(id));
        return stored(id);
    }

    @Override
    public StoredBranch reset(StoredBranch branch) {
        pause();
        postgres.dropDatabase(branch.database());
        copy(branch.database());
        return stored(branch.id());
    }

    @Override
    public void delete(StoredBranch branch) {
        postgres.dropDatabase(branch.database());
    }

    @Override
    public boolean inUse(StoredBranch branch) {
        return !postgres.query("postgres", "SELECT 1 FROM pg_stat_activity WHERE datname = ?", branch.database())
                .isEmpty();
    }

    @Override
    public boolean ownServerPerBranch() {
        return false;
    }

    @Override
    public String copyMethod() {
        return "template copy (FILE_COPY, test)";
    }

    @Override
    public MirrorStatus status() {
        return new MirrorStatus("logical", copyMethod(), false, postgres.major(), null, null, null, null, null, null,
                Instant.parse("2026-01-02T03:04:05Z"), 42L, false, null, "/test/data", 1000L, 2000L);
    }

    @Override
    public void close() {
        // the databases stay, as a store's files do
    }

    @Override
    public void remove() {
        databases().forEach(postgres::dropDatabase);
    }

    private void copy(String database) {
        postgres.execute("postgres", "CREATE DATABASE " + TestPostgres.quoteIdentifier(database) + " TEMPLATE "
                + TestPostgres.quoteIdentifier(source) + " STRATEGY FILE_COPY",
                "ALTER DATABASE " + TestPostgres.quoteIdentifier(database) + " OWNER TO "
                        + TestPostgres.quoteIdentifier(role));
    }

    private StoredBranch stored(String id) {
        return new StoredBranch(id, "localhost", postgres.port(), database(id), role, source, Instant.now());
    }

    private void pause() {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

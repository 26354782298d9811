package dev.rehearsal.liquibase;

import liquibase.changelog.StandardChangeLogHistoryService;
import liquibase.database.Database;

/**
 * Liquibase's history service for {@link LiquibaseEngine#plan}: reads DATABASECHANGELOG exactly as Liquibase does,
 * but never creates or upgrades it. Liquibase's parser initialises the history service when it reads an
 * {@code include} — which creates the table on a database that has none — so the plan registers this one, for its
 * own {@link Database} only, while it parses.
 *
 * <p>It has no no-argument constructor on purpose: Liquibase's factory then uses this very instance instead of
 * making a new one.
 */
final class ReadingHistoryService extends StandardChangeLogHistoryService {
    private final Database database;

    ReadingHistoryService(Database database) {
        this.database = database;
        setDatabase(database);
    }

    @Override
    public int getPriority() {
        return PRIORITY_SPECIALIZED + 100;
    }

    @Override
    public boolean supports(Database candidate) {
        return candidate == database;
    }

    /** Reads only: the table is left as it is, created by {@code update} when it runs. */
    @Override
    public void init() {
    }
}

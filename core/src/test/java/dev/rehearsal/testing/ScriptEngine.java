package dev.rehearsal.testing;

import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.ApplyResult.EngineFailure;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A minimal but real migration engine for core's tests (core depends on no migration tool): each migration is a
 * list of statements run in one transaction, its id recorded in a {@code script_history} table. A migration whose
 * id ends in {@code !} runs in auto-commit mode, like a non-transactional Flyway migration, and then writes its
 * history row in a transaction of its own, as Liquibase does.
 */
public final class ScriptEngine implements MigrationEngine {
    private final Map<String, List<String>> migrations = new LinkedHashMap<>();
    private boolean textUnreadable;

    public ScriptEngine migration(String id, String... statements) {
        migrations.put(id, List.of(statements));
        return this;
    }

    /** Makes {@link #sqlOf} throw, as an engine might that cannot read a script. */
    public ScriptEngine textUnreadable() {
        textUnreadable = true;
        return this;
    }

    /** The migration's statements, one after the other. */
    @Override
    public String sqlOf(Migration migration) {
        if (textUnreadable) {
            throw new IllegalStateException("the script of " + migration.id() + " cannot be read");
        }
        List<String> statements = migrations.get(migration.id());
        return statements == null ? null : String.join(";\n", statements);
    }

    @Override
    public Set<String> ownTables() {
        return Set.of("script_history");
    }

    @Override
    public String name() {
        return "ScriptEngine";
    }

    @Override
    public MigrationPlan plan(DataSource database) {
        Set<String> applied = applied(database);
        List<Migration> pending = new ArrayList<>();
        for (String id : migrations.keySet()) {
            if (!applied.contains(id)) {
                pending.add(migration(id));
            }
        }
        return MigrationPlan.of(pending);
    }

    private static Migration migration(String id) {
        return new Migration(id, id, "migration " + id, id + ".sql", "SQL", id.hashCode());
    }

    @Override
    public ApplyResult apply(DataSource database, MigrationPlan plan, MigrationObserver observer) {
        List<Migration> done = new ArrayList<>();
        try (Connection connection = database.getConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS script_history (id text PRIMARY KEY)");
            }
            for (Migration migration : plan.migrations()) {
                boolean transactional = !migration.id().endsWith("!");
                observer.starting(migration);
                connection.setAutoCommit(!transactional);
                try (Statement statement = connection.createStatement()) {
                    for (String sql : migrations.get(migration.id())) {
                        statement.execute(sql);
                    }
                    // a non-transactional migration's history row in a transaction of its own, as Liquibase writes it
                    connection.setAutoCommit(false);
                    try (PreparedStatement history =
                                 connection.prepareStatement("INSERT INTO script_history VALUES (?)")) {
                        history.setString(1, migration.id());
                        history.executeUpdate();
                    }
                    connection.commit();
                    observer.finished(migration, true);
                    done.add(migration);
                } catch (SQLException e) {
                    if (!connection.getAutoCommit()) {
                        connection.rollback();
                    }
                    observer.finished(migration, false);
                    return ApplyResult.failure(done, new EngineFailure(migration, e.getMessage(), null, null, e));
                } finally {
                    connection.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            return ApplyResult.failure(done, new EngineFailure(null, e.getMessage(), null, null, e));
        }
        return ApplyResult.success(done);
    }

    @Override
    public List<String> history(DataSource database) {
        return applied(database).stream().sorted().toList();
    }

    private static Set<String> applied(DataSource database) {
        Set<String> ids = new HashSet<>();
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet exists = statement.executeQuery("SELECT to_regclass('script_history') IS NOT NULL")) {
            exists.next();
            if (exists.getBoolean(1)) {
                try (ResultSet rows = statement.executeQuery("SELECT id FROM script_history")) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }
}

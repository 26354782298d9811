package dev.rehearsal.liquibase;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import liquibase.change.AbstractSQLChange;
import liquibase.change.Change;
import liquibase.change.DbmsTargetedChange;
import liquibase.change.core.ExecuteShellCommandChange;
import liquibase.change.core.LoadDataChange;
import liquibase.change.core.OutputChange;
import liquibase.change.core.StopChange;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.database.DatabaseList;
import liquibase.sql.Sql;
import liquibase.sqlgenerator.SqlGeneratorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL of a changeset's changes for an offline database, through Liquibase's public API (the changes, their
 * {@code generateStatementsVolatile}, {@link SqlGeneratorFactory}), which Liquibase 4.31 to 5.x share.
 */
final class ChangeSetSql {
    /** Built-in changes whose statements are not schema changes, or which do more than give statements. */
    private static final Set<Class<?>> NOT_READ = Set.of(ExecuteShellCommandChange.class, LoadDataChange.class,
            OutputChange.class, StopChange.class);
    private static final Logger LOG = LoggerFactory.getLogger(ChangeSetSql.class);
    private static final String BUILT_IN = "liquibase.change.core.";

    private ChangeSetSql() {
    }

    /** The changes' SQL, one statement after the other; null when none gives any. */
    static String of(ChangeSet changeSet, Database offline) {
        List<String> statements = new ArrayList<>();
        for (Change change : changeSet.getChanges()) {
            if (change instanceof DbmsTargetedChange targeted && targeted.getDbms() != null
                    && !DatabaseList.definitionMatches(targeted.getDbms(), offline, true)) {
                continue; // Liquibase skips it on PostgreSQL
            }
            if (change instanceof AbstractSQLChange sql) {
                if (sql.getSql() != null && !sql.getSql().isBlank()) {
                    statements.add(sql.getSql().strip());
                }
            } else if (change.getClass().getName().startsWith(BUILT_IN) && NOT_READ.stream()
                    .noneMatch(type -> type.isInstance(change)) && !change.generateStatementsVolatile(offline)) {
                try {
                    for (Sql generated : SqlGeneratorFactory.getInstance().generateSql(change, offline)) {
                        statements.add(generated.toSql());
                    }
                } catch (RuntimeException e) {
                    // a generator that needs to read the database: this change's SQL is not known, the others' are
                    LOG.debug("No offline SQL for {} of changeset {}", change.getSerializedObjectName(),
                            LiquibaseEngine.idOf(changeSet), e);
                }
            }
        }
        return statements.isEmpty() ? null : String.join(";\n", statements) + ";";
    }
}

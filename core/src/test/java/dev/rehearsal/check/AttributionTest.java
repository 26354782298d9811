package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.trace.LockMode;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class AttributionTest {
    private static final long CUSTOMERS = 16_403;
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private final List<StatementTrace> statements = new ArrayList<>();

    @Test
    void aStatementNamesAnObjectWhoseNameHasQuotesSpacesOrCapitalsAsSqlWritesIt() {
        assertThat(Attribution.names("ALTER TABLE wide DROP COLUMN \"q\"\"1598\"", "q\"1598")).isTrue();
        assertThat(Attribution.names("ALTER TABLE wide DROP COLUMN \"c1  with\tspace\"", "c1  with\tspace")).isTrue();
        assertThat(Attribution.names("alter table \"Wide\" drop column \"Col_6\"", "Col_6")).isTrue();
        assertThat(Attribution.names("ALTER TABLE wide DROP COLUMN Col_6", "Col_6")).isTrue();
    }

    @Test
    void aStatementDoesNotNameAnObjectWhoseNameIsOnlyPartOfAWordOrInAComment() {
        assertThat(Attribution.names("ALTER TABLE wide DROP COLUMN \"q\"\"15989\"", "q\"1598")).isFalse();
        assertThat(Attribution.names("ALTER TABLE wide DROP COLUMN customer_id", "id")).isFalse();
        assertThat(Attribution.names("-- drops id\nALTER TABLE wide DROP COLUMN other", "id")).isFalse();
    }

    @Test
    void aChangeBelongsToTheStatementThatLockedTheTableNotToALaterOneThatOnlyReadsIt() {
        add("2", "ALTER TABLE customers RENAME COLUMN email TO email_address", lock(CUSTOMERS, LockMode.ACCESS_EXCLUSIVE));
        add("R:views", "CREATE OR REPLACE VIEW contacts AS SELECT id, email_address FROM customers",
                lock(CUSTOMERS, LockMode.ACCESS_SHARE));

        assertThat(migrationChanging(CUSTOMERS, "email_address")).contains("2");
    }

    @Test
    void aStatementRunUnderTheLockOfAnEarlierOneOfItsTransactionCanHaveMadeTheChange() {
        add("5", "ALTER TABLE customers ADD COLUMN note text", lock(CUSTOMERS, LockMode.ACCESS_EXCLUSIVE, 50));
        add("5", "ALTER TABLE customers RENAME COLUMN name TO full_name");
        add("6", "SELECT count(full_name) FROM customers", lock(CUSTOMERS, LockMode.ACCESS_SHARE));

        Optional<StatementTrace> statement = Attribution.changing(context(), CUSTOMERS, "full_name");

        assertThat(statement).map(StatementTrace::sql).contains("ALTER TABLE customers RENAME COLUMN name TO full_name");
    }

    @Test
    void namesInLiteralsCommentsAndFunctionBodiesDoNotCount() {
        add("4", "ALTER TABLE customers DROP COLUMN phone", lock(CUSTOMERS, LockMode.ACCESS_EXCLUSIVE));
        add("5", "-- phone moved to the CRM\nUPDATE customers SET note = 'phone' WHERE id = 1",
                lock(CUSTOMERS, LockMode.ROW_EXCLUSIVE));
        add("6", "CREATE FUNCTION label() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN 'phone'; END $$",
                lock(CUSTOMERS, LockMode.ACCESS_EXCLUSIVE));

        assertThat(migrationChanging(CUSTOMERS, "phone")).contains("4");
    }

    @Test
    void aStatementWithNoLockEvidenceIsChosenOnlyWhenItNamesTheObject() {
        add("7", "ALTER TABLE customers ADD COLUMN score int", lock(CUSTOMERS, LockMode.ACCESS_EXCLUSIVE));
        add("8", "CREATE INDEX CONCURRENTLY customers_score ON customers (score)");

        assertThat(migrationChanging(CUSTOMERS, "customers_score")).contains("8");
        assertThat(migrationChanging(CUSTOMERS, "no_such_index")).contains("7");
        assertThat(migrationChanging(99, "customers_score")).contains("8");
        assertThat(migrationChanging(99, "score_2")).isEmpty();
    }

    @Test
    void rowsLostBelongToTheStatementThatWroteTheTable() {
        add("3", "DELETE FROM customers WHERE id < 100", lock(CUSTOMERS, LockMode.ROW_EXCLUSIVE));
        add("4", "CREATE VIEW customers_left AS SELECT * FROM customers", lock(CUSTOMERS, LockMode.ACCESS_SHARE));

        assertThat(Attribution.writing(context(), CUSTOMERS, "customers").map(StatementTrace::migration)).contains("3");
        assertThat(migrationChanging(CUSTOMERS, "customers")).isEmpty();
    }

    @Test
    void theEnginesBookkeepingIsNeverChosen() {
        add("2", "ALTER TABLE customers RENAME COLUMN email TO email_address", lock(CUSTOMERS, LockMode.ACCESS_EXCLUSIVE));
        add(null, "INSERT INTO databasechangelog (id, author, filename) VALUES ('email_address', 'a', 'b')",
                lock(CUSTOMERS, LockMode.ACCESS_EXCLUSIVE));

        assertThat(migrationChanging(CUSTOMERS, "email_address")).contains("2");
    }

    private Optional<String> migrationChanging(long oid, String name) {
        return Attribution.changing(context(), oid, name).map(StatementTrace::migration);
    }

    private CheckContext context() {
        return new CheckContext(new PGSimpleDataSource(), List.of(), statements, null, null, List.of(),
                Policy.defaults());
    }

    private void add(String migration, String sql, LockTrace... locks) {
        int sequence = statements.size() + 1;
        statements.add(new StatementTrace(sequence, migration, sql, T0.plusMillis(10L * sequence), 1_000, null,
                !sql.contains("CONCURRENTLY"), null, null, List.of(locks), List.of(), List.of()));
    }

    private static LockTrace lock(long oid, LockMode mode) {
        return lock(oid, mode, 5);
    }

    private static LockTrace lock(long oid, LockMode mode, long heldMillis) {
        return new LockTrace(oid, "public.t" + oid, true, mode, heldMillis, false);
    }
}

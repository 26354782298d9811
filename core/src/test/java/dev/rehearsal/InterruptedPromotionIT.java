package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import dev.rehearsal.catalog.Table;
import dev.rehearsal.check.Finding;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.sql.Connection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A migration that runs outside a transaction and stops part-way on the target — here because it fails there, which
 * leaves the same as a kill at that point (see CrashIT in the adapters for kills): the next run repairs what it left
 * and completes, or stops before branching with the object and the command that fixes it.
 */
class InterruptedPromotionIT {
    /** True on a branch; on the target, it fails until {@link #FIXED} replaces it. */
    private static final String ONLY_ON_BRANCHES = "CREATE FUNCTION checked(i int) RETURNS int LANGUAGE plpgsql "
            + "IMMUTABLE AS $$ BEGIN IF current_database() NOT LIKE 'rehearsal\\_%' THEN RAISE EXCEPTION "
            + "'cannot check % here', i; END IF; RETURN i; END $$";
    private static final String FIXED = "CREATE OR REPLACE FUNCTION checked(i int) RETURNS int LANGUAGE sql "
            + "IMMUTABLE AS 'SELECT i'";
    private static final String BUILD_CHECKED = "CREATE INDEX CONCURRENTLY customers_checked ON customers "
            + "((checked(id)))";
    private static final String JOURNAL = "SELECT count(*) FROM pg_class WHERE relname = 'rehearsal_intent'";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @Test
    void theNextRunDropsTheInvalidIndexAnUnfinishedBuildLeftAndCompletes() {
        ScriptEngine engine = new ScriptEngine().migration("1", RehearsalIT.ADD_NOTE).migration("2!", BUILD_CHECKED);

        String target = failedOnTheTarget("invalid_left", engine);

        assertThat(indexes(target)).containsExactly("customers_checked false", "customers_pkey true");
        assertThat(postgres.query(target, "SELECT migration FROM rehearsal_intent")).containsExactly("2!");

        postgres.execute(target, FIXED);
        Outcome next = run(target, engine);

        assertThat(next.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(next.migrations()).extracting(MigrationStatus::id).containsExactly("2!");
        assertThat(indexes(target)).containsExactly("customers_checked true", "customers_pkey true");
        assertThat(history(target)).containsExactly("1", "2!");
        assertThat(next.findings()).extracting(Finding::kind).contains("interrupted-promotion");
        assertThat(repairs(next)).singleElement().asString()
                .contains("dropped index public.customers_checked, which migration 2! (migration 2!) left INVALID "
                        + "when it was interrupted on the target at ")
                .contains("DROP INDEX CONCURRENTLY public.customers_checked");
        assertThat(postgres.query(target, JOURNAL)).containsExactly("0");
    }

    @Test
    void theNextRunDropsAnIndexBuiltWithoutItsHistoryRowSoThatItsMigrationRunsAndIsRehearsedAgain() {
        String target = databases.create("valid_left", RehearsalIT.SHOP);
        postgres.execute(target, "CREATE TABLE script_history (id text PRIMARY KEY)",
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF current_database() NOT LIKE "
                        + "'rehearsal\\_%' THEN RAISE EXCEPTION 'no history here'; END IF; RETURN NEW; END $$",
                "CREATE TRIGGER refuse BEFORE INSERT ON script_history FOR EACH ROW EXECUTE FUNCTION refuse()");
        ScriptEngine engine = new ScriptEngine()
                .migration("1!", "CREATE INDEX CONCURRENTLY customers_email_idx ON customers (email)");

        assertThat(run(target, engine).verdict()).isEqualTo(Verdict.PROMOTION_FAILED);
        assertThat(indexes(target)).as("built, but no history row").contains("customers_email_idx true");
        assertThat(history(target)).isEmpty();

        postgres.execute(target, "DROP TRIGGER refuse ON script_history");
        Outcome next = run(target, engine);

        assertThat(next.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(repairs(next)).singleElement().asString()
                .contains("dropped index public.customers_email_idx, which migration 1! (migration 1!) built before "
                        + "it was interrupted", "without its history row",
                        "DROP INDEX CONCURRENTLY public.customers_email_idx");
        assertThat(next.statements()).as("rehearsed again")
                .anySatisfy(s -> assertThat(s.sql()).startsWith("CREATE INDEX CONCURRENTLY customers_email_idx"));
        assertThat(indexes(target)).contains("customers_email_idx true");
        assertThat(history(target)).containsExactly("1!");
    }

    @Test
    void anotherIndexUnderTheNameStopsTheNextRunBeforeBranchingWithTheCommandThatClearsTheWay() {
        ScriptEngine engine = new ScriptEngine().migration("1!", BUILD_CHECKED);
        String target = failedOnTheTarget("other_index", engine);
        postgres.execute(target, FIXED, "DROP INDEX customers_checked",
                "CREATE INDEX customers_checked ON customers (email)");
        String before = postgres.describe(target);

        assertThatThrownBy(() -> run(target, engine))
                .isInstanceOfSatisfying(RehearsalException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.PROMOTION_FAILED))
                .hasMessageContaining("index public.customers_checked exists on the target but is not the index "
                        + "that migration 1! (migration 1!), interrupted on the target at ")
                .hasMessageContaining("CREATE INDEX customers_checked ON public.customers USING btree (email)")
                .hasMessageContaining("drop it: DROP INDEX CONCURRENTLY public.customers_checked");
        assertThat(postgres.describe(target)).isEqualTo(before);
        assertThat(postgres.branchesOf(target)).isEmpty();

        postgres.execute(target, "DROP INDEX CONCURRENTLY public.customers_checked");
        assertThat(run(target, engine).verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(indexes(target)).containsExactly("customers_checked true", "customers_pkey true");
    }

    @Test
    void aMigrationThatDoesMoreThanBuildIndexesStopsTheNextRunWithTheCommandThatClearsItsRecord() {
        ScriptEngine engine = new ScriptEngine()
                .migration("1!", "ALTER TABLE customers ADD COLUMN checked int", BUILD_CHECKED);
        String target = failedOnTheTarget("not_index_only", engine);
        assertThat(columns(target)).as("half applied").contains("checked");
        String before = postgres.describe(target);

        RehearsalException stopped = (RehearsalException) catchThrowable(() -> run(target, engine));

        assertThat(stopped.code()).isEqualTo(ErrorCode.PROMOTION_FAILED);
        assertThat(stopped.getMessage()).contains("migration 1! (migration 1!), interrupted on the target at ",
                "runs `ALTER TABLE customers ADD COLUMN checked int` outside a transaction",
                "cannot tell how far it got", "record it with ScriptEngine",
                "DELETE FROM public.rehearsal_intent WHERE run = '");
        assertThat(postgres.describe(target)).isEqualTo(before);
        assertThat(postgres.branchesOf(target)).isEmpty();

        // a person brings the target back to where the migration had not run, then runs the command
        postgres.execute(target, FIXED, "DROP INDEX customers_checked", "ALTER TABLE customers DROP COLUMN checked",
                deletion(stopped.getMessage()));
        assertThat(run(target, engine).verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(columns(target)).contains("checked");
        assertThat(postgres.query(target, JOURNAL)).containsExactly("0");
    }

    @Test
    void theRecordWorksInASchemaWhoseNameHoldsFormatSpecifiersAndTheCommandThatClearsItNamesIt() {
        ScriptEngine engine = new ScriptEngine()
                .migration("1!", "ALTER TABLE customers ADD COLUMN checked int", BUILD_CHECKED);
        String target = databases.create("percent", RehearsalIT.SHOP);
        postgres.execute(target, "CREATE SCHEMA \"50% %I off\"");
        postgres.execute("postgres", "ALTER DATABASE " + target + " SET search_path = \"50% %I off\", public");
        postgres.execute(target, ONLY_ON_BRANCHES);
        assertThat(run(target, engine).verdict()).isEqualTo(Verdict.PROMOTION_FAILED);

        RehearsalException stopped = (RehearsalException) catchThrowable(() -> run(target, engine));

        assertThat(stopped.getMessage()).contains("DELETE FROM \"50% %I off\".rehearsal_intent WHERE run = '");
        postgres.execute(target, FIXED, "DROP INDEX customers_checked", "ALTER TABLE customers DROP COLUMN checked",
                deletion(stopped.getMessage()));
        assertThat(run(target, engine).verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(postgres.query(target, JOURNAL)).containsExactly("0");
    }

    @Test
    void aRehearsalLeavesTheLeftoversOnTheTargetAndRehearsesWithoutThem() {
        ScriptEngine engine = new ScriptEngine().migration("1!", BUILD_CHECKED);
        String target = failedOnTheTarget("rehearse_only", engine);
        postgres.execute(target, FIXED);
        String before = postgres.describe(target);

        Outcome rehearsal = Rehearsal.configure().target(postgres.location(target)).engine(engine).load().rehearse();

        assertThat(rehearsal.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(repairs(rehearsal)).singleElement().asString().contains("dropped index public.customers_checked "
                + "on the branch only", "the next promoting run drops it on the target: DROP INDEX CONCURRENTLY "
                + "public.customers_checked");
        assertThat(postgres.describe(target)).isEqualTo(before);
        assertThat(run(target, engine).verdict()).isEqualTo(Verdict.PROMOTED);
    }

    @Test
    void aPromotionThatEndsNormallyLeavesNothingOfRehearsalsOnTheTarget() {
        String target = databases.create("clean", RehearsalIT.SHOP);
        ScriptEngine engine = new ScriptEngine().migration("1!",
                "CREATE INDEX CONCURRENTLY customers_email_idx ON customers (email)");

        Outcome outcome = run(target, engine);

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.findings()).extracting(Finding::kind).doesNotContain("interrupted-promotion");
        assertThat(postgres.query(target, JOURNAL)).containsExactly("0");
    }

    @Test
    void aMigrationOutsideATransactionIsNotStartedWhenItsIntentCannotBeRecorded() {
        // a type of that name keeps the record's table from being created
        String target = databases.create("unrecorded", RehearsalIT.SHOP[0], RehearsalIT.SHOP[1],
                "CREATE TYPE rehearsal_intent AS (id int)");
        String before = postgres.describe(target);

        Outcome outcome = run(target, new ScriptEngine().migration("1!",
                "CREATE INDEX CONCURRENTLY customers_email_idx ON customers (email)"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTION_FAILED);
        assertThat(outcome.failure().message()).contains("Cannot record the promotion on the target",
                "GRANT CREATE ON SCHEMA", "Nothing was applied", "[1!]");
        assertThat(postgres.describe(target)).isEqualTo(before);
    }

    @Test
    void catalogSnapshotsLeaveOutRehearsalsRecordButNotAUsersTableOfTheSameName() throws Exception {
        String target = failedOnTheTarget("snapshot", new ScriptEngine().migration("1!", BUILD_CHECKED));
        String users = databases.create("users_table", "CREATE TABLE rehearsal_intent (id int)");

        assertThat(tables(target)).containsExactly("public.customers", "public.script_history");
        assertThat(tables(users)).containsExactly("public.rehearsal_intent");
    }

    /** A target where {@code engine}'s last migration fails part-way, as {@link #ONLY_ON_BRANCHES} makes it. */
    private String failedOnTheTarget(String stem, ScriptEngine engine) {
        String target = databases.create(stem, RehearsalIT.SHOP);
        postgres.execute(target, ONLY_ON_BRANCHES);
        assertThat(run(target, engine).verdict()).isEqualTo(Verdict.PROMOTION_FAILED);
        return target;
    }

    private Outcome run(String target, ScriptEngine engine) {
        return Rehearsal.configure().target(postgres.location(target)).engine(engine).load().run();
    }

    private static List<String> repairs(Outcome outcome) {
        return outcome.findings().stream().filter(f -> f.kind().equals("interrupted-promotion"))
                .map(Finding::message).toList();
    }

    private List<String> indexes(String database) {
        return postgres.query(database, "SELECT c.relname || ' ' || i.indisvalid FROM pg_index i "
                + "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'customers'::regclass ORDER BY 1");
    }

    private List<String> history(String database) {
        return postgres.query(database, "SELECT id FROM script_history ORDER BY id");
    }

    private List<String> columns(String database) {
        return postgres.query(database, "SELECT attname FROM pg_attribute WHERE attrelid = 'customers'::regclass "
                + "AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
    }

    private List<String> tables(String database) throws Exception {
        try (Connection connection = postgres.dataSource(database).getConnection()) {
            return CatalogSnapshot.take(connection, DataFacts.none()).tables().stream().map(Table::qualifiedName)
                    .toList();
        }
    }

    private static String deletion(String message) {
        Matcher matcher = Pattern.compile("DELETE FROM .*$", Pattern.MULTILINE).matcher(message);
        assertThat(matcher.find()).as(message).isTrue();
        return matcher.group();
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return org.assertj.core.api.Assertions.catchThrowable(call);
    }
}

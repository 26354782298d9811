package dev.rehearsal.liquibase;

import static dev.rehearsal.liquibase.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import liquibase.resource.DirectoryResourceAccessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planning refuses what Liquibase's {@code update} would refuse, as a configuration error (exit 64) before any branch
 * is made, and plans with exactly the filters and parameters {@code update} will use.
 */
class LiquibasePlanningIT {
    private static final String SHOP = """
            databaseChangeLog:
              - changeSet:
                  id: create-customers
                  author: shop
                  changes:
                    - sql:
                        sql: CREATE TABLE customers (id int PRIMARY KEY, email text)
            """;

    @TempDir
    Path changelogs;

    @Test
    void aChangesetEditedAfterItWasAppliedEndsBeforeAnyBranchNamingTheChangesetAndTheWaysOut() throws Exception {
        String applied = SHOP + phoneChangeset("text", "");
        String target = appliedByLiquibase(applied);
        write("main.yaml", SHOP + phoneChangeset("varchar(40)", "")); // nothing else pending
        List<String> databases = POSTGRES.databasesOfThisProcess();
        String before = POSTGRES.describe(target);

        ConfigurationException refused = refused(target, engine("main.yaml"));
        write("main.yaml", SHOP + phoneChangeset("varchar(40)", "      validCheckSum: ANY\n"));
        Outcome accepted = rehearsal(POSTGRES.location(target), engine("main.yaml")).run();

        assertThat(refused.code()).isEqualTo(ErrorCode.CONFIGURATION);
        assertThat(refused.code().exitCode()).isEqualTo(64);
        assertThat(refused).hasMessageContaining("changeset main.yaml::add-phone::shop was changed after it was "
                        + "applied: DATABASECHANGELOG records checksum 9:")
                .hasMessageContaining("Undo the edit").hasMessageContaining("validCheckSum")
                .hasMessageContaining("runOnChange");
        assertThat(accepted.verdict()).as("validCheckSum, as the message says").isEqualTo(Verdict.NOTHING_PENDING);
        assertThat(POSTGRES.databasesOfThisProcess()).isEqualTo(databases);
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
    }

    @Test
    void aChangelogThatIsMissingOrDoesNotParseEndsBeforeAnyBranchSayingWhatToFix() throws Exception {
        String target = POSTGRES.createDatabase("plan_missing");
        write("broken.yaml", "databaseChangeLog:\n  - changeSet: [id: x\n");
        List<String> databases = POSTGRES.databasesOfThisProcess();

        ConfigurationException missing = refused(target, engine("db/changelog/mian.yaml"));
        ConfigurationException broken = refused(target, engine("broken.yaml"));

        assertThat(missing).hasMessageContaining("The Liquibase changelog db/changelog/mian.yaml was not found in "
                        + "the search path [" + changelogs)
                .hasMessageContaining("correct LiquibaseEngine.configure().changelog(db/changelog/mian.yaml)")
                .hasMessageContaining("LiquibaseEngine.configure().searchPath(...)");
        assertThat(broken).hasMessageContaining("Liquibase cannot read the changelog broken.yaml: ")
                .hasMessageContaining("Fix the changelog");
        assertThat(POSTGRES.databasesOfThisProcess()).isEqualTo(databases);
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                .as("no Liquibase table made while planning").containsExactly("0");
    }

    @Test
    void duplicateChangesetsAndAFailingChangelogPreconditionEndBeforeAnyBranch() throws Exception {
        String target = appliedByLiquibase(SHOP);
        write("duplicates.yaml", SHOP + phoneChangeset("text", "") + phoneChangeset("int", ""));
        write("precondition.yaml", """
                databaseChangeLog:
                  - preConditions:
                      - onFail: HALT
                      - onFailMessage: this changelog is for the shop database only
                      - sqlCheck:
                          expectedResult: 1
                          sql: SELECT count(*) FROM pg_tables WHERE tablename = 'orders'
                """ + SHOP.substring("databaseChangeLog:\n".length()) + phoneChangeset("text", ""));
        List<String> databases = POSTGRES.databasesOfThisProcess();

        ConfigurationException duplicates = refused(target, engine("duplicates.yaml"));
        ConfigurationException precondition = refused(target, engine("precondition.yaml"));

        assertThat(duplicates).hasMessageContaining("duplicate identifiers")
                .hasMessageContaining("duplicates.yaml::add-phone::shop")
                .hasMessageContaining("Give each changeset an id and author that no other changeset of its file has");
        assertThat(precondition).hasMessageContaining("this changelog is for the shop database only")
                .hasMessageContaining("The changelog's preconditions do not hold on the target");
        assertThat(POSTGRES.databasesOfThisProcess()).isEqualTo(databases);
    }

    @Test
    void aUserWhoMayNotReadLiquibasesTablesIsToldWhichGrantIsMissing() throws Exception {
        String target = appliedByLiquibase(SHOP);
        write("main.yaml", SHOP + phoneChangeset("text", ""));
        String role = POSTGRES.createRole("plan_reader", "secret");
        List<String> databases = POSTGRES.databasesOfThisProcess();
        DatabaseLocation asRole = DatabaseLocation.of(POSTGRES.jdbcUrl(target), role, "secret");

        ConfigurationException denied = catchThrowableOfType(ConfigurationException.class,
                () -> rehearsal(asRole, engine("main.yaml")).rehearse());

        assertThat(denied).isNotNull();
        assertThat(denied).hasMessageContaining("The user " + role + " may not read Liquibase's tables on the target "
                        + "(ERROR: permission denied for table databasechangelog")
                .hasMessageContaining("SQLSTATE 42501")
                .hasMessageContaining("GRANT SELECT ON public.databasechangelog, public.databasechangeloglock TO "
                        + role);
        assertThat(POSTGRES.databasesOfThisProcess()).isEqualTo(databases);
    }

    @Test
    void plansWithTheFiltersAndParametersTheUpdateWillUseAndGivenParametersWinOverSystemProperties()
            throws Exception {
        String target = appliedByLiquibase(SHOP);
        write("main.yaml", SHOP + """
                  - changeSet:
                      id: prod-audit
                      author: shop
                      context: prod
                      changes:
                        - sql:
                            sql: CREATE TABLE ${audit_table} (id int)
                  - changeSet:
                      id: test-fixtures
                      author: shop
                      context: test
                      changes:
                        - sql:
                            sql: CREATE TABLE fixtures (id int)
                """);
        // Liquibase's own configuration outside Rehearsal's: its update reads these when it is given no contexts
        System.setProperty("liquibase.command.contexts", "prod");
        System.setProperty("audit_table", "from_system_property");
        Outcome outcome;
        try {
            outcome = rehearsal(POSTGRES.location(target), LiquibaseEngine.configure().changelog("main.yaml")
                    .searchPath(changelogs.toString()).parameter("AUDIT_TABLE", "audit").load()).run();
        } finally {
            System.clearProperty("liquibase.command.contexts");
            System.clearProperty("audit_table");
        }

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.migrations()).extracting(m -> m.id()).containsExactly("main.yaml::prod-audit::shop");
        assertThat(POSTGRES.query(target, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))
                .containsExactly("audit", "customers", "databasechangelog", "databasechangeloglock");
    }

    /** A changeset adding {@code customers.phone} of this type, with these extra attributes. */
    private static String phoneChangeset(String type, String attributes) {
        return """
                  - changeSet:
                      id: add-phone
                      author: shop
                """ + attributes + """
                      changes:
                        - addColumn:
                            tableName: customers
                            columns:
                              - column:
                                  name: phone
                                  type: %s
                """.formatted(type);
    }

    /** A new target that plain Liquibase updated with this changelog (as main.yaml of the test's directory). */
    private String appliedByLiquibase(String changelog) throws Exception {
        write("main.yaml", changelog);
        String target = POSTGRES.createDatabase("plan");
        Shop.liquibaseUpdate(target, "main.yaml", null, null, Map.of(),
                new DirectoryResourceAccessor(changelogs.toFile()));
        return target;
    }

    private void write(String name, String content) throws Exception {
        Files.writeString(changelogs.resolve(name), content);
    }

    private LiquibaseEngine engine(String changelog) {
        return LiquibaseEngine.configure().changelog(changelog).searchPath(changelogs.toString()).load();
    }

    private static Rehearsal rehearsal(DatabaseLocation target, LiquibaseEngine engine) {
        return Rehearsal.configure().target(target).engine(engine).load();
    }

    private static ConfigurationException refused(String target, LiquibaseEngine engine) {
        ConfigurationException refused = catchThrowableOfType(ConfigurationException.class,
                () -> rehearsal(POSTGRES.location(target), engine).run());
        assertThat(refused).as("a configuration error").isNotNull();
        return refused;
    }
}

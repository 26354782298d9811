package dev.rehearsal.branch.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.branch.BranchManager;
import dev.rehearsal.branch.TargetInUseException;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.testing.DatabaseAccess;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Branches for people with the template provider: create, list, reset, extend, locate, delete. */
class TemplateBranchManagementIT {
    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @Test
    void aDevelopersBranchLivesResetsToTheParentsCurrentStateAndIsDeleted() {
        String parent = databases.create("team", "CREATE TABLE accounts (id int PRIMARY KEY, balance int)",
                "INSERT INTO accounts SELECT i, 100 FROM generate_series(1, 500) i");
        BranchManager branches = BranchManager.of(TemplateBranchProvider.create(), postgres.location(parent));
        String name = "dev-alice-" + ProcessHandle.current().pid();
        databases.dropAfterwards(name);

        BranchInfo created = branches.create(name, Duration.ofDays(3));

        assertThat(created.name()).isEqualTo(name);
        assertThat(created.parent()).isEqualTo(parent);
        assertThat(created.purpose()).isEqualTo("developer");
        assertThat(created.expires()).isCloseTo(Instant.now().plus(Duration.ofDays(3)), within());
        assertThat(created.sizeBytes()).isPositive();
        assertThat(created.url()).endsWith("/" + name).doesNotContain("password");
        assertThat(postgres.describe(name)).isEqualTo(postgres.describe(parent));
        assertThat(branches.list()).extracting(BranchInfo::name).containsExactly(name);
        assertThat(branches.location(name).database()).isEqualTo(name);

        // the developer works on the branch; production moves on
        postgres.execute(name, "ALTER TABLE accounts ADD COLUMN nickname text", "DELETE FROM accounts WHERE id > 10");
        postgres.execute(parent, "UPDATE accounts SET balance = balance + 1 WHERE id % 2 = 0",
                "CREATE TABLE audit (at timestamptz)");
        assertThat(postgres.describe(name)).isNotEqualTo(postgres.describe(parent));

        BranchInfo reset = branches.reset(name);

        assertThat(postgres.describe(name)).isEqualTo(postgres.describe(parent));
        assertThat(reset.expires()).isEqualTo(created.expires());
        assertThat(reset.created()).isAfter(created.created());
        assertThat(branches.list()).extracting(BranchInfo::name).containsExactly(name);

        Instant later = Instant.now().plus(Duration.ofDays(10));
        assertThat(branches.extend(name, Duration.ofDays(10)).expires()).isCloseTo(later, within());
        assertThat(branches.list()).singleElement().satisfies(b -> assertThat(b.expires()).isCloseTo(later, within()));

        branches.delete(name);

        assertThat(postgres.databases()).doesNotContain(name);
        assertThat(branches.list()).isEmpty();
    }

    @Test
    void aResetThatCannotCopyLeavesTheBranchAsItWas() {
        String parent = databases.create("busy_parent", "CREATE TABLE t (id int)");
        BranchManager branches = BranchManager.of(TemplateBranchProvider.create(), postgres.location(parent));
        String name = "dev-bob-" + ProcessHandle.current().pid();
        databases.dropAfterwards(name);
        branches.create(name);
        postgres.execute(name, "INSERT INTO t VALUES (42)");
        databases.session(parent, "reporting-job");

        assertThatThrownBy(() -> branches.reset(name)).isInstanceOf(TargetInUseException.class)
                .hasMessageContaining("reporting-job");

        assertThat(postgres.query(name, "SELECT id FROM t")).containsExactly("42");
        assertThat(postgres.databasesStartingWith(TemplateBranchProvider.DEFAULT_PREFIX + parent)).isEmpty();
    }

    @Test
    void itTouchesOnlyItsOwnBranchesAndRefusesBadNames() {
        String parent = databases.create("careful", "CREATE TABLE t (id int)");
        String stranger = databases.create("stranger", "CREATE TABLE t (id int)");
        BranchManager branches = BranchManager.of(TemplateBranchProvider.create(), postgres.location(parent));

        assertThatThrownBy(() -> branches.delete(stranger)).isInstanceOf(BranchException.class)
                .hasMessageContaining("is not a branch of '" + parent + "' made by Rehearsal")
                .hasMessageContaining("it is left alone");
        assertThatThrownBy(() -> branches.reset("no-such-branch")).isInstanceOf(BranchException.class)
                .hasMessageContaining("There is no branch 'no-such-branch'");
        assertThatThrownBy(() -> branches.create(stranger)).isInstanceOf(BranchException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> branches.create("Alice\"; DROP DATABASE postgres; --"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("is not allowed");
        assertThatThrownBy(() -> branches.create("dev-carol", Duration.ofDays(365)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("out of range");

        assertThat(postgres.databases()).contains(stranger, "postgres");
        assertThat(branches.list()).isEmpty();
    }

    @Test
    void aBranchOfAPrivateParentIsAsPrivateAndAResetGivesItTheParentsCurrentPrivileges() throws SQLException {
        String password = "pw-" + ProcessHandle.current().pid();
        String app = databases.role("app", password);
        String alice = databases.loginRole("alice", password);
        String bob = databases.loginRole("bob", password);
        String parent = databases.create("private_team", "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)",
                "GRANT SELECT ON t TO PUBLIC");
        postgres.execute("postgres", "ALTER DATABASE " + parent + " OWNER TO " + app,
                "REVOKE CONNECT ON DATABASE " + parent + " FROM PUBLIC",
                "GRANT CONNECT ON DATABASE " + parent + " TO " + alice,
                "ALTER DATABASE " + parent + " SET work_mem = '8MB'");
        BranchManager branches = BranchManager.of(TemplateBranchProvider.create(), postgres.location(parent));
        String name = "dev-private-" + ProcessHandle.current().pid();
        databases.dropAfterwards(name);

        branches.create(name);

        assertThat(DatabaseAccess.of(postgres, name)).isEqualTo(DatabaseAccess.of(postgres, parent))
                .contains("owner " + app, "grant CONNECT to " + alice);
        assertThat(DatabaseAccess.readAs(postgres, name, alice, password, "SELECT count(*) FROM t")).isEqualTo("1");
        DatabaseAccess.assertRefused(postgres, name, bob, password);

        // who may read production changes: alice leaves, bob joins
        postgres.execute("postgres", "REVOKE CONNECT ON DATABASE " + parent + " FROM " + alice,
                "GRANT CONNECT, TEMPORARY ON DATABASE " + parent + " TO " + bob,
                "ALTER DATABASE " + parent + " SET work_mem = '16MB'",
                "ALTER ROLE " + bob + " IN DATABASE " + parent + " SET statement_timeout = '1min'");

        branches.reset(name);

        assertThat(DatabaseAccess.of(postgres, name)).isEqualTo(DatabaseAccess.of(postgres, parent))
                .contains("grant TEMPORARY to " + bob, "work_mem=16MB").doesNotContain(alice);
        DatabaseAccess.assertRefused(postgres, name, alice, password);
        assertThat(DatabaseAccess.readAs(postgres, name, bob, password, "SELECT count(*) FROM t")).isEqualTo("1");
    }

    private static org.assertj.core.data.TemporalUnitOffset within() {
        return org.assertj.core.api.Assertions.within(1, ChronoUnit.MINUTES);
    }
}

package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.check.entities.Customer;
import dev.rehearsal.check.entities.Invoice;
import dev.rehearsal.check.entities.LoyaltyAccount;
import dev.rehearsal.check.entities.Order;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EntityModelCheckIT {
    static final String[] SHOP = {
            "CREATE TABLE customers (id bigint PRIMARY KEY, first_name text, age integer)",
            "INSERT INTO customers SELECT i, 'c' || i, 30 FROM generate_series(1, 10) i",
            "CREATE TABLE loyalty_account (id bigint PRIMARY KEY, points_balance bigint)"};

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @Test
    void findsNothingWhenTheEntitiesMatchTheMigratedBranch() {
        String target = databases.create("entities-match", SHOP);

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1",
                "ALTER TABLE customers ADD COLUMN note text")).validateEntities(Customer.class).load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(kinds(outcome)).doesNotContain(FindingKinds.ENTITY_MISMATCH);
    }

    @Test
    void blocksAColumnRenamedUnderAnAttributeNamingTheEntityTheAttributeAndTheMigration() {
        String target = databases.create("entities-rename", SHOP);

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1", "SELECT 1").migration("2",
                "ALTER TABLE customers RENAME COLUMN first_name TO given_name"))
                .validateEntities(Customer.class).load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(mismatches(outcome)).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Finding.Severity.BLOCKING);
            assertThat(finding.migration()).isEqualTo("2");
            assertThat(finding.statement()).contains("RENAME COLUMN first_name");
            assertThat(finding.message()).contains("entity " + Customer.class.getName(), "attribute firstName",
                    "column first_name of table public.customers");
            assertThat(finding.evidence()).containsEntry("entity", Customer.class.getName())
                    .containsEntry("attribute", "firstName").containsEntry("table", "public.customers")
                    .containsEntry("column", "first_name");
            assertThat(finding.remedy()).contains("keep the old column");
            assertThat(finding.evidence()).doesNotContainKey("beforeTheMigrations");
        });
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    @Test
    void reportsEveryMismatchWithHibernatesWordsForAnIncompatibleType() {
        String target = databases.create("entities-every", SHOP);

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1",
                "ALTER TABLE customers DROP COLUMN first_name",
                "ALTER TABLE customers ALTER COLUMN age TYPE text USING age::text"))
                .validateEntities(Customer.class, Order.class).load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        List<Finding> mismatches = mismatches(outcome);
        assertThat(mismatches).allSatisfy(finding -> assertThat(finding.isBlocking()).isTrue())
                .extracting(finding -> finding.evidence().get("table") + "." + finding.evidence().get("column"))
                .containsExactlyInAnyOrder("public.customers.first_name", "public.customers.age",
                        "public.orders.null");
        assertThat(mismatches).filteredOn(finding -> "age".equals(finding.evidence().get("column"))).singleElement()
                .satisfies(finding -> {
                    assertThat(finding.migration()).isEqualTo("1");
                    assertThat(finding.evidence()).containsEntry("attribute", "age")
                            .containsEntry("expectedType", "integer").containsEntry("foundType", "text");
                    assertThat(finding.message()).contains("as integer, but the migrated database has text",
                            "Hibernate: Schema", "wrong column type encountered in column [age]");
                });
        assertThat(mismatches).filteredOn(finding -> finding.evidence().get("column") == null).singleElement()
                .satisfies(finding -> {
                    // no migration made or changed the table: the entity is the one to fix, or a migration is missing
                    assertThat(finding.migration()).isNull();
                    assertThat(finding.message()).contains("entity " + Order.class.getName() + " maps table "
                            + "public.orders, which the migrated database does not have", "It was so before the "
                            + "migrations too");
                    assertThat(finding.evidence()).containsEntry("beforeTheMigrations", true);
                    assertThat(finding.remedy()).contains("entity-mismatch=warning");
                });
    }

    @Test
    void namesTheAttributeOfAReferenceAnEmbeddableACollectionAndAnInheritedAttribute() {
        String target = databases.create("entities-attributes", SHOP[0], "CREATE TABLE invoices (id bigint PRIMARY KEY, "
                + "created_at timestamp(6) with time zone, customer_id bigint REFERENCES customers, street text, "
                + "city text)", "CREATE TABLE invoice_tags (invoice_id bigint REFERENCES invoices, tag text)");
        ScriptEngine engine = new ScriptEngine().migration("1", "ALTER TABLE invoices RENAME COLUMN created_at TO "
                + "issued_at", "ALTER TABLE invoices RENAME COLUMN customer_id TO client_id",
                "ALTER TABLE invoices DROP COLUMN city", "ALTER TABLE invoice_tags RENAME TO invoice_labels");

        Outcome matching = rehearsal(target, new ScriptEngine().migration("0", "SELECT 1"))
                .validateEntities(Invoice.class, Customer.class).load().rehearse();
        Outcome outcome = rehearsal(target, engine).validateEntities(Invoice.class, Customer.class).load().rehearse();

        assertThat(mismatches(matching)).isEmpty();
        assertThat(mismatches(outcome)).extracting(finding -> finding.evidence().get("entity") + "."
                        + finding.evidence().get("attribute") + " " + finding.evidence().get("column"))
                .containsExactlyInAnyOrder(Invoice.class.getName() + ".createdAt created_at",
                        Invoice.class.getName() + ".customer customer_id",
                        Invoice.class.getName() + ".address.city city",
                        Invoice.class.getName() + ".tags null");
        assertThat(mismatches(outcome)).filteredOn(finding -> finding.evidence().get("column") == null)
                .singleElement().satisfies(finding -> {
                    assertThat(finding.evidence()).containsEntry("table", "public.invoice_tags");
                    assertThat(finding.message()).contains("(attribute tags) maps table public.invoice_tags");
                    assertThat(finding.migration()).isEqualTo("1");
                    assertThat(finding.statement()).contains("RENAME TO invoice_labels");
                });
    }

    @Test
    void mapsNamesWithTheApplicationsHibernateSettings() {
        String target = databases.create("entities-naming", SHOP);
        ScriptEngine engine = new ScriptEngine().migration("1", "ALTER TABLE customers ADD COLUMN note text");

        Outcome withoutStrategy = rehearsal(target, engine).validateEntities(LoyaltyAccount.class).load().rehearse();
        Outcome withStrategy = rehearsal(target, engine).check(EntityModelCheck.of(LoyaltyAccount.class)
                .withProperties(Map.of("hibernate.physical_naming_strategy",
                        "org.hibernate.boot.model.naming.CamelCaseToUnderscoresNamingStrategy"))).load().rehearse();

        assertThat(mismatches(withoutStrategy)).extracting(finding -> finding.evidence().get("table"))
                .containsExactly("public.loyaltyaccount");
        assertThat(withStrategy.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(mismatches(withStrategy)).isEmpty();
    }

    @Test
    void refusesAClassThatIsNoEntityBeforeAnyBranchIsMade() {
        String target = databases.create("entities-none", SHOP);
        Rehearsal.Builder builder = rehearsal(target, new ScriptEngine().migration("1", "SELECT 1"));

        assertThatThrownBy(() -> builder.validateEntities(Customer.class, String.class))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("validateEntities(...)").hasMessageContaining("java.lang.String is not a JPA "
                        + "entity");
        assertThatThrownBy(() -> builder.validateEntities(String.class)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("java.lang.String is not a JPA entity");
        assertThatThrownBy(() -> EntityModelCheck.of(List.of("com.example.Gone"), getClass().getClassLoader()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no class com.example.Gone");
        assertThat(postgres.branchesOf(target)).isEmpty();
        assertThat(postgres.databasesOfThisProcess()).doesNotContain(target + "_branch");
    }

    private Rehearsal.Builder rehearsal(String target, ScriptEngine engine) {
        return Rehearsal.configure().target(postgres.location(target)).engine(engine)
                .policy(Policy.builder().ignore(FindingKinds.NO_LOCK_TIMEOUT).ignore(FindingKinds.BREAKING_CHANGE)
                        .ignore(FindingKinds.DATA_LOSS).ignore(FindingKinds.TABLE_REWRITE)
                        .ignore(FindingKinds.BLOCKING_LOCK).build());
    }

    private static List<String> kinds(Outcome outcome) {
        return outcome.findings().stream().map(Finding::kind).toList();
    }

    private static List<Finding> mismatches(Outcome outcome) {
        return outcome.findings().stream().filter(f -> f.kind().equals(FindingKinds.ENTITY_MISMATCH)).toList();
    }
}

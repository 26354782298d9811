package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.check.StaticRisks.Risk;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticRisksTest {
    private static List<Risk> risks(String sql) {
        return StaticRisks.of("V3__next.sql", sql);
    }

    private static List<String> kinds(String sql) {
        return risks(sql).stream().map(Risk::kind).toList();
    }

    @Test
    void aTypeChangeMayRewriteTheTableAndALimitedTypeMayNarrow() {
        List<Risk> risks = risks("ALTER TABLE shop.orders ALTER COLUMN total TYPE numeric(10,2)");

        assertThat(risks).extracting(Risk::kind)
                .containsExactly(FindingKinds.TABLE_REWRITE, FindingKinds.NARROWING_TYPE_CHANGE);
        assertThat(risks.get(0).message()).contains("column total of table shop.orders to numeric(10,2)")
                .contains("ACCESS EXCLUSIVE")
                .endsWith("(read from the migration's text; it did not run on the branch)");
        assertThat(risks.get(0).remedy()).startsWith("add a new column of the new type");
        assertThat(risks.get(0).statement()).isEqualTo("ALTER TABLE shop.orders ALTER COLUMN total TYPE numeric(10,2)");
        assertThat(kinds("ALTER TABLE t ALTER COLUMN c TYPE text")).containsExactly(FindingKinds.TABLE_REWRITE);
        assertThat(kinds("ALTER TABLE t ALTER COLUMN c TYPE integer")).contains(FindingKinds.NARROWING_TYPE_CHANGE);
    }

    @Test
    void aColumnWithAVolatileDefaultOrStoredGenerationRewritesButAConstantDefaultDoesNot() {
        assertThat(kinds("ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid()"))
                .containsExactly(FindingKinds.TABLE_REWRITE);
        assertThat(kinds("ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (a * 2) STORED"))
                .containsExactly(FindingKinds.TABLE_REWRITE);
        assertThat(risks("ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid()").get(0).remedy())
                .startsWith("add the column without a volatile default");
        for (String constant : List.of("ALTER TABLE t ADD COLUMN n int DEFAULT 0",
                "ALTER TABLE t ADD COLUMN s text DEFAULT 'x'::text", "ALTER TABLE t ADD COLUMN n int DEFAULT -1",
                "ALTER TABLE t ADD COLUMN at timestamptz DEFAULT now()",
                "ALTER TABLE t ADD COLUMN at timestamptz DEFAULT CURRENT_TIMESTAMP")) {
            assertThat(kinds(constant)).as(constant).containsExactly(FindingKinds.BLOCKING_LOCK);
            assertThat(risks(constant).get(0).message()).as(constant).contains("briefly");
        }
    }

    @Test
    void setNotNullScansUnderAccessExclusive() {
        List<Risk> risks = risks("ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL");

        assertThat(risks).extracting(Risk::kind).containsExactly(FindingKinds.BLOCKING_LOCK);
        assertThat(risks.get(0).message()).contains("scan table orders under ACCESS EXCLUSIVE")
                .contains("customer_id");
        assertThat(risks.get(0).remedy()).startsWith("first ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID");
    }

    @Test
    void aForeignKeyOrCheckScansUnlessAddedNotValid() {
        List<Risk> foreignKey = risks("ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) "
                + "REFERENCES customers (id)");
        assertThat(foreignKey).extracting(Risk::kind).containsExactly(FindingKinds.BLOCKING_LOCK);
        assertThat(foreignKey.get(0).message()).contains("foreign key orders_customer_fk").contains("customers");
        assertThat(foreignKey.get(0).remedy()).startsWith("add the foreign key NOT VALID");
        assertThat(risks("ALTER TABLE orders ADD CHECK (total > 0)").get(0).remedy())
                .startsWith("add the CHECK constraint NOT VALID");

        List<Risk> notValid = risks("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) "
                + "REFERENCES customers (id) NOT VALID");
        assertThat(notValid).extracting(Risk::kind).containsExactly(FindingKinds.BLOCKING_LOCK);
        assertThat(notValid.get(0).message()).startsWith("would lock table orders SHARE ROW EXCLUSIVE, briefly")
                .doesNotContain("without NOT VALID");
    }

    @Test
    void anIndexBuiltWithoutConcurrentlyBlocksWrites() {
        List<Risk> risks = risks("CREATE UNIQUE INDEX orders_ref ON orders (ref)");

        assertThat(risks).extracting(Risk::kind).containsExactly(FindingKinds.BLOCKING_LOCK);
        assertThat(risks.get(0).message()).contains("unique index orders_ref on table orders")
                .contains("blocks writes");
        assertThat(risks.get(0).remedy()).startsWith("build the index with CREATE INDEX CONCURRENTLY");
        assertThat(risks("CREATE INDEX CONCURRENTLY orders_ref ON orders (ref)")).isEmpty();
    }

    @Test
    void droppingATableOrAColumnAndTruncatingLoseData() {
        assertThat(risks("DROP TABLE legacy, shop.old_orders")).extracting(Risk::message).containsExactly(
                "would drop table legacy and its rows" + StaticRisks.NOT_OBSERVED,
                "would drop table shop.old_orders and its rows" + StaticRisks.NOT_OBSERVED);
        List<Risk> column = risks("ALTER TABLE customers DROP COLUMN phone");
        assertThat(column).extracting(Risk::kind).containsExactly(FindingKinds.DATA_LOSS);
        assertThat(column.get(0).message()).startsWith("would drop column phone of table customers");
        assertThat(column.get(0).remedy()).isEqualTo(Remedies.DROP_COLUMN);
        assertThat(kinds("TRUNCATE audit_log")).containsExactly(FindingKinds.DATA_LOSS);
        assertThat(risks("DROP VIEW v")).isEmpty();
    }

    @Test
    void anUpdateOrDeleteWithoutWhereTouchesTheWholeTable() {
        assertThat(kinds("UPDATE orders SET status = 'open'")).containsExactly(FindingKinds.LARGE_BACKFILL);
        assertThat(risks("UPDATE orders SET status = 'open'").get(0).remedy()).startsWith("backfill in batches");
        assertThat(kinds("DELETE FROM sessions")).containsExactly(FindingKinds.DATA_LOSS);
        assertThat(risks("UPDATE orders SET status = 'open' WHERE status IS NULL")).isEmpty();
        assertThat(risks("DELETE FROM sessions WHERE expires < now()")).isEmpty();
    }

    @Test
    void vacuumFullAndClusterRewrite() {
        assertThat(risks("VACUUM FULL orders").get(0).message()).startsWith("would rewrite table orders");
        assertThat(kinds("VACUUM (FULL, ANALYZE) orders")).containsExactly(FindingKinds.TABLE_REWRITE);
        assertThat(kinds("CLUSTER orders USING orders_pkey")).containsExactly(FindingKinds.TABLE_REWRITE);
        assertThat(risks("VACUUM FULL orders").get(0).remedy()).startsWith("VACUUM FULL and CLUSTER lock the table");
        assertThat(risks("VACUUM orders")).isEmpty();
    }

    @Test
    void anyOtherAlterTableTakesABriefAccessExclusiveLockButLighterOnesDoNot() {
        assertThat(risks("ALTER TABLE orders RENAME COLUMN total TO amount").get(0).message())
                .startsWith("would lock table orders ACCESS EXCLUSIVE, briefly");
        assertThat(kinds("ALTER TABLE orders ALTER COLUMN total SET DEFAULT 0"))
                .containsExactly(FindingKinds.BLOCKING_LOCK);
        assertThat(risks("ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk")).isEmpty();
        assertThat(risks("CREATE TABLE fresh (id int)")).isEmpty();
    }

    @Test
    void readsEveryStatementOfAScriptWithItsOwnText() {
        List<Risk> risks = risks("""
                -- V3: tidy up
                CREATE TABLE notes (id int);
                -- the phone moved to contacts
                ALTER TABLE customers DROP COLUMN phone;
                ALTER TABLE orders ALTER COLUMN note TYPE varchar(20);
                """);

        assertThat(risks).extracting(Risk::kind).containsExactly(FindingKinds.DATA_LOSS, FindingKinds.TABLE_REWRITE,
                FindingKinds.NARROWING_TYPE_CHANGE);
        assertThat(risks).extracting(Risk::statement).containsExactly("ALTER TABLE customers DROP COLUMN phone",
                "ALTER TABLE orders ALTER COLUMN note TYPE varchar(20)",
                "ALTER TABLE orders ALTER COLUMN note TYPE varchar(20)");
    }

    @Test
    void statementsAreAbbreviatedToOneLine() {
        String columns = "a int, ".repeat(100);
        Risk risk = risks("UPDATE wide\n   SET a = 1, " + columns.replace(" int", " = 1").replaceAll(", $", "")).get(0);

        assertThat(risk.statement()).hasSize(StaticRisks.MAX_STATEMENT).startsWith("UPDATE wide SET a = 1,")
                .endsWith("…").doesNotContain("\n");
    }

    @Test
    void textThatDoesNotParseGivesOneRiskSayingSo() {
        List<Risk> risks = risks("ALTER TABLE orders DROP COLUMN");

        assertThat(risks).hasSize(1);
        assertThat(risks.get(0).kind()).isEqualTo(FindingKinds.CHECK_ERROR);
        assertThat(risks.get(0).message()).contains("does not parse").contains("syntax error");
        assertThat(StaticRisks.of("V4", null)).isEmpty();
        assertThat(StaticRisks.of("V4", "  ")).isEmpty();
    }

    @Test
    void anAcknowledgedRiskIsKeptWithItsReasonAndAnUnreasonedOneIsNot() {
        List<Risk> risks = risks("""
                -- rehearsal:allow data-loss: phone was copied to contacts by V2
                ALTER TABLE customers DROP COLUMN phone;
                CREATE INDEX customers_email ON customers (email);
                """);

        assertThat(risks).extracting(Risk::kind).containsExactly(FindingKinds.DATA_LOSS, FindingKinds.BLOCKING_LOCK);
        assertThat(risks.get(0).message()).endsWith("; acknowledged: phone was copied to contacts by V2");
        assertThat(risks.get(1).message()).doesNotContain("acknowledged");
        assertThat(risks("-- rehearsal:allow data-loss\nALTER TABLE customers DROP COLUMN phone").get(0).message())
                .doesNotContain("acknowledged");
    }
}

package dev.rehearsal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.catalog.SchemaChange.Kind;
import dev.rehearsal.catalog.SchemaChange.ObjectType;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaChangeTest {
    @Test
    void describesEachKindOfChangeInOneLine() {
        assertThat(new SchemaChange(ObjectType.COLUMN, "public.customers.email", Kind.CHANGED, "type text",
                "type character varying(100)").describe())
                .isEqualTo("column public.customers.email: type text -> type character varying(100)");
        assertThat(new SchemaChange(ObjectType.TABLE, "public.clients", Kind.RENAMED, "public.customers",
                "public.clients").describe()).isEqualTo("table public.clients: renamed from public.customers");
        assertThat(new SchemaChange(ObjectType.ENUM_TYPE, "public.mood", Kind.ADDED, null, "('sad')").describe())
                .isEqualTo("enum type public.mood: added (('sad'))");
        assertThat(new SchemaChange(ObjectType.SCHEMA, "archive", Kind.REMOVED, null, null).describe())
                .isEqualTo("schema archive: removed");
    }

    @Test
    void foldsMultiLineDefinitionsIntoOneLine() {
        SchemaChange change = new SchemaChange(ObjectType.MATERIALIZED_VIEW, "public.totals", Kind.CHANGED,
                " SELECT a\n   FROM t;", " SELECT a,\n    b\n   FROM t;");

        assertThat(change.describe())
                .isEqualTo("materialized view public.totals: SELECT a FROM t; -> SELECT a, b FROM t;");
    }

    @Test
    void requiresObjectTypeNameAndKind() {
        assertThatThrownBy(() -> new SchemaChange(null, "t", Kind.ADDED, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("objectType");
        assertThatThrownBy(() -> new SchemaChange(ObjectType.TABLE, null, Kind.ADDED, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> new SchemaChange(ObjectType.TABLE, "t", null, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("kind");
    }

    @Test
    void quotesNamesOnlyWherePostgresNeedsIt() {
        assertThat(table("public", "orders").qualifiedName()).isEqualTo("public.orders");
        assertThat(table("public", "_orders_2026").qualifiedName()).isEqualTo("public._orders_2026");
        assertThat(table("Sales", "Order").qualifiedName()).isEqualTo("\"Sales\".\"Order\"");
        assertThat(table("public", "order").qualifiedName()).isEqualTo("public.\"order\"");
        assertThat(table("public", "user").qualifiedName()).isEqualTo("public.\"user\"");
        // unreserved keywords need no quotes
        assertThat(table("public", "comment").qualifiedName()).isEqualTo("public.comment");
        assertThat(table("public", "say \"hi\"").qualifiedName()).isEqualTo("public.\"say \"\"hi\"\"\"");
        assertThat(table("public", "2026").qualifiedName()).isEqualTo("public.\"2026\"");
        assertThat(table("public", "price$").qualifiedName()).isEqualTo("public.\"price$\"");
        assertThat(table("public", "straße").qualifiedName()).isEqualTo("public.\"straße\"");
    }

    private static Table table(String schema, String name) {
        return new Table(1, schema, name, "table", 1, 0, null, false, List.of(), List.of(), List.of(), List.of());
    }
}

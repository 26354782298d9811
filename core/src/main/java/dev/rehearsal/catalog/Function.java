package dev.rehearsal.catalog;

import java.util.Objects;

/**
 * A function or procedure (not aggregates or window functions).
 *
 * @param schema            its schema
 * @param name              its name
 * @param identityArguments its argument types as {@code pg_get_function_identity_arguments} writes them, e.g.
 *                          {@code customer_id integer, since date}; with schema and name they identify it
 * @param kind              {@code "function"} or {@code "procedure"}
 * @param definitionHash    SHA-256 (hex) of {@code pg_get_functiondef}: body, language, volatility, security,
 *                          settings — it changes whenever {@code CREATE OR REPLACE} changes anything
 */
public record Function(String schema, String name, String identityArguments, String kind, String definitionHash) {
    public Function {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(identityArguments, "identityArguments");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(definitionHash, "definitionHash");
    }

    /** {@code schema.name(arguments)}, e.g. {@code public.discount(customer_id integer)}. */
    public String signature() {
        return Identifiers.qualify(schema, name) + "(" + identityArguments + ")";
    }
}

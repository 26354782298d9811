package dev.rehearsal.liquibase;

import java.util.Map;
import java.util.TreeMap;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.database.Database;

/**
 * Liquibase's changelog parameters with the engine's own first. Liquibase looks a parameter up in the environment
 * variables and system properties before the ones its caller set, so an unrelated variable of the same name in a CI
 * job would silently win over {@code -Dname=value}; here what the user gave wins, then Liquibase's order applies
 * (environment, system properties, the changelog's own properties). Names match in any case, as in Liquibase.
 */
final class GivenParameters extends ChangeLogParameters {
    private final Map<String, String> given = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    GivenParameters(Database database, Map<String, String> given) {
        super(database);
        this.given.putAll(given);
        given.forEach(this::set);
    }

    @Override
    public Object getValue(String key, DatabaseChangeLog changeLog) {
        String value = key == null ? null : given.get(key);
        return value != null ? value : super.getValue(key, changeLog);
    }

    @Override
    public boolean hasValue(String key, DatabaseChangeLog changeLog) {
        return key != null && given.containsKey(key) || super.hasValue(key, changeLog);
    }
}

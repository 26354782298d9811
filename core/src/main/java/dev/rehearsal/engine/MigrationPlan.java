package dev.rehearsal.engine;

import java.util.List;

/** The migrations pending on a database, in the order the engine would apply them. */
public record MigrationPlan(List<Migration> migrations) {
    public MigrationPlan {
        migrations = List.copyOf(migrations);
    }

    public static MigrationPlan of(List<Migration> migrations) {
        return new MigrationPlan(migrations);
    }

    public boolean isEmpty() {
        return migrations.isEmpty();
    }

    public int size() {
        return migrations.size();
    }

    public List<String> ids() {
        return migrations.stream().map(Migration::id).toList();
    }
}

package db.javamigrations;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** A Java migration: its statements go through the same (traced) connection as SQL migrations'. */
public class V3__Normalise_emails extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        try (Statement statement = context.getConnection().createStatement()) {
            statement.executeUpdate("UPDATE customers SET email = lower(email) WHERE email <> lower(email)");
        }
    }
}

package dev.rehearsal.liquibase;

import java.sql.Statement;
import liquibase.change.custom.CustomTaskChange;
import liquibase.database.Database;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.CustomChangeException;
import liquibase.exception.ValidationErrors;
import liquibase.resource.ResourceAccessor;

/** A custom Java change of the test changelog {@code db/changelog/custom.xml}: it runs SQL on Liquibase's connection. */
public class NormaliseEmails implements CustomTaskChange {
    private int normalised;

    @Override
    public void execute(Database database) throws CustomChangeException {
        try (Statement statement = ((JdbcConnection) database.getConnection()).createStatement()) {
            normalised = statement.executeUpdate("UPDATE customers SET email = lower(email) WHERE email <> lower(email)");
        } catch (Exception e) {
            throw new CustomChangeException("Cannot normalise the emails", e);
        }
    }

    @Override
    public String getConfirmationMessage() {
        return normalised + " emails normalised";
    }

    @Override
    public void setUp() {
    }

    @Override
    public void setFileOpener(ResourceAccessor resourceAccessor) {
    }

    @Override
    public ValidationErrors validate(Database database) {
        return new ValidationErrors();
    }
}

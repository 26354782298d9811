package dev.rehearsal.cli;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Production's table sizes to judge the findings by ({@code Rehearsal.Builder.productionSizes}): a statistics file, or
 * a production database (a read-only replica will do) whose catalog is read once. Its password, like the target's,
 * never on the command line.
 */
final class ProductionOptions {
    /** The variable holding the production source's password. */
    static final String PASSWORD_VARIABLE = "REHEARSAL_PRODUCTION_PASSWORD";

    @Option(names = "--production-sizes", paramLabel = "<file>", description = "judge the findings by production's "
            + "table sizes in this statistics file (JSON, as rehearsal stats writes it), so that an empty "
            + "development database shows production's severities")
    Path sizes;

    @Option(names = "--production-url", paramLabel = "<jdbc-url>", description = "or read them from this database's "
            + "catalog (production, or a read-only replica of it), once, in a read-only transaction; password from "
            + PASSWORD_VARIABLE + " or ~/.pgpass")
    String url;

    @Option(names = "--production-user", description = "the user for --production-url (default: user= in its URL, "
            + "else PGUSER, else the operating system user)")
    String user;

    /** Gives the builder the sizes the options name, if any. */
    void configure(Rehearsal.Builder builder) {
        if (sizes != null) {
            builder.productionSizes(sizes);
        }
        if (url != null) {
            Credentials.refuseIn("--production-url", url, PASSWORD_VARIABLE, "");
            try {
                DatabaseLocation.of(url, user, null); // a malformed URL is said so before the password is looked up
            } catch (ConfigurationException e) {
                throw new ConfigurationException("--production-url: " + e.getMessage(), e);
            }
            // not PGPASSWORD: that is the target's, most likely, and production is another server
            Map<String, String> environment = new HashMap<>(System.getenv());
            environment.remove(Credentials.PGPASSWORD);
            builder.productionSizesFrom(Credentials.find(url, user, PASSWORD_VARIABLE, environment).location(url));
        }
    }
}

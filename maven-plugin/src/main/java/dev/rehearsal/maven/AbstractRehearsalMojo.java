package dev.rehearsal.maven;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.api.SettingNames;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.flyway.FlywaySettings;
import dev.rehearsal.liquibase.LiquibaseSettings;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.inject.Inject;
import javax.inject.Named;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.AbstractMojoExecutionException;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.PluginParameterExpressionEvaluator;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.codehaus.plexus.component.configurator.ComponentConfigurator;

/**
 * What every goal shares: where the target is and how to log in, in flyway-maven-plugin's terms. The target comes
 * from {@code <url>} (or a Flyway/Liquibase configuration file); the user and password from {@code <user>} and
 * {@code <password>}, else the configuration file, else the {@code settings.xml} server {@code <serverId>}
 * (default {@code rehearsal}), whose password may be encrypted with {@code mvn --encrypt-password}, else (the
 * password) the environment variable {@code REHEARSAL_PASSWORD}. Unlike {@code <password>}, which {@code mvn -X}
 * prints with the rest of the configuration, the last two never appear in Maven's output.
 *
 * <p>A parameter's property given to Maven ({@code -Drehearsal.url=...}) wins over the POM's {@code <configuration>}
 * for every goal and parameter, as in flyway-maven-plugin (see {@link CommandLineOverrides}).
 *
 * <p>Mojos keep no state beyond their parameters, so they are thread-safe in parallel builds ({@code -T}).
 */
abstract class AbstractRehearsalMojo extends AbstractMojo {
    /** The settings.xml server read when {@code <serverId>} is not set (and only if it exists). */
    static final String DEFAULT_SERVER_ID = "rehearsal";
    /** The environment variable read for the password when nothing else gives one (as the CLI reads it). */
    static final String PASSWORD_VARIABLE = "REHEARSAL_PASSWORD";

    /** Skips the goal. */
    @Parameter(property = "rehearsal.skip", defaultValue = "false")
    boolean skip;

    /** JDBC URL of the target, e.g. {@code jdbc:postgresql://db.example.com:5432/shop}. */
    @Parameter(property = "rehearsal.url")
    String url;

    /** The database user. */
    @Parameter(property = "rehearsal.user")
    String user;

    /**
     * The user's password. Prefer a settings.xml server ({@code <serverId>}) or {@code REHEARSAL_PASSWORD}: a POM is
     * often shared, and {@code mvn -X} prints this parameter.
     */
    @Parameter(property = "rehearsal.password")
    String password;

    /** The id of the settings.xml {@code <server>} holding the user and password. Default: {@code rehearsal}. */
    @Parameter(property = "rehearsal.serverId")
    String serverId;

    /**
     * Flyway configuration files ({@code flyway.toml}, or {@code flyway.conf} properties) to read the target and the
     * migrations from, e.g. {@code <configFiles><configFile>flyway.toml</configFile></configFiles>}, after those
     * {@code FLYWAY_CONFIG_FILES} names. Later files win; the plugin's own settings win over all of them. Unlike
     * Flyway's command line, the plugin looks for no file by itself: a build reads what its POM names.
     */
    @Parameter(property = "rehearsal.configFiles")
    List<File> configFiles;

    /** The {@code [environments.<name>]} of a flyway.toml to use. Default: the file's own, else {@code default}. */
    @Parameter(property = "rehearsal.environment")
    String environment;

    /** A Liquibase properties file ({@code liquibase.properties}): changelog, target, contexts, parameters. */
    @Parameter(property = "rehearsal.propertyFile")
    File propertyFile;

    /**
     * How branches are made: {@code template} ({@code CREATE DATABASE … TEMPLATE}, the default; needs the target
     * without other sessions), {@code snapshot-copy} ({@code pg_dump}/{@code pg_restore} of one snapshot; works
     * while the target is in use), {@code neon} (the Neon API, key from {@code NEON_API_KEY}) or {@code auto}
     * (template while the target is free; while it is in use, the branch server of the option {@code server}, else
     * snapshot-copy); or a provider of one's own, by its name, whose jar is a dependency of the plugin
     * ({@code <plugin><dependencies>}).
     */
    @Parameter(property = "rehearsal.branchProvider", defaultValue = "template")
    String branchProvider;

    /**
     * Options of the branch provider, e.g. {@code <branchOptions><jobs>4</jobs></branchOptions>} for
     * snapshot-copy or {@code <project>autumn-disk-484331</project>} for neon. POM only: a map has no {@code -D}
     * property.
     */
    @Parameter
    Map<String, String> branchOptions;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Parameter(defaultValue = "${settings}", readonly = true, required = true)
    Settings settings;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    MavenSession session;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
    MojoExecution mojoExecution;

    @Inject
    SettingsDecrypter decrypter;

    /** Maven's own configurator, which configured this mojo from the POM: the command line's values convert alike. */
    @Inject
    @Named("basic")
    ComponentConfigurator configurator;

    // Maven makes a mojo instance per execution, run on one thread: both the target and the engine read these
    private FlywaySettings flywayFileSettings;
    private LiquibaseSettings liquibaseSettings;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        try {
            // every message names a setting as this plugin's parameter, e.g. <lockTimeout>, not lockTimeout(...)
            SettingNames.using(ParameterNames.INSTANCE, () -> {
                preferCommandLine();
                if (skip) {
                    getLog().info("Rehearsal skipped (rehearsal.skip)");
                    return null;
                }
                run();
                return null;
            });
        } catch (ConfigurationException e) {
            throw new MojoExecutionException("Rehearsal is not configured right: " + message(e), e);
        } catch (RehearsalException e) {
            throw new MojoExecutionException(message(e), e);
        } catch (MojoExecutionException | MojoFailureException e) {
            throw e;
        } catch (AbstractMojoExecutionException e) {
            throw new MojoExecutionException(e.getMessage(), e); // a type run() does not throw
        }
    }

    abstract void run() throws MojoExecutionException, MojoFailureException;

    /** Sets the parameters given as {@code -D} properties from them, whatever the POM says (Maven lets the POM win). */
    private void preferCommandLine() {
        List<String> applied = CommandLineOverrides.apply(this, mojoExecution.getMojoDescriptor(),
                session.getUserProperties(), new PluginParameterExpressionEvaluator(session, mojoExecution),
                configurator, mojoExecution.getMojoDescriptor().getPluginDescriptor().getClassRealm());
        if (!applied.isEmpty()) {
            getLog().debug("Rehearsal: from Maven's command line, over the POM: " + String.join(", ", applied));
        }
    }

    /** The configured branch provider. */
    final BranchProvider provider() {
        return BranchProvider.named(branchProvider, branchOptions);
    }

    /**
     * Flyway's settings from its configuration files ({@code <configFiles>}, {@code FLYWAY_CONFIG_FILES}) and its
     * {@code FLYWAY_*} environment variables; relative {@code filesystem:} locations resolved against the project.
     */
    final FlywaySettings.Builder flywaySettings() {
        List<Path> files = new ArrayList<>();
        if (configFiles != null) {
            configFiles.forEach(file -> files.add(resolve(file)));
        }
        return FlywaySettings.builder().configFiles(files).environment(environment)
                .environmentVariables(System.getenv())
                .baseDirectory(project == null ? null : project.getBasedir().toPath());
    }

    /** The Flyway settings of the files and the environment (for the target they name); read once per execution. */
    final FlywaySettings flywayFileSettings() {
        if (flywayFileSettings == null) {
            flywayFileSettings = flywaySettings().load();
        }
        return flywayFileSettings;
    }

    /**
     * The target in the Liquibase properties file ({@code url}, {@code username}, {@code password}; Liquibase's
     * {@code LIQUIBASE_COMMAND_*} variables win over the file's), or none without a {@code <propertyFile>}.
     */
    final Map<String, String> liquibaseFileSettings() {
        if (propertyFile == null) {
            return Map.of();
        }
        LiquibaseSettings liquibase = liquibaseSettings();
        Map<String, String> target = new LinkedHashMap<>();
        target.put("url", liquibase.url());
        target.put("username", liquibase.username());
        target.put("password", liquibase.password());
        target.values().removeIf(Objects::isNull);
        return target;
    }

    /** Liquibase's settings of the {@code <propertyFile>} and the {@code LIQUIBASE_*} variables; read once. */
    final LiquibaseSettings liquibaseSettings() {
        if (liquibaseSettings == null) {
            liquibaseSettings = LiquibaseSettings.builder().directory(project.getBasedir().toPath())
                    .defaultsFile(propertyFile == null ? null : resolve(propertyFile)).load();
        }
        return liquibaseSettings;
    }

    /** The target, from the plugin's settings, the configuration files and settings.xml, in that order. */
    final DatabaseLocation target() {
        FlywaySettings flyway = flywayFileSettings();
        Map<String, String> liquibase = liquibaseFileSettings();
        String jdbcUrl = first(url, flyway.url(), liquibase.get("url"));
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new ConfigurationException("No target database: set <url> in the plugin's <configuration> (or "
                    + "-Drehearsal.url=jdbc:postgresql://host:5432/db), or point <configFiles> at a flyway.toml or "
                    + "<propertyFile> at a liquibase.properties that has one");
        }
        requireNoPasswordFromCommandLine("The target URL", jdbcUrl, "<serverId>, default '" + DEFAULT_SERVER_ID
                + "'", PASSWORD_VARIABLE);
        String login = first(user, flyway.user(), liquibase.get("username"));
        String secret = first(password, flyway.password(), liquibase.get("password"));
        if (login == null || secret == null) {
            Server server = server();
            if (server != null) {
                login = first(login, server.getUsername());
                secret = first(secret, server.getPassword());
            }
        }
        if (secret == null) {
            secret = first(System.getenv(PASSWORD_VARIABLE));
        }
        return DatabaseLocation.of(jdbcUrl.trim(), login, secret);
    }

    /**
     * A URL with a password is taken from the POM or a configuration file, as {@code <password>} is, but not from
     * Maven's command line ({@code -Drehearsal.url=...}, or any {@code -D} property the POM's {@code <url>} reads):
     * every user of the machine can read a command line in the process list.
     */
    final void requireNoPasswordFromCommandLine(String what, String jdbcUrl, String server, String variable) {
        List<String> credentials = DatabaseLocation.credentialsIn(jdbcUrl);
        if (credentials.isEmpty() || session == null) {
            return;
        }
        boolean fromCommandLine = session.getUserProperties().values().stream()
                .anyMatch(value -> value instanceof String text && text.trim().equals(jdbcUrl.trim()));
        if (fromCommandLine) {
            throw new ConfigurationException(what + " carries a password (" + String.join(", ", credentials)
                    + ") and comes from Maven's command line (-D...), which every user of this machine can read in "
                    + "the process list (ps): remove it from the URL and give the password in a settings.xml "
                    + "<server> (" + server + ") or the environment variable " + variable);
        }
    }

    /** The settings.xml server with its password decrypted; null when none is configured or found by default. */
    private Server server() {
        return server(serverId, DEFAULT_SERVER_ID, "serverId");
    }

    /**
     * The settings.xml server of this id ({@code configured}, else {@code defaultId}) with its password decrypted;
     * null when none is configured or found by default.
     *
     * @param parameter the parameter that names it, for messages
     */
    final Server server(String configured, String defaultId, String parameter) {
        String id = configured == null ? defaultId : configured;
        Server server = settings == null ? null : settings.getServer(id);
        if (server == null) {
            if (configured != null) {
                throw new ConfigurationException("settings.xml has no <server> with the id '" + configured + "': add "
                        + "one with <username> and <password> (see https://maven.apache.org/settings.html#servers), "
                        + "or set <" + parameter + "> to one that exists");
            }
            return null;
        }
        SettingsDecryptionResult result = decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
        for (SettingsProblem problem : result.getProblems()) {
            if (problem.getSeverity() != SettingsProblem.Severity.WARNING) {
                // the problem's message names the server and the cause, never the password
                throw new ConfigurationException("Cannot decrypt the password of the settings.xml server '" + id
                        + "': " + problem.getMessage() + "; check ~/.m2/settings-security.xml (mvn "
                        + "--encrypt-master-password)");
            }
        }
        getLog().debug("Rehearsal: user and password from the settings.xml server '" + id + "'");
        return result.getServer();
    }

    /** A path of the configuration, relative to the project's directory (not the working directory). */
    final Path resolve(File file) {
        return file.isAbsolute() ? file.toPath() : project.getBasedir().toPath().resolve(file.toPath());
    }

    @SafeVarargs
    static <T> T first(T... values) {
        for (T value : values) {
            if (value != null && !(value instanceof String text && text.isBlank())) {
                return value;
            }
        }
        return null;
    }

    static String message(Throwable e) {
        return DatabaseLocation.redact(String.valueOf(e.getMessage()));
    }
}

package dev.rehearsal.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import java.io.File;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.maven.execution.DefaultMavenExecutionRequest;
import org.apache.maven.execution.DefaultMavenExecutionResult;
import org.apache.maven.execution.MavenExecutionRequest;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.PluginParameterExpressionEvaluator;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.plugin.descriptor.Parameter;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugin.descriptor.PluginDescriptorBuilder;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.classworlds.ClassWorld;
import org.codehaus.plexus.classworlds.realm.ClassRealm;
import org.codehaus.plexus.component.configurator.BasicComponentConfigurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CommandLineOverrides} on the goals as the build describes them ({@code META-INF/maven/plugin.xml}), with
 * Maven's own expression evaluator and configurator, as a Maven build runs them.
 */
class CommandLineOverridesTest {
    private static final Path DESCRIPTOR = Path.of("target/classes/META-INF/maven/plugin.xml");

    @TempDir
    Path basedir;

    @Test
    void commandLinePropertiesWinOverThePomWithTheConversionsMavenMakes() throws Exception {
        RehearseMojo mojo = new RehearseMojo();
        // what the POM's <configuration> gave
        mojo.url = "jdbc:postgresql://pom-host/pom_db";
        mojo.user = "pom_user";
        mojo.password = "pom-password";
        mojo.branchProvider = "snapshot-copy";
        mojo.locations = List.of("filesystem:pom-migrations");
        mojo.configFiles = List.of(new File("pom.toml"));
        mojo.failOnFindings = true;
        mojo.lockRetries = 3;
        mojo.assertions = new File(basedir.toFile(), "pom-checks");
        mojo.table = "pom_history";
        mojo.placeholders = Map.of("owner", "pom");
        Path reports = basedir.resolve("elsewhere/reports").toAbsolutePath();

        List<String> applied = apply(mojo, "rehearse", Map.ofEntries(
                Map.entry("rehearsal.url", "jdbc:postgresql://cli-host/cli_db"),
                Map.entry("rehearsal.user", "cli_user"),
                Map.entry("rehearsal.password", "cli-password"),
                Map.entry("rehearsal.branchProvider", "template"),
                Map.entry("rehearsal.locations", "filesystem:sql,classpath:db/migration"),
                Map.entry("rehearsal.configFiles", "flyway.toml,conf/local.toml"),
                Map.entry("rehearsal.failOnFindings", "false"),
                Map.entry("rehearsal.lockRetries", "7"),
                Map.entry("rehearsal.assertions", "checks"),
                Map.entry("rehearsal.reportDirectory", reports.toString()),
                Map.entry("rehearsal.statementTimeout", "10m"),
                Map.entry("db.url", "jdbc:postgresql://not-a-parameter/db")));

        assertThat(mojo.url).isEqualTo("jdbc:postgresql://cli-host/cli_db");
        assertThat(mojo.user).isEqualTo("cli_user");
        assertThat(mojo.password).isEqualTo("cli-password");
        assertThat(mojo.branchProvider).isEqualTo("template");
        assertThat(mojo.locations).containsExactly("filesystem:sql", "classpath:db/migration");
        assertThat(mojo.configFiles).containsExactly(basedir.resolve("flyway.toml").toFile(),
                basedir.resolve("conf/local.toml").toFile());
        assertThat(mojo.failOnFindings).isFalse();
        assertThat(mojo.lockRetries).isEqualTo(7);
        assertThat(mojo.assertions).isEqualTo(basedir.resolve("checks").toFile());
        assertThat(mojo.reportDirectory).isEqualTo(reports.toFile());
        // not in the POM: Maven set it already, and setting it again gives the same
        assertThat(mojo.statementTimeout).isEqualTo("10m");
        // no -D for these: the POM's values stay
        assertThat(mojo.table).isEqualTo("pom_history");
        assertThat(mojo.placeholders).containsExactly(Map.entry("owner", "pom"));
        assertThat(applied).containsExactlyInAnyOrder("url (-Drehearsal.url)", "user (-Drehearsal.user)",
                "password (-Drehearsal.password)", "branchProvider (-Drehearsal.branchProvider)",
                "locations (-Drehearsal.locations)", "configFiles (-Drehearsal.configFiles)",
                "failOnFindings (-Drehearsal.failOnFindings)", "lockRetries (-Drehearsal.lockRetries)",
                "assertions (-Drehearsal.assertions)", "reportDirectory (-Drehearsal.reportDirectory)",
                "statementTimeout (-Drehearsal.statementTimeout)");
        assertThat(String.join(" ", applied)).doesNotContain("cli-password", "cli_db");
    }

    @Test
    void skipFromTheCommandLineWinsBothWays() throws Exception {
        MigrateMojo skipped = new MigrateMojo();
        MigrateMojo notSkipped = new MigrateMojo();
        notSkipped.skip = true;

        apply(skipped, "migrate", Map.of("rehearsal.skip", "true"));
        apply(notSkipped, "migrate", Map.of("rehearsal.skip", "false"));

        assertThat(skipped.skip).isTrue();
        assertThat(notSkipped.skip).isFalse();
    }

    @Test
    void aValueThatDoesNotFitItsParameterNamesThePropertyAndTheFix() {
        RehearseMojo mojo = new RehearseMojo();
        mojo.lockRetries = 3;

        assertThatThrownBy(() -> apply(mojo, "rehearse", Map.of("rehearsal.lockRetries", "many")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("-Drehearsal.lockRetries from Maven's command line does not fit "
                        + "<lockRetries> (java.lang.Integer)")
                .hasMessageEndingWith("correct or remove the -Drehearsal.lockRetries");
        assertThat(mojo.lockRetries).isEqualTo(3);
    }

    @Test
    void aUrlWithAPasswordFromTheCommandLineIsStillRefusedWhenItWinsOverThePomsUrl() throws Exception {
        String password = "Pw-" + UUID.randomUUID();
        Map<String, String> commandLine = Map.of("rehearsal.url", "jdbc:postgresql://cli-host/shop?password="
                + password);
        RehearseMojo mojo = new RehearseMojo();
        mojo.url = "jdbc:postgresql://pom-host/shop";
        mojo.session = session(commandLine);

        apply(mojo, "rehearse", commandLine);

        assertThat(mojo.url).startsWith("jdbc:postgresql://cli-host/shop");
        assertThatThrownBy(mojo::target).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("carries a password (the password parameter) and comes from Maven's command line")
                .hasMessageNotContaining(password);
    }

    @Test
    void everyGoalTakesEachOfItsPropertiesFromTheCommandLine() throws Exception {
        PluginDescriptor plugin = plugin();
        List<String> goals = new ArrayList<>();
        for (MojoDescriptor goal : plugin.getMojos()) {
            Object mojo = Class.forName(goal.getImplementation()).getDeclaredConstructor().newInstance();
            if (!(mojo instanceof AbstractRehearsalMojo)) {
                continue; // the generated help goal
            }
            goals.add(goal.getGoal());
            Map<String, String> properties = new HashMap<>();
            List<String> expected = new ArrayList<>();
            for (Parameter parameter : goal.getParameters()) {
                String property = CommandLineOverrides.property(parameter);
                if (property != null) {
                    properties.put(property, sampleOf(parameter.getType()));
                    expected.add(parameter.getName() + " (-D" + property + ")");
                }
            }

            List<String> applied = apply(mojo, goal, properties);

            assertThat(applied).as(goal.getGoal()).containsExactlyInAnyOrderElementsOf(expected)
                    .contains("url (-Drehearsal.url)", "user (-Drehearsal.user)",
                            "branchProvider (-Drehearsal.branchProvider)");
            assertThat(((AbstractRehearsalMojo) mojo).url).isEqualTo(sampleOf("java.lang.String"));
        }
        assertThat(goals).contains("rehearse", "migrate", "branch-create", "branch-list", "branch-reset",
                "branch-delete");
    }

    /** A value of a parameter type that the plugin uses; a new type has to be added here, and shown to convert. */
    private static String sampleOf(String type) {
        return switch (type) {
            case "java.lang.String" -> "text";
            case "boolean", "java.lang.Boolean" -> "false";
            case "java.lang.Integer", "int" -> "2";
            case "java.io.File" -> "a-file";
            case "java.util.List" -> "one,two";
            default -> throw new AssertionError("A parameter with a property has the type " + type
                    + ": add a sample value of it to this test");
        };
    }

    private List<String> apply(Object mojo, String goal, Map<String, String> userProperties) throws Exception {
        return apply(mojo, plugin().getMojo(goal), userProperties);
    }

    private List<String> apply(Object mojo, MojoDescriptor goal, Map<String, String> userProperties)
            throws Exception {
        MavenSession session = session(userProperties);
        MojoExecution execution = new MojoExecution(goal);
        ClassRealm realm = new ClassWorld().newRealm("plugin", getClass().getClassLoader());
        return CommandLineOverrides.apply(mojo, goal, session.getUserProperties(),
                new PluginParameterExpressionEvaluator(session, execution), new BasicComponentConfigurator(), realm);
    }

    /** A session of a project in {@link #basedir}, with these user properties. */
    @SuppressWarnings("deprecation") // Maven 3.8 deprecates every constructor: only its container should make one
    private MavenSession session(Map<String, String> userProperties) {
        Properties properties = new Properties();
        properties.putAll(userProperties);
        MavenExecutionRequest request = new DefaultMavenExecutionRequest().setUserProperties(properties);
        MavenProject project = new MavenProject();
        project.setFile(basedir.resolve("pom.xml").toFile());
        MavenSession session = new MavenSession(null, null, request, new DefaultMavenExecutionResult());
        session.setCurrentProject(project);
        return session;
    }

    private static PluginDescriptor plugin() throws Exception {
        try (Reader xml = Files.newBufferedReader(DESCRIPTOR)) {
            return new PluginDescriptorBuilder().build(xml);
        }
    }
}

package dev.rehearsal.maven;

import dev.rehearsal.api.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.plugin.descriptor.Parameter;
import org.codehaus.plexus.classworlds.realm.ClassRealm;
import org.codehaus.plexus.component.configurator.ComponentConfigurationException;
import org.codehaus.plexus.component.configurator.ComponentConfigurator;
import org.codehaus.plexus.component.configurator.expression.ExpressionEvaluator;
import org.codehaus.plexus.configuration.PlexusConfiguration;
import org.codehaus.plexus.configuration.xml.XmlPlexusConfiguration;

/**
 * Gives Maven's user properties ({@code -Drehearsal.url=...} on the command line or in {@code .mvn/maven.config})
 * precedence over the POM's {@code <configuration>} for every parameter of a goal that has a property, as
 * flyway-maven-plugin does. Maven itself reads a parameter's property only when the POM leaves the parameter out:
 * a {@code -Drehearsal.url} would be ignored without a word, and the goal would rehearse, or migrate, the POM's
 * database instead of the one the user named.
 *
 * <p>Each such parameter is configured once more by Maven's own configurator from its expression
 * ({@code ${rehearsal.url}}), exactly as Maven configures a parameter the POM leaves out, so both ways give the same
 * value: the same conversions (booleans, numbers, files relative to the project's directory, comma-separated lists)
 * and the same errors. Map-valued parameters ({@code <placeholders>}, {@code <severities>}, {@code <branchOptions>},
 * {@code <changelogParameters>}) have no property, so {@code -D} cannot set them.
 */
final class CommandLineOverrides {
    private CommandLineOverrides() {
    }

    /**
     * Sets each parameter of {@code mojo} whose property is among {@code userProperties} from that property, as
     * Maven would have if the POM did not set it.
     *
     * @return the parameters set, as {@code name (-Dproperty)}: names only, since a value may be a password
     * @throws ConfigurationException when a property's value does not fit its parameter
     */
    static List<String> apply(Object mojo, MojoDescriptor descriptor, Properties userProperties,
                              ExpressionEvaluator evaluator, ComponentConfigurator configurator, ClassRealm realm) {
        List<String> applied = new ArrayList<>();
        for (Parameter parameter : descriptor.getParameters()) {
            String property = property(parameter);
            if (property == null || userProperties.getProperty(property) == null) {
                continue;
            }
            // one parameter at a time, so that an error names the property it came from
            PlexusConfiguration configuration = new XmlPlexusConfiguration("configuration");
            configuration.addChild(parameter.getName(), parameter.getExpression());
            try {
                configurator.configureComponent(mojo, configuration, evaluator, realm);
            } catch (ComponentConfigurationException e) {
                // only non-text parameters can fail to convert, and none of them is a secret: the value may show
                throw new ConfigurationException("-D" + property + " from Maven's command line does not fit <"
                        + parameter.getName() + "> (" + parameter.getType() + "): "
                        + AbstractRehearsalMojo.message(e) + "; correct or remove the -D" + property, e);
            }
            applied.add(parameter.getName() + " (-D" + property + ")");
        }
        return List.copyOf(applied);
    }

    /** The property a parameter reads ({@code rehearsal.url} of {@code ${rehearsal.url}}), or null if none. */
    static String property(Parameter parameter) {
        String expression = parameter.getExpression();
        if (!parameter.isEditable() || expression == null || !expression.startsWith("${")
                || !expression.endsWith("}") || expression.indexOf("${", 2) >= 0) {
            return null;
        }
        return expression.substring(2, expression.length() - 1);
    }
}

package dev.rehearsal.maven;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.api.Setting;
import dev.rehearsal.api.SettingNames;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.check.Policy;
import dev.rehearsal.flyway.FlywaySettings;
import dev.rehearsal.liquibase.LiquibaseSettings;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ParameterNamesTest {
    private static final Pattern PARAMETER = Pattern.compile("<(\\w+)>");

    @Test
    void everySettingAMessageCanNameIsAParameterOfTheMigrateGoal() throws Exception {
        Set<String> parameters = parametersOf("migrate");
        List<String> missing = new ArrayList<>();
        List<java.lang.reflect.Field> fields = new ArrayList<>(List.of(Setting.class.getFields()));
        fields.addAll(List.of(FlywaySettings.class.getFields()));
        fields.addAll(List.of(Policy.class.getFields()));
        for (java.lang.reflect.Field field : fields) {
            if (field.getType() != Setting.class) {
                continue;
            }
            Setting setting = (Setting) field.get(null);
            Matcher named = PARAMETER.matcher(SettingNames.using(ParameterNames.INSTANCE, setting::spelled));
            while (named.find()) {
                if (!parameters.contains(named.group(1))) {
                    missing.add(setting.name() + " -> " + named.group(1));
                }
            }
        }
        assertThat(parameters).contains("url", "lockTimeout", "branchOptions", "rowsUnderLock", "deleteFraction");
        assertThat(missing).isEmpty();
    }

    @Test
    void everyLiquibaseSettingIsAParameterByLiquibaseMavenPluginsName() throws Exception {
        Set<String> parameters = parametersOf("migrate");
        List<String> named = new ArrayList<>();
        for (java.lang.reflect.Field field : LiquibaseSettings.class.getFields()) {
            if (field.getType() == Setting.class) {
                Setting setting = (Setting) field.get(null);
                Matcher parameter = PARAMETER.matcher(SettingNames.using(ParameterNames.INSTANCE, setting::spelled));
                assertThat(parameter.find()).as(setting.name()).isTrue();
                named.add(parameter.group(1));
            }
        }
        assertThat(named).contains("changeLogFile", "propertyFile", "searchPath", "contexts", "labels",
                "databaseChangeLogTableName");
        assertThat(parameters).containsAll(named);
    }

    @Test
    void settingsAreWrittenAsPluginConfiguration() {
        assertThat(SettingNames.using(ParameterNames.INSTANCE, () -> Setting.LOCK_TIMEOUT.spelled("1h")))
                .isEqualTo("<lockTimeout>1h</lockTimeout>");
        assertThat(SettingNames.using(ParameterNames.INSTANCE, () -> Setting.LOCK_TIMEOUT.spelled()))
                .isEqualTo("<lockTimeout> (-Drehearsal.lockTimeout=...)");
        assertThat(SettingNames.using(ParameterNames.INSTANCE, () -> FlywaySettings.IGNORE_MIGRATION_PATTERNS
                .spelled("*:missing"))).isEqualTo("<ignoreMigrationPatterns>*:missing</ignoreMigrationPatterns>");
        assertThat(SettingNames.using(ParameterNames.INSTANCE, () -> SnapshotCopyBranchProvider.PG_DUMP.spelled("/opt/pg_dump")))
                .isEqualTo("<branchOptions><pg-dump>/opt/pg_dump</pg-dump></branchOptions>");
    }

    /** The goal's parameters, from the plugin descriptor the build generated. */
    private static Set<String> parametersOf(String goal) throws Exception {
        Set<String> names = new HashSet<>();
        try (InputStream descriptor = ParameterNamesTest.class.getResourceAsStream("/META-INF/maven/plugin.xml")) {
            assertThat(descriptor).as("the plugin descriptor (built in process-classes)").isNotNull();
            NodeList mojos = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(descriptor)
                    .getElementsByTagName("mojo");
            for (int i = 0; i < mojos.getLength(); i++) {
                Element mojo = (Element) mojos.item(i);
                if (goal.equals(mojo.getElementsByTagName("goal").item(0).getTextContent())) {
                    NodeList parameters = ((Element) mojo.getElementsByTagName("parameters").item(0))
                            .getElementsByTagName("name");
                    for (int j = 0; j < parameters.getLength(); j++) {
                        names.add(parameters.item(j).getTextContent());
                    }
                }
            }
        }
        return names;
    }
}

package dev.rehearsal.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes;

/** The Hibernate settings the check of the entities is given, as Boot gives them to Hibernate. */
class RehearsedEntitiesTest {
    @Test
    void givesBootsPhysicalNamingStrategyWhenTheApplicationNamesNone() {
        assertThat(settings(Map.of("spring.jpa.properties.hibernate.default_schema", "shop")))
                .containsEntry("hibernate.default_schema", "shop")
                .containsEntry(RehearsedEntities.PHYSICAL_NAMING, RehearsedEntities.BOOT_PHYSICAL_NAMING);
    }

    @Test
    void givesTheApplicationsNamingStrategyAsBootDoes() {
        // Boot's property wins over spring.jpa.properties, which wins over Boot's default
        assertThat(settings(Map.of("spring.jpa.properties.hibernate.physical_naming_strategy", "com.example.Own")))
                .containsEntry(RehearsedEntities.PHYSICAL_NAMING, "com.example.Own");
        assertThat(settings(Map.of("spring.jpa.properties.hibernate.physical_naming_strategy", "com.example.Own",
                "spring.jpa.hibernate.naming.physical-strategy", "com.example.Boots",
                "spring.jpa.hibernate.naming.implicit-strategy", "com.example.Implicit")))
                .containsEntry(RehearsedEntities.PHYSICAL_NAMING, "com.example.Boots")
                .containsEntry(RehearsedEntities.IMPLICIT_NAMING, "com.example.Implicit");
    }

    @Test
    void leavesTheEntitiesToHibernateWhereItMakesTheSchemaItself() {
        for (String makes : List.of("spring.jpa.hibernate.ddl-auto=update", "spring.jpa.generate-ddl=true",
                "spring.jpa.properties.hibernate.hbm2ddl.auto=create-drop",
                "spring.jpa.properties.jakarta.persistence.schema-generation.database.action=create")) {
            String[] property = makes.split("=");
            assertThatCode(() -> customize(Map.of(property[0], property[1]))).as(makes).doesNotThrowAnyException();
        }
        // otherwise the entity is checked, and this one is no class of the application's
        assertThatThrownBy(() -> customize(Map.of("spring.jpa.hibernate.ddl-auto", "validate")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("com.example.Gone");
    }

    @Test
    void declaresNoCheckOfTheEntitiesWithoutHibernate() {
        // this class path has Spring's JPA support but no Hibernate
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RehearsalAutoConfiguration.class))
                .run(context -> assertThat(context).hasSingleBean(StartupRehearsal.class)
                        .doesNotHaveBean(RehearsedEntities.class));
    }

    private static Map<String, Object> settings(Map<String, Object> properties) {
        return entities(properties).hibernateSettings();
    }

    /** The customizer of an application whose JPA manages one class, com.example.Gone, which it does not have. */
    private static void customize(Map<String, Object> properties) {
        entities(properties).customize(Rehearsal.configure());
    }

    private static RehearsedEntities entities(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("persistenceManagedTypes", PersistenceManagedTypes.of("com.example.Gone"));
        return new RehearsedEntities(beans.getBeanProvider(PersistenceManagedTypes.class), beans, environment,
                RehearsedEntitiesTest.class.getClassLoader());
    }
}

package dev.rehearsal.spring;

import static org.assertj.core.api.Assertions.assertThat;

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
    void declaresNoCheckOfTheEntitiesWithoutHibernate() {
        // this class path has Spring's JPA support but no Hibernate
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RehearsalAutoConfiguration.class))
                .run(context -> assertThat(context).hasSingleBean(StartupRehearsal.class)
                        .doesNotHaveBean(RehearsedEntities.class));
    }

    private static Map<String, Object> settings(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        return new RehearsedEntities(beans.getBeanProvider(PersistenceManagedTypes.class), beans, environment,
                RehearsedEntitiesTest.class.getClassLoader()).hibernateSettings();
    }
}

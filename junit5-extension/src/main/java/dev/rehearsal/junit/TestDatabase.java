package dev.rehearsal.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field to receive the test's database from {@link MigratedDatabase}, or a {@code String} parameter or field
 * to receive its JDBC URL (parameters of type {@code DataSource}, {@code Connection} and {@code DatabaseLocation}
 * need no annotation). Supported field types: {@code javax.sql.DataSource}, {@code java.sql.Connection} (opened for
 * the test, closed after it), {@code dev.rehearsal.api.DatabaseLocation} and {@code String} (the JDBC URL). With
 * {@link Isolation#PER_CLASS}, a static field receives the class's database before its tests are instantiated (e.g.
 * for Spring's {@code @DynamicPropertySource}), in JUnit's default lifecycle: with
 * {@code @TestInstance(Lifecycle.PER_CLASS)} the instance comes first. Static fields cannot be Connections.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
public @interface TestDatabase {
}

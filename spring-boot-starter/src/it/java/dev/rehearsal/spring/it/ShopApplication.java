package dev.rehearsal.spring.it;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * The application under test: nothing but Boot's auto-configuration and the starter, as a user's would be, on
 * whichever Boot generation the module runs. Its migrations are chosen per scenario by Boot's own properties.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ShopApplication {
    /**
     * With {@code shop.wrap-data-source=true}, the application's DataSource is Boot's pool wrapped the way
     * applications wrap it for transaction awareness: Boot hands that wrapper to Flyway and Liquibase.
     */
    @Bean
    @ConditionalOnProperty("shop.wrap-data-source")
    DataSource dataSource(Environment environment) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(environment.getRequiredProperty("spring.datasource.url"));
        pool.setUsername(environment.getRequiredProperty("spring.datasource.username"));
        return new TransactionAwareDataSourceProxy(pool);
    }
}

package dev.rehearsal.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.SettingNames;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.jdbc.datasource.UserCredentialsDataSourceAdapter;

/** The DataSource an application wraps is read through to the pool it wraps, without a connection. */
class WrappedDataSourceTest {
    private final DriverManagerDataSource pool = new DriverManagerDataSource(
            "jdbc:postgresql://db.example:5432/shop", "app", "secret");

    @Test
    void readsThroughATransactionAwareProxy() {
        DatabaseLocation location = DatabaseLocation.of(new TransactionAwareDataSourceProxy(pool));

        assertThat(location.database()).isEqualTo("shop");
        assertThat(location.user()).isEqualTo("app");
        assertThat(location.hasPassword()).isTrue();
    }

    @Test
    void readsThroughWrappersOfWrappers() {
        DatabaseLocation location = DatabaseLocation.of(new LazyConnectionDataSourceProxy(
                new DelegatingDataSource(new TransactionAwareDataSourceProxy(pool))));

        assertThat(location.hosts()).contains("db.example");
        assertThat(location.user()).isEqualTo("app");
    }

    @Test
    void refusesAWrapperThatLogsInWithCredentialsOfItsOwnNamingTheSpringProperties() {
        UserCredentialsDataSourceAdapter adapter = new UserCredentialsDataSourceAdapter();
        adapter.setTargetDataSource(pool);
        adapter.setUsername("migrator");

        assertThatThrownBy(() -> SettingNames.using(SpringSettingNames.INSTANCE,
                () -> DatabaseLocation.of(adapter)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(UserCredentialsDataSourceAdapter.class.getName())
                .hasMessageContaining("credentials of its own")
                .hasMessageContaining("spring.datasource.url")
                .hasMessageNotContaining("secret");
    }
}

package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.ErrorCode;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

class DatabaseLocationTest {
    private static final String SECRET = "S3cret-p4ss";

    @Test
    void parsesHostPortDatabaseAndConnectionParameters() {
        DatabaseLocation location = DatabaseLocation.of(
                "jdbc:postgresql://db.example.com:6543/shop?sslmode=require&connectTimeout=7", "app", null);

        assertThat(location.hosts()).isEqualTo("db.example.com");
        assertThat(location.database()).isEqualTo("shop");
        assertThat(location.user()).isEqualTo("app");
        assertThat(location.hasPassword()).isFalse();
        assertThat(location.redactedUrl())
                .isEqualTo("jdbc:postgresql://db.example.com:6543/shop?connectTimeout=7&sslmode=require");
    }

    @Test
    void rendersTheParametersInAStableSortedOrder() {
        DatabaseLocation location = DatabaseLocation.of("jdbc:postgresql://db/shop?tcpKeepAlive=true&sslmode=require"
                + "&loginTimeout=3&connectTimeout=7&ApplicationName=shop-api&options=-c%20search_path%3Dapp", null, null);

        assertThat(location.redactedUrl()).isEqualTo("jdbc:postgresql://db:5432/shop?ApplicationName=shop-api"
                + "&connectTimeout=7&loginTimeout=3&options=-c+search_path%3Dapp&sslmode=require&tcpKeepAlive=true");
    }

    @Test
    void leavesOutParametersThatOnlyRestatePgjdbcDefaults() {
        PGSimpleDataSource configured = new PGSimpleDataSource();
        configured.setURL("jdbc:postgresql://db/shop?sslmode=require&ApplicationName=shop-api");

        assertThat(configured.getURL()).contains("tcpNoDelay=true", "prepareThreshold=5");
        assertThat(DatabaseLocation.of(configured.getURL(), null, null).redactedUrl())
                .isEqualTo("jdbc:postgresql://db:5432/shop?ApplicationName=shop-api&sslmode=require");
        assertThat(DatabaseLocation.of("jdbc:postgresql://db/shop?prepareThreshold=5&tcpNoDelay=true", null, null)
                .redactedUrl()).isEqualTo("jdbc:postgresql://db:5432/shop");
    }

    @Test
    void fillsInPostgresDefaultsForMissingHostAndPort() {
        assertThat(DatabaseLocation.of("jdbc:postgresql://db/shop", null, null).redactedUrl())
                .isEqualTo("jdbc:postgresql://db:5432/shop");
        assertThat(DatabaseLocation.of("jdbc:postgresql:shop", null, null).redactedUrl())
                .isEqualTo("jdbc:postgresql://localhost:5432/shop");
    }

    @Test
    void keepsEveryHostOfAMultiHostUrl() {
        DatabaseLocation location = DatabaseLocation.of(
                "jdbc:postgresql://db1:5432,db2:5433,db3/shop?targetServerType=primary", "app", SECRET);

        assertThat(location.hosts()).isEqualTo("db1,db2,db3");
        assertThat(location.redactedUrl())
                .isEqualTo("jdbc:postgresql://db1:5432,db2:5433,db3:5432/shop?targetServerType=primary");
    }

    @Test
    void withDatabaseKeepsServerParametersAndCredentials() throws SQLException {
        DatabaseLocation target = DatabaseLocation.of("jdbc:postgresql://db1:5432,db2:5433/shop?sslmode=require",
                "app", SECRET);

        DatabaseLocation branch = target.withDatabase("rehearsal_shop_20261123T215301_k3f9qa");

        assertThat(branch.database()).isEqualTo("rehearsal_shop_20261123T215301_k3f9qa");
        assertThat(branch.redactedUrl()).isEqualTo(
                "jdbc:postgresql://db1:5432,db2:5433/rehearsal_shop_20261123T215301_k3f9qa?sslmode=require");
        assertThat(branch.user()).isEqualTo("app");
        assertThat(passwordOf(branch)).isEqualTo(SECRET);
        assertThat(branch.withDatabase("shop")).isEqualTo(target);
        assertThat(target.database()).isEqualTo("shop");
    }

    @Test
    void encodesADatabaseNameWithQuotesSpacesAndSemicolonsSoThatItParsesBack() {
        DatabaseLocation hostile = DatabaseLocation.of("jdbc:postgresql://db/shop", null, null)
                .withDatabase("Shop \"Prod\"; DROP");

        assertThat(hostile.redactedUrl()).isEqualTo("jdbc:postgresql://db:5432/Shop+%22Prod%22%3B+DROP");
        assertThat(DatabaseLocation.of(hostile.redactedUrl(), null, null).database()).isEqualTo("Shop \"Prod\"; DROP");
    }

    @Test
    void userAndPasswordArgumentsWinOverTheUrl() throws SQLException {
        String url = "jdbc:postgresql://db/shop?user=url_user&password=url-password";

        DatabaseLocation location = DatabaseLocation.of(url, "app", SECRET);

        assertThat(location.user()).isEqualTo("app");
        assertThat(passwordOf(location)).isEqualTo(SECRET);
        assertThat(location).isEqualTo(DatabaseLocation.of("jdbc:postgresql://db/shop", "app", SECRET));
    }

    @Test
    void takesUserAndPasswordFromTheUrlWhenNotGiven() throws SQLException {
        DatabaseLocation location = DatabaseLocation.of("jdbc:postgresql://db/shop?user=app&password=" + SECRET,
                null, null);

        assertThat(location.user()).isEqualTo("app");
        assertThat(location.hasPassword()).isTrue();
        assertThat(passwordOf(location)).isEqualTo(SECRET);
    }

    @Test
    void neverRendersThePasswordGivenAsAnArgument() {
        DatabaseLocation location = DatabaseLocation.of("jdbc:postgresql://db/shop", "app", SECRET);

        assertThat(location.redactedUrl()).doesNotContain(SECRET).doesNotContain("password");
        assertThat(location.toString()).doesNotContain(SECRET).isEqualTo("jdbc:postgresql://db:5432/shop (user app)");
        assertThat(location.withDatabase("other").toString()).doesNotContain(SECRET);
    }

    @Test
    void neverRendersThePasswordOrSslPasswordGivenInTheUrl() {
        DatabaseLocation location = DatabaseLocation.of("jdbc:postgresql://db/shop?sslmode=verify-full&password="
                + SECRET + "&sslpassword=key-" + SECRET + "&user=app", null, null);

        assertThat(location.redactedUrl()).isEqualTo("jdbc:postgresql://db:5432/shop?sslmode=verify-full");
        assertThat(location.toString()).doesNotContain(SECRET).doesNotContain("password");
    }

    @Test
    void neverRendersAPasswordParameterSpelledInAnotherCaseOrPercentEncoded() {
        DatabaseLocation location = DatabaseLocation.of("jdbc:postgresql://db/shop?PASSWORD=" + SECRET
                + "&pass%77ord=" + SECRET + "&SslPassword=" + SECRET + "&sslmode=require", null, null);

        assertThat(location.redactedUrl()).isEqualTo("jdbc:postgresql://db:5432/shop?sslmode=require");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://db/shop?password=" + SECRET,
            "jdbc:postgresql://db/shop?sslmode=require&PassWord=" + SECRET,
            "jdbc:postgresql://db/shop?%70assword=" + SECRET,
            "jdbc:postgresql://db/shop?user=app&&password",
            "jdbc:postgresql://db/shop? password =" + SECRET})
    void findsAPasswordParameterInAnyCaseAndEncoding(String url) {
        assertThat(DatabaseLocation.credentialsIn(url)).containsExactly("the password parameter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://app:" + SECRET + "@db:5432/shop",
            "jdbc:postgresql://app:" + SECRET + "@db/shop",
            "jdbc:postgresql://db1:5432,app:" + SECRET + "@db2:5433/shop",
            "jdbc:postgresql://app:with/slash@db:5432/shop?sslmode=require"})
    void findsAUserAndPasswordBeforeTheHost(String url) {
        assertThat(DatabaseLocation.credentialsIn(url)).containsExactly("user:password@ before the host");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://db/shop", "jdbc:postgresql://db/shop?user=app&sslmode=require",
            "jdbc:postgresql://db1:5432,db2:5433/shop?passwordless=true", "jdbc:postgresql:shop",
            "jdbc:postgresql://app@db:5432/shop", "jdbc:postgresql://db1:5432,app@db2/shop",
            "jdbc:postgresql://db/sh@p"})
    void findsNoCredentialsWhereThereAreNone(String url) {
        assertThat(DatabaseLocation.credentialsIn(url)).isEmpty();
    }

    @Test
    void findsEveryKindOfCredentialOnceEach() {
        assertThat(DatabaseLocation.credentialsIn("jdbc:postgresql://app:x@db/shop?password=y&sslpassword=z"
                + "&PASSWORD=w")).containsExactly("user:password@ before the host", "the password parameter",
                "the sslpassword parameter");
        assertThat(DatabaseLocation.credentialsIn(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://alice:" + SECRET + "@db:5432/shop",
            "jdbc:postgresql://alice:" + SECRET + "/x@db:5432/shop", "jdbc:postgresql://alice@db:5432/shop"})
    void aUserBeforeTheHostIsRefusedWithoutEchoingIt(String url) {
        assertThatThrownBy(() -> DatabaseLocation.of(url, null, null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has a user (or user:password) before its host, which PostgreSQL's JDBC "
                        + "driver does not read")
                .hasMessageNotContaining(SECRET).hasMessageNotContaining("alice");
    }

    @Test
    void redactMasksPasswordParametersInAnyCase() {
        assertThat(DatabaseLocation.redact("jdbc:postgresql://db/shop?user=app&password=" + SECRET + "&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/shop?user=app&password=***&ssl=true");
        assertThat(DatabaseLocation.redact("url jdbc:postgresql://db/shop?PASSWORD=" + SECRET + " failed"))
                .isEqualTo("url jdbc:postgresql://db/shop?PASSWORD=*** failed");
        assertThat(DatabaseLocation.redact("jdbc:postgresql://db/shop?sslpassword=" + SECRET))
                .isEqualTo("jdbc:postgresql://db/shop?sslpassword=***");
        assertThat(DatabaseLocation.redact(null)).isNull();
    }

    @Test
    void redactMasksThePasswordOfUserInfo() {
        assertThat(DatabaseLocation.redact("postgresql://app:" + SECRET + "@db:5432/shop"))
                .isEqualTo("postgresql://app:***@db:5432/shop");
    }

    @Test
    void redactMasksPasswordsThatContainAtSignsOrSemicolons() {
        assertThat(DatabaseLocation.redact("postgresql://app:p@ss@word@db:5432/shop"))
                .isEqualTo("postgresql://app:***@db:5432/shop");
        assertThat(DatabaseLocation.redact("jdbc:postgresql://db/shop?password=a;b;c&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/shop?password=***&ssl=true");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void missingUrlIsAConfigurationErrorShowingAValidUrl(String url) {
        assertThatThrownBy(() -> DatabaseLocation.of(url, "app", SECRET))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("URL is missing")
                .hasMessageContaining("jdbc:postgresql://localhost:5432/mydb");
    }

    @Test
    void nonPostgresUrlIsAConfigurationErrorThatSaysPostgresOnlyWithoutThePassword() {
        assertThatThrownBy(() -> DatabaseLocation.of("jdbc:mysql://db/shop?password=" + SECRET, "app", null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is not a PostgreSQL JDBC URL")
                .hasMessageContaining("give a URL like jdbc:postgresql://localhost:5432/mydb")
                .hasMessageNotContaining(SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://db:5432/", "jdbc:postgresql://db:5432/?sslmode=require"})
    void urlWithoutADatabaseIsAConfigurationErrorThatSaysWhereToAddIt(String url) {
        assertThatThrownBy(() -> DatabaseLocation.of(url, "app", null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("names no database")
                .hasMessageContaining("add it after the host, e.g. jdbc:postgresql://localhost:5432/mydb");
    }

    @Test
    void unparseableUrlIsAConfigurationErrorShowingTheExpectedFormWithoutThePassword() {
        assertThatThrownBy(() -> DatabaseLocation.of("jdbc:postgresql://db:port/shop?password=" + SECRET, null, null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("could not be parsed")
                .hasMessageContaining("jdbc:postgresql://host:port/database?param=value")
                .hasMessageNotContaining(SECRET);
    }

    private static String passwordOf(DatabaseLocation location) throws SQLException {
        return location.dataSource("test").unwrap(PGSimpleDataSource.class).getPassword();
    }
}

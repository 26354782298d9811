package dev.rehearsal.branch.neon;

import dev.rehearsal.api.DatabaseLocation;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Turns the {@code postgresql://role:password@host/database?sslmode=require&channel_binding=require} URIs that Neon
 * hands out into {@link DatabaseLocation}s, whose text never shows the password. Messages never quote the URI.
 */
final class ConnectionUris {
    /**
     * libpq's names of the parameters Neon's URIs carry, or may, whose pgjdbc name differs; the others (e.g.
     * {@code sslmode}, {@code options}, {@code sslrootcert}) are spelled alike.
     */
    private static final Map<String, String> PGJDBC_NAMES = Map.of(
            "channel_binding", "channelBinding",
            "sslnegotiation", "sslNegotiation",
            "application_name", "ApplicationName",
            "connect_timeout", "connectTimeout");
    /** Credentials belong to the location's user and password, never to its URL, which is shown. */
    private static final Set<String> CREDENTIALS = Set.of("user", "password", "sslpassword");

    private ConnectionUris() {
    }

    /**
     * The location of a connection URI, with every parameter of the URI kept under pgjdbc's name for it:
     * {@code channel_binding=require} (which Neon adds, so that the server's certificate is bound to the SCRAM
     * exchange) becomes {@code channelBinding=require}, {@code sslmode} stays as it is.
     */
    static DatabaseLocation toLocation(String connectionUri) {
        URI uri;
        try {
            uri = new URI(connectionUri);
        } catch (URISyntaxException | NullPointerException e) {
            throw invalid();
        }
        String scheme = uri.getScheme();
        String path = uri.getRawPath();
        if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres")) || uri.getHost() == null
                || path == null || path.length() < 2) {
            throw invalid();
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() > 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append('/').append(URLEncoder.encode(decode(path.substring(1)), StandardCharsets.UTF_8));
        String query = uri.getRawQuery();
        char separator = '?';
        if (query != null) {
            for (String parameter : query.split("&")) {
                int equals = parameter.indexOf('=');
                String name = decode(equals < 0 ? parameter : parameter.substring(0, equals));
                String value = equals < 0 ? "" : decode(parameter.substring(equals + 1));
                if (name.isEmpty() || CREDENTIALS.contains(name)) {
                    continue;
                }
                jdbc.append(separator).append(URLEncoder.encode(PGJDBC_NAMES.getOrDefault(name, name),
                        StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
                separator = '&';
            }
        }
        return DatabaseLocation.of(jdbc.toString(), user, password);
    }

    /** Percent-decoding as in URIs, where '+' is a plus (URLDecoder alone would make it a space). */
    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static NeonApiException invalid() {
        return new NeonApiException("Neon returned a connection URI that is not of the form "
                + "postgresql://role:password@host/database: check the API base URL", 0, null, null);
    }
}

package dev.rehearsal.branch.neon;

import dev.rehearsal.api.DatabaseLocation;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Turns the {@code postgresql://role:password@host/database?sslmode=require} URIs that Neon hands out into
 * {@link DatabaseLocation}s, whose text never shows the password. Messages never quote the URI.
 */
final class ConnectionUris {
    private ConnectionUris() {
    }

    /**
     * The location of a connection URI. Of its parameters only {@code sslmode} is kept: pgjdbc names the others
     * differently, and Neon's defaults (TLS required) are what matters.
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
        if (query != null) {
            for (String parameter : query.split("&")) {
                if (parameter.startsWith("sslmode=")) {
                    jdbc.append("?sslmode=").append(parameter.substring("sslmode=".length()));
                }
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

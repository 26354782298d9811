package dev.rehearsal.branch.neon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few calls of the Neon API (v2) that {@link NeonBranchProvider} makes, with Neon's rules for retrying and
 * waiting: 429 (rate limit, honouring {@code Retry-After}), 423 (the project is busy with another operation), 422
 * saying the branch is not ready (it still has operations in progress) and 503 are retried for every method, since
 * Neon did nothing; other 5xx only for methods that are safe to repeat, since a POST that Neon may have carried out
 * must not make a second branch. Other 422s (a request Neon will never accept) are not retried. Operations that a
 * call starts are polled until they end: {@code scheduling}, {@code running} and {@code cancelling} are polled on,
 * {@code finished} and {@code skipped} (nothing was left to do) are done, {@code failed}, {@code error} and
 * {@code cancelled} are errors.
 *
 * <p>The API key goes into the {@code Authorization} header and nowhere else: no log line, message or
 * {@code toString} contains it, and text from the API is scrubbed of it before it is shown.
 */
final class NeonApi {
    private static final Logger LOG = LoggerFactory.getLogger(NeonBranchProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FINISHED = Set.of("finished", "skipped");
    /** Neon's terminal failures; {@code cancelling} is not one: the operation may still be working. */
    private static final Set<String> FAILED = Set.of("failed", "error", "cancelled");
    /** A 422 that only says "not yet": the branch still has operations in progress. */
    private static final Pattern NOT_READY = Pattern.compile("(?i)not ready|in progress");
    private static final Duration MAX_POLL_PAUSE = Duration.ofSeconds(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final String projectId;
    private final String apiKey;
    private final String keySource;
    private final int maxRetries;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Duration requestTimeout;
    private final Duration operationTimeout;

    NeonApi(URI base, String projectId, String apiKey, String keySource, int maxRetries, Duration firstBackoff,
            Duration maxBackoff, Duration requestTimeout, Duration operationTimeout) {
        this.base = base;
        this.projectId = projectId;
        this.apiKey = apiKey;
        this.keySource = keySource;
        this.maxRetries = maxRetries;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.requestTimeout = requestTimeout;
        this.operationTimeout = operationTimeout;
    }

    String projectId() {
        return projectId;
    }

    /** {@code /projects/{project_id}} followed by {@code suffix}. */
    String project(String suffix) {
        return "/projects/" + projectId + suffix;
    }

    static String query(Map<String, String> parameters) {
        StringJoiner query = new StringJoiner("&", "?", "");
        parameters.forEach((key, value) -> query.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return query.toString();
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    JsonNode patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /**
     * Waits for every operation listed in {@code response} to finish: the branch (or its compute) is not usable
     * before.
     *
     * @param what what the operations work on, for messages, e.g. {@code "branch rehearsal-run-..."}
     */
    void awaitOperations(JsonNode response, String what) {
        for (JsonNode operation : response.path("operations")) {
            if (!FINISHED.contains(operation.path("status").asText())) {
                await(operation.path("id").asText(), operation.path("action").asText("operation"), what);
            }
        }
    }

    private void await(String id, String action, String what) {
        long deadline = System.nanoTime() + operationTimeout.toNanos();
        Duration pause = firstBackoff.compareTo(MAX_POLL_PAUSE) < 0 ? firstBackoff : MAX_POLL_PAUSE;
        while (true) {
            JsonNode operation = get(project("/operations/" + id)).path("operation");
            String status = operation.path("status").asText();
            if (FINISHED.contains(status)) {
                LOG.debug("Neon operation {} ({}) for {} finished", action, id, what);
                return;
            }
            if (FAILED.contains(status)) {
                String error = operation.path("error").asText("");
                throw new NeonApiException("Neon operation " + action + " (" + id + ") for " + what + " ended '"
                        + status + "'" + (error.isEmpty() ? "" : ": " + scrub(error)) + ". See the project's "
                        + "operations in the Neon Console; nothing was changed by Rehearsal beyond this operation",
                        0, null, null);
            }
            if (System.nanoTime() > deadline) {
                throw new NeonApiException("Neon operation " + action + " (" + id + ") for " + what + " is still '"
                        + status + "' after " + operationTimeout.toSeconds() + " s: allow it longer with "
                        + NeonBranchProvider.OPERATION_TIMEOUT.spelled() + ", or look for it in the Neon Console",
                        0, null, null);
            }
            sleep(pause);
            pause = pause.multipliedBy(2).compareTo(MAX_POLL_PAUSE) > 0 ? MAX_POLL_PAUSE : pause.multipliedBy(2);
        }
    }

    private JsonNode send(String method, String path, Object body) {
        HttpRequest request = request(method, path, body);
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                if (attempt <= maxRetries && !"POST".equals(method)) {
                    Duration wait = backoff(attempt);
                    LOG.info("Neon API unreachable for {} {} ({}); retrying in {} ms (attempt {} of {})", method,
                            path, e.getClass().getSimpleName(), wait.toMillis(), attempt + 1, maxRetries + 1);
                    sleep(wait);
                    continue;
                }
                throw new NeonApiException("Cannot reach the Neon API at " + base + " for " + method + " " + path
                        + ": " + scrub(String.valueOf(e.getMessage())) + ". Check the network and the API base URL",
                        0, null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NeonApiException("Interrupted while calling the Neon API (" + method + " " + path + ")",
                        0, null, e);
            }
            int status = response.statusCode();
            LOG.debug("Neon API {} {} -> {}", method, path, status);
            if (status < 300) {
                return parse(response.body());
            }
            if ((retryable(status, method) || notReady(status, response.body())) && attempt <= maxRetries) {
                Duration wait = status == 429 ? retryAfter(response).orElse(backoff(attempt)) : backoff(attempt);
                LOG.info("Neon API answered HTTP {} to {} {}; retrying in {} ms (attempt {} of {})", status, method,
                        path, wait.toMillis(), attempt + 1, maxRetries + 1);
                sleep(wait);
                continue;
            }
            throw refusal(method, path, status, response.body(), attempt, System.nanoTime() - start);
        }
    }

    private HttpRequest request(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + apiKey);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            try {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write a Neon API request body", e);
            }
        }
        return request.build();
    }

    private static boolean retryable(int status, String method) {
        if (status == 429 || status == 423 || status == 503) {
            return true;
        }
        return status >= 500 && !"POST".equals(method);
    }

    /** A 422 whose message says the branch is not ready yet: Neon did nothing, and will once its operations end. */
    private static boolean notReady(int status, String body) {
        return status == 422 && NOT_READY.matcher(parseQuietly(body).path("message").asText("")).find();
    }

    /** Exponential: first, 2 x first, 4 x first, ... up to the maximum. */
    private Duration backoff(int attempt) {
        Duration wait = firstBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }

    /** {@code Retry-After} in seconds or as an HTTP date, never longer than the maximum backoff. */
    private Optional<Duration> retryAfter(HttpResponse<String> response) {
        return response.headers().firstValue("Retry-After").map(String::strip).flatMap(value -> {
            Duration wait;
            try {
                wait = Duration.ofSeconds(Long.parseLong(value));
            } catch (NumberFormatException notSeconds) {
                try {
                    wait = Duration.between(ZonedDateTime.now(),
                            ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                } catch (DateTimeParseException notADate) {
                    return Optional.empty();
                }
            }
            if (wait.isNegative()) {
                wait = Duration.ZERO;
            }
            return Optional.of(wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait);
        });
    }

    private NeonApiException refusal(String method, String path, int status, String body, int attempts,
                                     long nanos) {
        JsonNode error = parseQuietly(body);
        String code = error.path("code").asText(null);
        String message = error.path("message").asText(null);
        if (message == null || message.isBlank()) {
            message = body == null || body.isBlank() ? "(no message)" : abbreviate(body.strip());
        }
        message = scrub(message);
        if (status == 401 || status == 403) {
            return new NeonApiException("The Neon API refused the API key from " + keySource + " (HTTP " + status
                    + " to " + method + " " + path + ": " + message + "): the key is missing, invalid or revoked, "
                    + "or has no access to project '" + projectId + "'. Create an API key in the Neon Console "
                    + "(Account settings > API keys, or your organization's settings) and set it in the environment "
                    + "variable " + NeonBranchProvider.DEFAULT_API_KEY_VARIABLE + " (or the variable named with "
                    + NeonBranchProvider.API_KEY_VARIABLE.spelled() + ")", status, code, null);
        }
        String retried = attempts > 1 ? " after " + attempts + " attempts over " + nanos / 1_000_000 + " ms" : "";
        String hint = status == 429 || status == 423 || status >= 500 || notReady(status, body)
                ? ". Neon is busy or unavailable: try again later, or allow more retries with "
                + NeonBranchProvider.MAX_RETRIES.spelled()
                : status == 404 ? ". Check the project id ('" + projectId + "') and the branch, and the API base URL"
                : "";
        return new NeonApiException("The Neon API refused " + method + " " + path + " (HTTP " + status
                + (code == null || code.isBlank() ? "" : ", " + code) + retried + "): " + message + hint, status,
                code, null);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new NeonApiException("The Neon API answered with something that is not JSON: check the API base "
                    + "URL", 0, null, null);
        }
    }

    private static JsonNode parseQuietly(String body) {
        try {
            return body == null || body.isBlank() ? MissingNode.getInstance() : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** Text from the API or the network, without the API key should it contain it. */
    String scrub(String text) {
        return apiKey.isEmpty() ? text : text.replace(apiKey, "***");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NeonApiException("Interrupted while waiting for the Neon API", 0, null, e);
        }
    }

    @Override
    public String toString() {
        return "Neon API " + base + " (project " + projectId + ", key from " + keySource + ")";
    }
}

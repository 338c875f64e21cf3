package io.sngw.deploy;

import io.sngw.deploy.http.Json;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The running gateway as the CLI reaches it: its HTTP endpoint on this machine. Where it is comes from {@code --url},
 * or from the {@code http} keys of {@code --config FILE} (by default the installed {@code /etc/sngw/sngw.yaml} when
 * there is one, else the defaults: http://127.0.0.1:9884).
 */
final class GatewayEndpoint {
    static final Path INSTALLED_CONFIG = Path.of("/etc/sngw/sngw.yaml");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * What a request brought back, or why nothing did: exactly one of body and problem is set; {@code status} is the
     * HTTP status, 0 when no gateway answered at all.
     */
    record Answer(String body, String problem, int exitCode, int status) {
        static Answer of(String body) {
            return new Answer(body, null, 0, 200);
        }

        static Answer failed(String problem, int exitCode) {
            return new Answer(null, problem, exitCode, 0);
        }
    }

    private GatewayEndpoint() {
    }

    /**
     * The endpoint's base URL, e.g. http://127.0.0.1:9884; null after printing why there is none (a bad
     * configuration: exit {@link Main#EXIT_BAD_CONFIG}, or the endpoint turned off).
     */
    static String baseUrl(String url, Path config, PrintWriter err) {
        if (url != null) {
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        Path file = config != null ? config : Files.isReadable(INSTALLED_CONFIG) ? INSTALLED_CONFIG : null;
        GatewayConfig cfg = Main.loadConfig(file, err);
        if (cfg == null) {
            return null;
        }
        String base = baseUrl(cfg);
        if (base == null) {
            err.println("sngw: http.enabled is false" + (file == null ? "" : " in " + file)
                    + ": the gateway serves no endpoint to ask; set it to true and restart the gateway");
        }
        return base;
    }

    /** Where the gateway run with {@code cfg} answers on this machine; null when its endpoint is off. */
    static String baseUrl(GatewayConfig cfg) {
        GatewayConfig.HttpSettings http = cfg.http();
        if (!http.enabled()) {
            return null;
        }
        // A gateway listening on every address answers on the loopback one.
        String host = switch (http.bind()) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "[::1]";
            default -> http.bind().indexOf(':') >= 0 ? "[" + http.bind() + "]" : http.bind();
        };
        return "http://" + host + ":" + http.port();
    }

    /** GET {@code base + path}. */
    static Answer get(String base, String path) {
        return send(base, path, HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** POST {@code json} to {@code base + path}, with {@code headers} (name, value, ...). */
    static Answer post(String base, String path, String json, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(base, path, request);
    }

    private static Answer send(String base, String path, HttpRequest.Builder request) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpResponse<String> response;
        try {
            response = client.send(request.timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            return Answer.failed("no gateway answers at " + base + " (is it running? systemctl status sngw; with"
                    + " another http.port, give --config FILE or --url)", 1);
        } catch (HttpTimeoutException e) {
            return Answer.failed("the gateway at " + base + " did not answer within " + TIMEOUT.toSeconds() + " s", 1);
        } catch (IOException | IllegalArgumentException e) {
            return Answer.failed("cannot ask " + base + ": " + e.getMessage(), 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.failed("interrupted", 1);
        }
        if (response.statusCode() != 200) {
            return new Answer(null, "the gateway at " + base + " answered " + response.statusCode() + " to " + path
                    + errorOf(response.body()), 1, response.statusCode());
        }
        return Answer.of(response.body());
    }

    private static String errorOf(String body) {
        try {
            if (Json.parse(body) instanceof Map<?, ?> m && m.get("error") != null) {
                return ": " + m.get("error");
            }
        } catch (IllegalArgumentException notJson) {
            // not ours: say only the status
        }
        return "";
    }
}

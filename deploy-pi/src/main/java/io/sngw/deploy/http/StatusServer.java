package io.sngw.deploy.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sngw.core.linksec.PairingWindows;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The operator's endpoint: {@code /metrics} (Prometheus), {@code /health}, {@code /api/status}, {@code /api/clients}
 * and the status page at {@code /}. The JDK's small HTTP server on one thread of its own: nothing here runs on a
 * session loop, and a slow scrape or a stalled browser delays only the next request, never a sensor. Read-only, but
 * for {@code POST /api/pair} from this machine ({@link #pair}).
 */
public final class StatusServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StatusServer.class.getName());
    /** Sessions {@code /api/clients} lists by default, and at most (its JSON must fit a Pi's heap many times). */
    static final int DEFAULT_CLIENTS = 1000;
    static final int MAX_CLIENTS = 10_000;

    private final HttpServer server;
    private final ExecutorService thread;
    private final GatewayState state;
    /** Made at the first scrape: a gateway nobody scrapes does not load or hold the metrics library (~5 MB RSS). */
    private GatewayMeters meters;
    private final HealthCheck health;
    private final Clock clock;
    private final Instant startedAt;
    /** What a pairing request must carry; null without a store to write it into (pairing then only by button). */
    private PairToken pairToken;

    private StatusServer(HttpServer server, ExecutorService thread, GatewayState state, Duration upstreamDownAfter,
                         Clock clock) {
        this.server = server;
        this.thread = thread;
        this.state = state;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.health = new HealthCheck(state, upstreamDownAfter, clock);
    }

    /**
     * Listens on {@code bind:port} (port 0: any free one) and serves {@code state}.
     *
     * @throws IOException when the address cannot be bound
     */
    public static StatusServer start(String bind, int port, Duration upstreamDownAfter, GatewayState state)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 16);
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sngw-http");
            t.setDaemon(true);
            return t;
        });
        StatusServer s = new StatusServer(server, thread, state, upstreamDownAfter, Clock.systemUTC());
        if (state.storeDir() != null) {
            try {
                s.pairToken = PairToken.create(state.storeDir());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "POST /api/pair is off: cannot write " + state.storeDir().resolve(PairToken.FILE)
                        + " (" + e.getMessage() + "); sngw pair goes through the store");
            }
        }
        server.setExecutor(thread);
        server.createContext("/", s::handle);
        server.start();
        LOG.log(Level.INFO, "HTTP endpoint on {0}: / (status page), /metrics, /health, /api/status, /api/clients",
                s.url());
        return s;
    }

    /** The address listened on (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** e.g. http://127.0.0.1:9884 */
    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/api/pair")) {
                pair(exchange);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "application/json", Json.write(Map.of("error", "read-only: GET only")));
                return;
            }
            try {
                switch (path) {
                    case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                            meters().scrape(report(0)));
                    case "/health" -> {
                        HealthCheck.Result result = health.check();
                        send(exchange, result.healthy() ? 200 : 503, "application/json", Json.write(result.body()));
                    }
                    case "/api/status" -> send(exchange, 200, "application/json", Json.write(report(0).status()));
                    case "/api/clients" -> send(exchange, 200, "application/json",
                            Json.write(report(limit(exchange.getRequestURI().getQuery())).clients()));
                    case "/", "/index.html" -> send(exchange, 200, "text/html; charset=utf-8",
                            StatusPage.render(report(StatusPage.MAX_ROWS)));
                    default -> send(exchange, 404, "application/json",
                            Json.write(Map.of("error", "no such page; try /, /metrics, /health, /api/status, /api/clients")));
                }
            } catch (TimeoutException e) {
                send(exchange, 503, "application/json", Json.write(Map.of("error",
                        "the gateway did not answer within " + StatusReport.WAIT.toSeconds() + " s (overloaded?)")));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "HTTP " + path + " failed: " + e, e);
                send(exchange, 500, "application/json", Json.write(Map.of("error", String.valueOf(e))));
            }
        }
    }

    /**
     * {@code POST /api/pair}, the one request that changes something: only from this machine (the loopback address),
     * only as JSON and never from a web page (a browser sends Origin with a cross-site POST, and cannot send
     * {@code application/json} to another site without a CORS preflight this server never grants), and only with the
     * {@link PairToken} from the store directory, so that only who may read the gateway's store may open a window
     * (as before, through the store itself). A window pairs only radios that know its install code unless
     * {@code pairing.allow-without-install-code} says otherwise.
     */
    private void pair(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
            send(exchange, 405, "application/json", Json.write(Map.of("error", "POST only")));
            return;
        }
        if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()
                || exchange.getRequestHeaders().containsKey("Origin")) {
            send(exchange, 403, "application/json", Json.write(Map.of("error",
                    "pairing windows open only from this machine, not from a browser")));
            return;
        }
        if (pairToken == null || !pairToken.matches(exchange.getRequestHeaders().getFirst(PairToken.HEADER))) {
            send(exchange, 403, "application/json", Json.write(Map.of("error", "a pairing request carries the token in "
                    + (state.storeDir() == null ? "the store directory (this gateway has none)"
                    : state.storeDir().resolve(PairToken.FILE)) + ": only who may read the gateway's store may pair")));
            return;
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            send(exchange, 415, "application/json", Json.write(Map.of("error", "expected application/json")));
            return;
        }
        byte[] body = exchange.getRequestBody().readNBytes(PairRequest.MAX_BODY + 1);
        PairRequest request;
        try {
            if (body.length > PairRequest.MAX_BODY) {
                throw new IllegalArgumentException("a body over " + PairRequest.MAX_BODY + " bytes");
            }
            request = PairRequest.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "application/json", Json.write(Map.of("error", e.getMessage())));
            return;
        }
        PairingWindows windows = state.pairingWindows();
        Path storeDir = state.storeDir();
        if (request.storeDir() != null && (storeDir == null || !storeDir.toString().equals(request.storeDir()))) {
            send(exchange, 409, "application/json", Json.write(Map.of("error", "this gateway's store is "
                    + (storeDir == null ? "none" : storeDir) + ", not " + request.storeDir())));
            return;
        }
        if (windows == null) {
            send(exchange, 503, "application/json", Json.write(Map.of("error", "the gateway is not running")));
            return;
        }
        Map<String, Object> opened = request.openIn(windows);
        LOG.log(Level.INFO, "pairing window opened from {0} for {1}, {2}{3}{4}", exchange.getRemoteAddress(),
                Elapsed.text(request.duration()),
                request.installCode().isPresent() ? "with an install code" : "without an install code",
                opened.get("radioId") == null ? ", any radio" : ", radio " + opened.get("radioId"),
                request.clientId().map(id -> ", as " + id).orElse(""));
        send(exchange, 200, "application/json", Json.write(opened));
    }

    private GatewayMeters meters() {
        if (meters == null) {
            meters = new GatewayMeters(state);
        }
        return meters;
    }

    private StatusReport report(int limit) throws TimeoutException {
        return StatusReport.take(state, startedAt, clock, limit);
    }

    /** {@code ?limit=N} of /api/clients: 1..{@value #MAX_CLIENTS}, {@value #DEFAULT_CLIENTS} when absent or not one. */
    static int limit(String query) {
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("limit=")) {
                    try {
                        return Math.max(1, Math.min(MAX_CLIENTS, Integer.parseInt(pair.substring(6))));
                    } catch (NumberFormatException e) {
                        return DEFAULT_CLIENTS;
                    }
                }
            }
        }
        return DEFAULT_CLIENTS;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        // The page has no script and loads nothing: say so, so that an escaping slip could not run one either.
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Stops listening; a request being answered gets up to a second to finish. */
    @Override
    public void close() {
        server.stop(1);
        thread.shutdown();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (meters != null) {
            meters.close(); // after the thread: no scrape is running
        }
    }
}

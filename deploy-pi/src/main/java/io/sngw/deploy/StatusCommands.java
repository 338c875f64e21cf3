package io.sngw.deploy;

import io.sngw.deploy.http.Elapsed;
import io.sngw.deploy.http.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sngw status} and {@code sngw clients}: what the running gateway says of itself through its HTTP endpoint
 * ({@link GatewayEndpoint}), as readable text or, with {@code --json}, as the endpoint's JSON.
 */
final class StatusCommands {
    private StatusCommands() {
    }

    /** What both commands take: where the gateway is, and how to print. */
    abstract static class EndpointCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--url", paramLabel = "URL",
                description = "the gateway's HTTP endpoint, e.g. http://127.0.0.1:9884 (default: from --config)")
        String url;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "the gateway's configuration, for http.bind and http.port (default: "
                        + "/etc/sngw/sngw.yaml where it exists, else http://127.0.0.1:9884)")
        Path config;

        @Option(names = "--json", description = "print the endpoint's JSON")
        boolean json;

        abstract String path();

        abstract String text(Object answer, Instant now);

        /** Checks the command line before asking; null when it is fine. */
        String problem() {
            return null;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String problem = problem();
            if (problem != null) {
                err.println(spec.qualifiedName() + ": " + problem);
                return Main.EXIT_BAD_CONFIG;
            }
            String base = GatewayEndpoint.baseUrl(url, config, err);
            if (base == null) {
                return Main.EXIT_BAD_CONFIG;
            }
            GatewayEndpoint.Answer answer = GatewayEndpoint.get(base, path());
            if (answer.problem() != null) {
                err.println("sngw: " + answer.problem());
                return answer.exitCode();
            }
            if (json) {
                out.println(answer.body());
                return 0;
            }
            Object parsed;
            try {
                parsed = Json.parse(answer.body());
            } catch (IllegalArgumentException e) {
                err.println("sngw: " + base + path() + " is not a gateway's answer: " + e.getMessage());
                return 1;
            }
            out.print(text(parsed, Instant.now()));
            out.flush();
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Asks the running gateway how it is: uptime, upstream, sessions by state, queue, links.",
                    "Exit code 0; 1 when no gateway answers."})
    static final class Status extends EndpointCommand {
        @Override
        String path() {
            return "/api/status";
        }

        @Override
        String text(Object answer, Instant now) {
            Map<?, ?> s = (Map<?, ?>) answer;
            Map<?, ?> up = (Map<?, ?>) s.get("upstream");
            Map<?, ?> sessions = (Map<?, ?>) s.get("sessions");
            Map<?, ?> queue = (Map<?, ?>) s.get("queue");
            StringBuilder t = new StringBuilder();
            t.append("sngw ").append(s.get("version")).append(", up ")
                    .append(ago(Duration.ofSeconds(number(s.get("uptimeSeconds"))))).append('\n');
            boolean connected = Boolean.TRUE.equals(up.get("connected"));
            t.append("upstream  ").append(up.get("url")).append("  ").append(connected ? "connected" : "DISCONNECTED");
            if (!connected && up.get("downSince") != null) {
                t.append(" for ").append(since(String.valueOf(up.get("downSince")), now));
            }
            long reconnects = number(up.get("reconnects"));
            t.append(" (").append(reconnects).append(reconnects == 1 ? " reconnect)" : " reconnects)").append('\n');
            t.append("sessions  ").append(sessions.get("total")).append(": ").append(sessions.get("active"))
                    .append(" active, ").append(sessions.get("asleep")).append(" asleep, ").append(sessions.get("awake"))
                    .append(" awake, ").append(sessions.get("lost")).append(" lost, ")
                    .append(sessions.get("disconnected")).append(" disconnected").append('\n');
            long depth = number(queue.get("depth"));
            t.append("queue     ").append(depth).append(depth == 1 ? " message" : " messages");
            if (queue.get("oldestAgeMillis") != null) {
                t.append(", the oldest waiting ").append(ago(Duration.ofMillis(number(queue.get("oldestAgeMillis")))));
            }
            t.append('\n');
            for (Object o : (List<?>) s.get("links")) {
                Map<?, ?> link = (Map<?, ?>) o;
                t.append("link      ").append(link.get("kind")).append(' ').append(printable(link.get("address")))
                        .append("  ").append(link.get("state")).append('\n');
            }
            return t.toString();
        }
    }

    @Command(name = "clients", mixinStandardHelpOptions = true,
            description = {"Lists the sensors the running gateway holds: state (active, asleep, awake, lost,"
                    + " disconnected), link, address, last seen, subscriptions, pending messages.",
                    "Exit code 0; 1 when no gateway answers."})
    static final class Clients extends EndpointCommand {
        @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
                description = "list the first N sessions by client id, 1 to 10000 (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        String path() {
            return "/api/clients?limit=" + limit;
        }

        @Override
        String problem() {
            return limit < 1 || limit > 10_000 ? "--limit: " + limit + " is not valid: expected 1 to 10000" : null;
        }

        @Override
        String text(Object answer, Instant now) {
            List<?> clients = (List<?>) answer;
            if (clients.isEmpty()) {
                return "no sensor session is held now (a sensor with a clean session is forgotten when it disconnects)\n";
            }
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("CLIENT ID", "STATE", "LINK", "ADDRESS", "LAST SEEN", "SUBS", "PENDING"));
            for (Object o : clients) {
                Map<?, ?> c = (Map<?, ?>) o;
                Object seen = c.get("lastSeen");
                rows.add(List.of(printable(c.get("clientId")), String.valueOf(c.get("state")),
                        c.get("link") == null ? "-" : printable(c.get("link")),
                        c.get("address") == null ? "-" : printable(c.get("address")),
                        seen == null ? "not since start" : since(String.valueOf(seen), now) + " ago",
                        String.valueOf(c.get("subscriptions")), String.valueOf(c.get("pending"))));
            }
            return TextTable.render(rows);
        }
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    /** Client ids come over the air: nothing in them may move the terminal's cursor. */
    static String printable(Object o) {
        String s = String.valueOf(o);
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    private static String since(String instant, Instant now) {
        try {
            return ago(Duration.between(Instant.parse(instant), now));
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    private static String ago(Duration d) {
        return Elapsed.text(d);
    }
}

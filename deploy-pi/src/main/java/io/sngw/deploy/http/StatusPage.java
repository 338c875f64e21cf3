package io.sngw.deploy.http;

import io.sngw.core.SessionView;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * {@code GET /}: the status page, rendered on the server as plain HTML and CSS (no script: it works in any browser,
 * a text one included, and refreshes itself every {@value #REFRESH_SECONDS} s). Every text that comes from outside
 * the gateway (client ids arrive over the air, addresses, the broker URL) is HTML-escaped.
 */
final class StatusPage {
    static final int REFRESH_SECONDS = 10;
    /** Sensors listed on the page; the rest are counted. */
    static final int MAX_ROWS = 200;

    private static final String CSS = """
            :root { --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --muted: #57606a; --line: #d0d7de; }
            body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328;
                   background: #f6f8fa; }
            header { background: #24292f; color: #fff; padding: 14px 24px; display: flex; align-items: baseline;
                     gap: 16px; }
            header h1 { margin: 0; font-size: 20px; }
            header .meta { color: #c9d1d9; font-size: 13px; }
            main { padding: 18px 24px; max-width: 1100px; }
            .cards { display: flex; flex-wrap: wrap; gap: 14px; margin-bottom: 20px; }
            .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px;
                    min-width: 220px; flex: 1; }
            .card h2 { margin: 0 0 4px; font-size: 13px; text-transform: uppercase; color: var(--muted);
                       letter-spacing: .04em; }
            .card .big { font-size: 26px; font-weight: 600; margin: 0; }
            .card p { margin: 2px 0; }
            .ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); }
            h2.section { font-size: 17px; margin: 22px 0 8px; }
            table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line);
                    border-radius: 8px; overflow: hidden; }
            th, td { text-align: left; padding: 7px 12px; border-bottom: 1px solid var(--line); }
            th { background: #f0f3f6; font-size: 13px; color: var(--muted); }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.id, td.addr { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
            .state { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
                     font-weight: 600; color: #fff; background: var(--muted); }
            .state-active, .state-listening, .state-open { background: var(--ok); }
            .state-asleep, .state-awake, .state-connecting { background: #0969da; }
            .state-lost, .state-closed { background: var(--bad); }
            .empty { color: var(--muted); font-style: italic; }
            footer { color: var(--muted); font-size: 12px; padding: 16px 24px; }
            """;

    private StatusPage() {
    }

    static String render(StatusReport r) {
        StringBuilder h = new StringBuilder(4096);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>sngw status</title><style>").append(CSS).append("</style></head><body>\n");
        h.append("<header><h1>sngw</h1><span class=\"meta\">version ").append(esc(r.version())).append(" · up ")
                .append(ago(r.uptime())).append("</span></header>\n<main>\n<section class=\"cards\">\n");

        String upClass = r.upstreamConnected() ? "ok" : "bad";
        h.append("<div class=\"card\" id=\"upstream\"><h2>Upstream broker</h2><p class=\"big ").append(upClass)
                .append("\">").append(r.upstreamConnected() ? "connected" : "disconnected").append("</p><p>")
                .append(esc(r.upstreamUrl())).append("</p><p>");
        if (r.upstreamDownSince() != null) {
            h.append("down for ").append(ago(Duration.between(r.upstreamDownSince(), r.takenAt()))).append(" · ");
        }
        h.append(r.reconnects()).append(r.reconnects() == 1 ? " reconnect" : " reconnects").append("</p></div>\n");

        h.append("<div class=\"card\" id=\"sensors-summary\"><h2>Sensors</h2><p class=\"big\">")
                .append(r.total()).append("</p><p>")
                .append(r.count(SessionView.Status.ACTIVE)).append(" active · ")
                .append(r.count(SessionView.Status.ASLEEP) + r.count(SessionView.Status.AWAKE)).append(" asleep · ")
                .append(r.count(SessionView.Status.LOST)).append(" lost · ")
                .append(r.count(SessionView.Status.DISCONNECTED)).append(" disconnected</p></div>\n");

        String queueClass = r.queueDepth() == 0 ? "ok" : r.upstreamConnected() ? "warn" : "bad";
        h.append("<div class=\"card\" id=\"queue\"><h2>Outbound queue</h2><p class=\"big ").append(queueClass)
                .append("\">").append(r.queueDepth()).append("</p><p>")
                .append(r.oldestQueued() == null ? "nothing waits for the broker"
                        : "oldest waiting " + ago(r.oldestQueued()))
                .append("</p></div>\n</section>\n");

        h.append("<h2 class=\"section\">Links</h2>\n<table id=\"links\"><thead><tr><th>kind</th><th>address</th>")
                .append("<th>state</th></tr></thead><tbody>\n");
        for (GatewayState.LinkView link : r.links()) {
            h.append("<tr><td>").append(esc(link.kind())).append("</td><td class=\"addr\">").append(esc(link.address()))
                    .append("</td><td>").append(state(link.state())).append("</td></tr>\n");
        }
        if (r.links().isEmpty()) {
            h.append("<tr><td colspan=\"3\" class=\"empty\">no links</td></tr>\n");
        }
        h.append("</tbody></table>\n");

        h.append("<h2 class=\"section\">Sensors</h2>\n<table id=\"sensors\"><thead><tr><th>client id</th>")
                .append("<th>state</th><th>link</th><th>address</th><th>last seen</th><th>subscriptions</th>")
                .append("<th>pending</th></tr></thead><tbody>\n");
        for (SessionView s : r.sessions()) {
            h.append("<tr><td class=\"id\">").append(esc(s.clientId())).append("</td><td>")
                    .append(state(s.status().label())).append("</td><td>").append(esc(orDash(s.link())))
                    .append("</td><td class=\"addr\">").append(esc(orDash(s.address()))).append("</td><td>")
                    .append(s.sinceLastSeen() == null ? "not since start" : ago(s.sinceLastSeen()) + " ago")
                    .append("</td><td class=\"num\">").append(s.subscriptions()).append("</td><td class=\"num\">")
                    .append(s.pending()).append("</td></tr>\n");
        }
        if (r.sessions().isEmpty()) {
            h.append("<tr><td colspan=\"7\" class=\"empty\">no sensor session is held now</td></tr>\n");
        } else if (r.total() > r.sessions().size()) {
            h.append("<tr><td colspan=\"7\" class=\"empty\">and ").append(r.total() - r.sessions().size())
                    .append(" more (the page lists the first ").append(MAX_ROWS).append(" by client id): ")
                    .append("<code>sngw clients --limit N</code> or <code>/api/clients?limit=N</code>, N up to ")
                    .append(StatusServer.MAX_CLIENTS).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n</main>\n<footer>At ")
                .append(r.takenAt().truncatedTo(ChronoUnit.SECONDS)).append("; refreshes every ")
                .append(REFRESH_SECONDS).append(" s. Also: <a href=\"/api/status\">/api/status</a>, ")
                .append("<a href=\"/api/clients\">/api/clients</a>, <a href=\"/metrics\">/metrics</a>, ")
                .append("<a href=\"/health\">/health</a>.</footer>\n</body></html>\n");
        return h.toString();
    }

    private static String state(String label) {
        String safe = esc(label);
        return "<span class=\"state state-" + safe + "\">" + safe + "</span>";
    }

    private static String orDash(String s) {
        return s == null ? "–" : s;
    }

    private static String ago(Duration d) {
        return Elapsed.text(d);
    }

    /** HTML-escapes text for element content and quoted attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 && c != '\t' ? '\uFFFD' : c); // control characters are no text
            }
        }
        return out.toString();
    }
}

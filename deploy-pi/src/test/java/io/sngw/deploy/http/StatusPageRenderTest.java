package io.sngw.deploy.http;

import io.sngw.core.SessionView;
import io.sngw.core.SessionView.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page as rendered from one report: what it says of sensors it does not list, and of text from outside. */
class StatusPageRenderTest {
    private static final Instant NOW = Instant.parse("2026-12-07T21:00:00Z");

    private static StatusReport report(long active, List<SessionView> listed, String url) {
        return new StatusReport("1.0", Duration.ofMinutes(3), url, false, NOW.minusSeconds(90), 2,
                Map.of(Status.ACTIVE, Map.of("udp", active)), listed, NOW, 5, Duration.ofSeconds(42),
                List.of(new GatewayState.LinkView("serial", "/dev/ttyUSB0", "closed")));
    }

    @Test
    void sensorsBeyondTheListAreCountedAndSaidWhereToFindThem() {
        SessionView one = new SessionView("a-sensor", Status.ACTIVE, "udp", "udp:10.0.0.2:1884",
                Duration.ofSeconds(4), 1, 0);

        String html = StatusPage.render(report(250, List.of(one), "tcp://broker:1883"));

        assertTrue(html.contains("<p class=\"big\">250</p>"), html);
        assertTrue(html.contains("and 249 more (the page lists the first 200 by client id)"), html);
    }

    @Test
    void aBrokerDownAndAQueueThatWaitsAreShownAsSuch() {
        String html = StatusPage.render(report(0, List.of(), "tcp://broker:1883"));

        assertTrue(html.contains(">disconnected</p>"), html);
        assertTrue(html.contains("down for 1m 30s · 2 reconnects"), html);
        assertTrue(html.contains("oldest waiting 42s"), html);
        assertTrue(html.contains("<span class=\"state state-closed\">closed</span>"), html);
    }

    @Test
    void textFromOutsideIsEscapedEverywhere() {
        SessionView odd = new SessionView("\"><b>x", Status.LOST, null, null, null, 0, 0);

        String html = StatusPage.render(report(1, List.of(odd), "tcp://<i>broker</i>:1883"));

        assertFalse(html.contains("<b>x") || html.contains("<i>broker"), html);
        assertTrue(html.contains("&quot;&gt;&lt;b&gt;x"), html);
        assertTrue(html.contains("not since start"), html);
    }
}

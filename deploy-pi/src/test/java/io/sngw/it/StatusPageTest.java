package io.sngw.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status page at {@code /} of a real gateway with real sensors: what it shows, that a client id is text however
 * it looks, and that a real browser (headless Chromium) renders it. The screenshot stays in
 * {@code target/status-page/} for a human to look at.
 */
class StatusPageTest {
    /** A valid MQTT-SN client id (16 bytes, no slash), and markup if the page forgot to escape it. */
    private static final String MARKUP_ID = "<script>alert(1)";

    @TempDir
    Path dataDir;
    @TempDir
    Path browserProfile;

    private StatusGateway gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private void twoSensorsAndOneWithMarkupForAnId() {
        gateway = new StatusGateway(dataDir);
        Sensor kitchen = gateway.connected("kitchen-th01");
        StatusGateway.publishQos0(kitchen, "21.5");
        gateway.asleep("cellar-leak");
        gateway.connected(MARKUP_ID);
        GatewayUnderTest.await("the broker connected", gateway.app::brokerConnected);
    }

    @Test
    void thePageShowsTheUpstreamTheLinksAndEverySensorWithItsState() {
        twoSensorsAndOneWithMarkupForAnId();

        HttpResponse<String> page = gateway.get("/");

        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String html = page.body();
        assertContains(html, "<td class=\"id\">kitchen-th01</td><td><span class=\"state state-active\">active</span>");
        assertContains(html, "<td class=\"id\">cellar-leak</td><td><span class=\"state state-asleep\">asleep</span>");
        assertContains(html, gateway.app.upstreamUrl());
        assertContains(html, "127.0.0.1:" + gateway.udp.getPort());
        assertContains(html, ">connected<");
    }

    @Test
    void aClientIdThatLooksLikeMarkupIsShownAsText() {
        twoSensorsAndOneWithMarkupForAnId();

        HttpResponse<String> page = gateway.get("/");

        assertContains(page.body(), "&lt;script&gt;alert(1)");
        assertFalse(page.body().contains("<script"), "a client id became markup");
        assertEquals("default-src 'none'; style-src 'unsafe-inline'",
                page.headers().firstValue("Content-Security-Policy").orElse(""));
    }

    @Test
    void headlessChromiumRendersThePageWithTheSensors() throws Exception {
        String chromium = chromium();
        Assumptions.assumeTrue(chromium != null,
                "chromium is not installed (Debian package chromium): the page is not rendered in a browser");
        twoSensorsAndOneWithMarkupForAnId();
        Path dir = Files.createDirectories(Path.of("target", "status-page"));
        Path png = dir.resolve("status-page.png");
        Files.deleteIfExists(png);

        run(chromium, "--screenshot=" + png.toAbsolutePath(), "--window-size=1200,900", "--hide-scrollbars",
                gateway.url + "/");
        String dom = run(chromium, "--dump-dom", gateway.url + "/");
        Files.writeString(dir.resolve("status-page.dom.html"), dom);

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1200, image.getWidth());
        assertEquals(900, image.getHeight());
        assertTrue(distinctColours(image) > 8, "a blank screenshot");
        assertContains(dom, "kitchen-th01");
        assertContains(dom, "cellar-leak");
        assertContains(dom, "&lt;script&gt;alert(1)"); // text in the DOM, not an element
        assertFalse(dom.contains("<script"), "a client id became an element");
    }

    private String run(String chromium, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + browserProfile));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(browserProfile.getParent(), "chromium", ".out");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s: " + command);
        }
        assertEquals(0, p.exitValue(), "chromium failed: " + command);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String chromium() {
        return Stream.of("chromium", "chromium-browser").flatMap(name -> Stream.of(
                        System.getenv("PATH").split(java.io.File.pathSeparator)).map(d -> Path.of(d, name)))
                .filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
    }

    private static long distinctColours(BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 7) {
            for (int x = 0; x < image.getWidth(); x += 7) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static void assertContains(String text, String expected) {
        assertTrue(text.contains(expected), "expected " + expected + " in:\n" + text);
    }
}

package io.sngw.deploy;

import io.sngw.core.security.Device;
import io.sngw.store.sqlite.SqliteStore;
import io.sngw.store.sqlite.StoreOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sngw devices …} in process, on a store in a temporary directory named by a temporary config file. */
class DevicesCommandTest {

    private static final String KEY = "00112233445566778899aabbccddeeff";

    /** A self-signed EC certificate (CN=sensor-1) and its fingerprint as {@code openssl x509 -fingerprint -sha256}. */
    private static final String PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBfjCCASOgAwIBAgIUVb1qQF4UqrfLLWvPeOOqx28siPEwCgYIKoZIzj0EAwIw
            EzERMA8GA1UEAwwIc2Vuc29yLTEwIBcNMjYxMTIzMTIxNDQ1WhgPMjEyNjEwMzAx
            MjE0NDVaMBMxETAPBgNVBAMMCHNlbnNvci0xMFkwEwYHKoZIzj0CAQYIKoZIzj0D
            AQcDQgAE/F4o9bydmLnB/2lGO0rWXdoYGicuNpCf3+UWjV1LalBc1xUaVMwT66gl
            oCevF+PK5WT6gWqEla3GSpRdv8IxRKNTMFEwHQYDVR0OBBYEFI+y+9ns34b2+vAQ
            F3NsKgXg1lOdMB8GA1UdIwQYMBaAFI+y+9ns34b2+vAQF3NsKgXg1lOdMA8GA1Ud
            EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAM2WqscbwapOvgQo7AM6gX9q
            VNqSfn01R0jrSCXmbjK9AiEAiJFVtfefL1O60irwiAo5YDKJSvU5XEh068ZY102b
            +tg=
            -----END CERTIFICATE-----
            """;
    private static final String PEM_SHA256 =
            "90:9F:97:E4:A0:95:8C:E3:09:33:65:20:AE:DC:10:70:48:24:5B:F5:39:87:FF:EC:EF:C8:BF:67:7E:ED:33:10";

    @TempDir
    Path dir;

    private Path data;
    private Path config;

    @BeforeEach
    void configFile() throws Exception {
        data = dir.resolve("data");
        config = Files.writeString(dir.resolve("sngw.yaml"), "store: { dir: \"" + data + "\" }\n");
    }

    private CliRun devices(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "devices";
        all[1] = args[0];
        all[2] = "--config=" + config;
        System.arraycopy(args, 1, all, 3, args.length - 1); // after the subcommand and its --config
        return CliRun.sngw(all);
    }

    private CliRun ok(String... args) {
        CliRun r = devices(args);
        assertEquals(0, r.code(), r.err());
        return r;
    }

    private Device stored(String clientId) {
        try (SqliteStore store = SqliteStore.open(data, StoreOptions.defaults().withDeviceWatch(Duration.ZERO))) {
            return store.find(clientId).orElse(null);
        }
    }

    private void withStore(Consumer<SqliteStore> action) {
        try (SqliteStore store = SqliteStore.open(data, StoreOptions.defaults().withDeviceWatch(Duration.ZERO))) {
            action.accept(store);
        }
    }

    @Test
    void addedDeviceIsListedWithItsPatternsButNeverItsKey() throws Exception {
        Files.writeString(config, "security: { require-auth: true }\n", java.nio.file.StandardOpenOption.APPEND);
        CliRun added = ok("add", "sensor-1", "--psk", KEY, "--publish", "sensors/%c/#", "--publish", "status/%c",
                "--subscribe", "config/%c/+");
        assertTrue(added.out().startsWith("added sensor-1 in " + data.resolve("sngw.db") + ": psk; publish"
                + " sensors/%c/#,status/%c; subscribe config/%c/+"), added.out());

        CliRun list = ok("list");
        String[] lines = list.out().split("\\R");
        assertEquals(2, lines.length, list.out());
        assertTrue(lines[0].matches("ID +ENABLED +CREDENTIALS +PUBLISH +SUBSCRIBE +CREATED +LAST SEEN"), lines[0]);
        assertTrue(lines[1].matches("sensor-1 +yes +psk +sensors/%c/#,status/%c +config/%c/\\+ +\\d{4}-\\d\\d-\\d\\dT"
                + "\\d\\d:\\d\\d:\\d\\dZ +never"), lines[1]);

        CliRun json = ok("list", "--json");
        assertTrue(json.out().contains("\"id\": \"sensor-1\", \"enabled\": true, \"psk\": true, \"certFingerprint\":"
                + " null, \"publish\": [\"sensors/%c/#\", \"status/%c\"], \"subscribe\": [\"config/%c/+\"]"),
                json.out());

        for (CliRun r : List.of(added, list, json)) {
            assertFalse(r.out().toLowerCase().contains(KEY), r.out());
            assertEquals("", r.err());
        }
        Device device = stored("sensor-1");
        assertArrayEquals(HexFormat.of().parseHex(KEY), device.psk());
        assertTrue(device.enabled());
        assertNull(device.certFingerprint());
    }

    @Test
    void generatedKeyIsPrintedOnceAsHexAndIsTheOneStored() {
        CliRun r = ok("add", "sensor-1", "--generate-psk");

        Matcher key = Pattern.compile("(?m)^psk: ([0-9a-f]{64})$").matcher(r.out());
        assertTrue(key.find(), r.out());
        String hex = key.group(1);
        assertEquals(1, r.out().split(hex, -1).length - 1, "printed once: " + r.out());
        assertTrue(r.out().contains("will not be shown again"), r.out());
        assertArrayEquals(HexFormat.of().parseHex(hex), stored("sensor-1").psk());

        assertFalse(ok("list").out().contains(hex));
        assertFalse(ok("list", "--json").out().contains(hex));
        assertFalse(ok("disable", "sensor-1").out().contains(hex));
    }

    @Test
    void withoutPatternsEverythingIsAllowedAndWithSomeExactlyThose() {
        ok("add", "open", "--generate-psk");
        ok("add", "publisher", "--publish", "sensors/%c/#");

        assertEquals(List.of("#"), stored("open").publishPatterns());
        assertEquals(List.of("#"), stored("open").subscribePatterns());
        assertEquals(List.of("sensors/%c/#"), stored("publisher").publishPatterns());
        assertEquals(List.of(), stored("publisher").subscribePatterns());
        assertTrue(ok("list").out().contains("none         sensors/%c/#  nothing"), ok("list").out());
    }

    @Test
    void certificateFileIsStoredAsTheSha256OfItsDerAndListedByAPrefix() throws Exception {
        Path pem = Files.writeString(dir.resolve("sensor-1.pem"), PEM);
        ok("add", "sensor-1", "--cert", pem.toString());
        ok("add", "sensor-2", "--cert-fingerprint", PEM_SHA256, "--psk", KEY);

        String expected = PEM_SHA256.replace(":", "").toLowerCase();
        assertEquals(expected, stored("sensor-1").certFingerprint());
        assertEquals(expected, stored("sensor-2").certFingerprint());
        String list = ok("list").out();
        assertTrue(list.contains("sensor-1  yes      cert 909f97e4a0958ce3...   "), list);
        assertTrue(list.contains("sensor-2  yes      psk, cert 909f97e4a0958ce3..."), list);
    }

    @Test
    void badArgumentsAreRefusedNamingOptionValueAndWhatWasExpectedAndNothingIsStored() throws Exception {
        Path notACertificate = Files.writeString(dir.resolve("not.pem"), "hello");
        List<List<String>> cases = List.of(
                List.of("add", "sensor-1", "--psk", "00112233445566778899aabbccddeefg"),
                List.of("add", "sensor-1", "--psk", "0011223344556677"),
                List.of("add", "sensor-1", "--psk", "00112233445566778899aabbccddeeff0"),
                List.of("add", "a-client-id-of-24-bytes!"),
                List.of("add", "sensor+1"),
                List.of("add", "../../etc"),
                List.of("add", "a\nSEVERE: forged"),
                List.of("add", "sensor-1", "--publish", "sensors/#/x"),
                List.of("add", "sensor-1", "--subscribe", "ok/%c", "--subscribe", "a+/b"),
                List.of("add", "sensor-1", "--cert-fingerprint", "abcd"),
                List.of("add", "sensor-1", "--cert", notACertificate.toString()));
        List<String> expected = List.of(
                "sngw devices add: --psk: not valid (a character other than 0-9, a-f, A-F at position 32): expected"
                        + " an even number of hex digits, a key of 16 to 64 bytes (32 to 128 hex digits); the value"
                        + " is not shown, it is a secret",
                "sngw devices add: --psk: not valid (8 bytes): expected an even number of hex digits",
                "sngw devices add: --psk: not valid (an odd number of hex digits, 33): expected",
                "sngw devices add: client id \"a-client-id-of-24-bytes!\" (24 bytes) is not valid: expected a client"
                        + " id of 1 to 23 bytes of UTF-8, without control characters, '/', '+' or '#' (the id"
                        + " replaces %c in topic patterns)",
                "sngw devices add: client id \"sensor+1\" ('+' at position 7) is not valid: expected a client id",
                "sngw devices add: client id \"../../etc\" ('/' at position 3) is not valid: expected a client id",
                "sngw devices add: client id \"a\\nSEVERE: forged\" (a control character at position 2) is not"
                        + " valid: expected a client id",
                "sngw devices add: --publish: \"sensors/#/x\" is not valid: expected an MQTT topic filter: levels"
                        + " separated by '/', '+' alone in a level, '#' alone in the last level, %c for the client"
                        + " id, no control characters",
                "sngw devices add: --subscribe: \"a+/b\" is not valid: expected an MQTT topic filter",
                "sngw devices add: --cert-fingerprint: \"abcd\" is not valid: expected a SHA-256 fingerprint: 64 hex"
                        + " digits",
                "sngw devices add: --cert: " + notACertificate + " is not valid: expected an X.509 certificate, PEM"
                        + " or DER");
        for (int i = 0; i < cases.size(); i++) {
            CliRun r = devices(cases.get(i).toArray(String[]::new));
            assertEquals(Main.EXIT_BAD_CONFIG, r.code(), cases.get(i) + ": " + r.err());
            assertTrue(r.err().startsWith(expected.get(i)), cases.get(i) + ": " + r.err());
            assertEquals("", r.out());
            assertFalse(r.err().contains("aabbccddeef"), "the key is never shown: " + r.err());
        }
        assertFalse(Files.exists(data), "nothing was opened");
    }

    @Test
    void pskAndGeneratedPskTogetherAreAUsageError() {
        CliRun r = devices("add", "sensor-1", "--psk", KEY, "--generate-psk");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("mutually exclusive"), r.err());
        assertFalse(r.err().contains(KEY), r.err());
    }

    @Test
    void anExistingIdIsOnlyReplacedWithReplaceKeepingItsCreatedTime() {
        ok("add", "sensor-1", "--psk", KEY);
        Device first = stored("sensor-1");

        CliRun again = devices("add", "sensor-1", "--generate-psk");
        assertEquals(1, again.code());
        assertEquals("sngw: device \"sensor-1\" exists in " + data.resolve("sngw.db") + "; add --replace to replace"
                + " its credentials and patterns", again.err().strip());
        assertFalse(again.out().contains("psk:"), "no key printed for a device not added: " + again.out());
        assertArrayEquals(first.psk(), stored("sensor-1").psk());

        ok("disable", "sensor-1");
        CliRun replaced = ok("add", "sensor-1", "--replace", "--generate-psk", "--subscribe", "config/%c");
        assertTrue(replaced.out().startsWith("replaced sensor-1"), replaced.out());
        Device now = stored("sensor-1");
        assertFalse(java.util.Arrays.equals(first.psk(), now.psk()));
        assertEquals(first.created(), now.created());
        assertTrue(now.enabled());
        assertEquals(List.of(), now.publishPatterns());
    }

    @Test
    void disableEnableAndRemove() {
        ok("add", "sensor-1", "--psk", KEY);

        assertTrue(ok("disable", "sensor-1").out().startsWith("disabled sensor-1 in "));
        assertFalse(stored("sensor-1").enabled());
        assertTrue(ok("list").out().contains("sensor-1  no "));
        assertEquals("sensor-1 is disabled already", ok("disable", "sensor-1").out().strip());

        assertTrue(ok("enable", "sensor-1").out().startsWith("enabled sensor-1 in "));
        assertTrue(stored("sensor-1").enabled());
        assertArrayEquals(HexFormat.of().parseHex(KEY), stored("sensor-1").psk(), "the key survives");

        assertEquals("removed sensor-1 from " + data.resolve("sngw.db"), ok("remove", "sensor-1").out().strip());
        assertNull(stored("sensor-1"));
        assertEquals("no devices in " + data.resolve("sngw.db"), ok("list").out().strip());
        assertEquals("[]", ok("list", "--json").out().strip());
    }

    @Test
    void anUnknownIdExitsWithOneNamingIt() {
        for (String command : List.of("remove", "disable", "enable")) {
            CliRun r = devices(command, "ghost");
            assertEquals(1, r.code(), command);
            assertEquals("sngw: no device \"ghost\" in " + data.resolve("sngw.db") + " (there is no store database"
                    + " yet)", r.err().strip());
        }
        assertFalse(Files.exists(data), "reading an absent store does not create it");
        assertEquals("no devices in " + data.resolve("sngw.db"), ok("list").out().strip());
        assertFalse(Files.exists(data));

        ok("add", "sensor-1");
        withStore(store -> assertTrue(store.find("sensor-1").isPresent()));
        for (String command : List.of("remove", "disable", "enable")) {
            CliRun r = devices(command, "ghost");
            assertEquals(1, r.code(), command);
            assertEquals("sngw: no device \"ghost\" in " + data.resolve("sngw.db"), r.err().strip());
        }
    }

    @Test
    void withoutAStoreThereIsNoRegistry() throws Exception {
        Files.writeString(config, "store: { dir: none }\n");
        for (String command : List.of("list", "add", "remove")) {
            CliRun r = command.equals("list") ? devices(command) : devices(command, "sensor-1");
            assertEquals(Main.EXIT_BAD_CONFIG, r.code(), command);
            assertEquals("sngw: store.dir is none in " + config + ": the device registry lives in the store; set"
                    + " store.dir to a directory", r.err().strip());
        }
    }

    @Test
    void aBadConfigurationExitsWithTwoAsForRun() throws Exception {
        Files.writeString(config, "store: { dir: relative/path }\n");
        CliRun r = devices("list");
        assertEquals(Main.EXIT_BAD_CONFIG, r.code());
        assertEquals("sngw: bad configuration " + config + ": store.dir: \"relative/path\" is not valid: expected an"
                + " absolute path (or ~/...), or \"none\" to keep everything in memory", r.err().strip());
    }

    @Test
    void devicesWithoutASubcommandIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "devices");
        assertEquals(2, code);
        assertTrue(err.toString().contains("Missing required subcommand"), err.toString());
    }

    @Test
    void aDeviceAddedWhileTheGatewaysStoreIsOpenIsSeenByIt() throws Exception {
        // What the running gateway opens: the default options, which watch for other processes' changes.
        try (SqliteStore gateway = SqliteStore.open(data, StoreOptions.defaults())) {
            ok("add", "sensor-1", "--generate-psk");
            awaitTrue(() -> gateway.find("sensor-1").isPresent());
            ok("disable", "sensor-1");
            awaitTrue(() -> !gateway.find("sensor-1").orElseThrow().enabled());
            assertNotEquals(null, gateway.find("sensor-1").orElseThrow().psk());
        }
    }

    @Test
    void patternsAddedWhileRequireAuthIsOffAreWarnedAboutAndNotedInTheList() {
        CliRun added = ok("add", "sensor-1", "--publish", "sensors/%c/#");

        assertTrue(added.err().contains("sngw: warning: the publish/subscribe patterns of sensor-1 are not enforced:"
                + " security.require-auth is off in " + config), added.err());
        assertTrue(ok("list").out().contains("note: security.require-auth is off in " + config
                + ": the PUBLISH and SUBSCRIBE patterns above are not enforced"), ok("list").out());
    }

    @Test
    void withRequireAuthOnPatternsAreEnforcedAndNothingIsSaid() throws Exception {
        Files.writeString(config, "security: { require-auth: true }\n", java.nio.file.StandardOpenOption.APPEND);

        assertEquals("", ok("add", "sensor-1", "--publish", "sensors/%c/#").err());
        assertFalse(ok("list").out().contains("not enforced"));
    }

    @Test
    void withoutPatternsThereIsNothingToEnforceAndNothingIsSaid() {
        assertEquals("", ok("add", "sensor-1").err());
        assertFalse(ok("list").out().contains("not enforced"));
    }

    @Test
    void disableSaysWhatARunningGatewayDoesAboutIt() throws Exception {
        ok("add", "sensor-1", "--psk", KEY);
        assertTrue(ok("disable", "sensor-1").out().contains("security.require-auth is off in " + config
                + ", so a running gateway still admits it over plain UDP; its DTLS key is refused and its DTLS"
                + " sessions are closed within about 2 s"));

        Files.writeString(config, "security: { require-auth: true }\n", java.nio.file.StandardOpenOption.APPEND);
        ok("enable", "sensor-1");
        String disabled = ok("disable", "sensor-1").out();

        assertTrue(disabled.contains(": a running gateway ends its session within about 2 s (DISCONNECT, no will)"
                + " and refuses its CONNECTs from then on"), disabled);
        assertFalse(disabled.contains("goes on"), disabled);
    }

    @Test
    void aDeviceThatConnectedWhileAuthWasOffHasBeenSeen() throws Exception {
        ok("add", "sensor-1");
        assertTrue(ok("list").out().contains("never"));
        GatewayApp gateway = new GatewayApp(ConfigLoader.parse("udp: { bind: \"127.0.0.1\", port: 0 }\n"
                + "upstream: { embedded-port: 0 }\nstore: { dir: \"" + data + "\" }\n"));
        try {
            java.net.InetSocketAddress udp = gateway.start();
            try (java.net.DatagramSocket sensor = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
                byte[] connect = {14, 0x04, 0x04, 0x01, 0, 60, 's', 'e', 'n', 's', 'o', 'r', '-', '1'};
                sensor.send(new java.net.DatagramPacket(connect, connect.length, udp));
                sensor.setSoTimeout(10_000);
                java.net.DatagramPacket connack = new java.net.DatagramPacket(new byte[8], 8);
                sensor.receive(connack);
                assertEquals(0x05, connack.getData()[1], "CONNACK");
            }
            awaitTrue(() -> !ok("list").out().contains("never"));
        } finally {
            gateway.close();
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not seen within 10 s");
            Thread.sleep(20);
        }
    }
}

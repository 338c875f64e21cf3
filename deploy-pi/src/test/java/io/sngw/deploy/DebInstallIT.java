package io.sngw.deploy;

import io.sngw.testing.FreePorts;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Installs the .deb and runs what it installed. As root on a Debian machine (CI) with {@code dpkg -i}: the user, the
 * state directory, the launcher answering {@code version}, the gateway started as the service would start it (the
 * unit's JVM flags, as user sngw, with a notification socket) answering a CONNECT, an upgrade keeping state and
 * configuration, remove keeping them, purge deleting them. Also, the package is unpacked into a throwaway root
 * ({@code dpkg-deb -x}) and its launcher run from there (which runs everywhere, CI included).
 */
class DebInstallIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final byte[] CONNACK_ACCEPTED = {0x03, 0x05, 0x00};

    @TempDir
    Path tmp;

    private final int udpPort = FreePorts.udp();

    @Test
    void theInstalledPackageRunsTheGatewayAndPurgeRemovesEverything() throws Exception {
        Assumptions.assumeTrue(canInstallSystemWide(), "not root on a Debian machine with dpkg and setpriv: "
                + "dpkg -i not tried (theUnpackedPackageRunsTheGateway runs the package's files anyway)");
        // The package is installed system-wide: two builds on one machine (parallel worktrees) would install,
        // run and purge the same user and directories under each other. They take turns.
        try (FileChannel lockFile = FileChannel.open(Path.of(System.getProperty("java.io.tmpdir"),
                "sngw-deb-install-it.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock turn = lockFile.lock()) {
            installPurgeAndCheck();
        }
    }

    private void installPurgeAndCheck() throws Exception {
        assertFalse(installed(), "sngw is installed on this machine already: not touching it");
        Path byHand = Path.of("/var/lib/sngw/sngw.lock");
        try {
            // The README's quick start typed as root before the package: the store's lock is root's.
            Files.createDirectories(byHand.getParent());
            if (!Files.exists(byHand)) {
                Files.writeString(byHand, "");
            }
            dpkg("-i", DebPackage.file().toString());
            stopServiceIfSystemdStartedIt();
            assertEquals("sngw", Commands.run("stat", "-c", "%U", byHand.toString()).ok().out().trim(),
                    "the state a root run left behind is the service's now");

            assertEquals(0, Commands.run("getent", "passwd", "sngw").exitCode(), "no sngw user");
            if (Commands.run("getent", "group", "dialout").exitCode() == 0) {
                assertTrue(Commands.run("id", "-nG", "sngw").ok().out().contains("dialout"), "sngw not in dialout");
            }
            assertEquals("sngw drwx------", Commands.run("stat", "-c", "%U %A", "/var/lib/sngw").ok().out().trim());
            assertEquals("sngw", Commands.run("stat", "-c", "%U", "/var/lib/sngw/tmp").ok().out().trim());
            assertEquals("sngw " + Version.get() + "\n", Commands.run("/usr/bin/sngw", "version").ok().out());
            assertTrue(Commands.run("/usr/bin/sngw", "check-config", "/etc/sngw/sngw.yaml").ok().out().startsWith("OK"));
            if (Commands.exists("systemd-analyze")) {
                Commands verify = Commands.run("systemd-analyze", "verify", "/lib/systemd/system/sngw.service");
                assertEquals("", verify.err() + verify.out(), "systemd-analyze verify on the installed unit");
            }

            Path config = Path.of("/var/lib/sngw/it.yaml");
            Files.writeString(config, withFreePorts(Path.of("/etc/sngw/sngw.yaml"), ""), StandardCharsets.UTF_8);
            Commands.run("chown", "sngw:sngw", config.toString()).ok();
            List<String> asService = new ArrayList<>(List.of("setpriv", "--reuid=sngw", "--regid=sngw",
                    "--init-groups", "env", "SNGW_JAVA_OPTS=" + DebPackage.unitJavaOpts(
                            Path.of("/lib/systemd/system/sngw.service"))));
            runAndConnect(asService, "/usr/bin/sngw", config);
            assertEquals("sngw", Commands.run("stat", "-c", "%U", "/var/lib/sngw/sngw.db").ok().out().trim());

            // Upgrade (the same package again): state and a changed configuration stay.
            Files.writeString(Path.of("/etc/sngw/sngw.yaml"), "# changed by the operator\n",
                    StandardOpenOption.APPEND);
            dpkg("-i", DebPackage.file().toString());
            stopServiceIfSystemdStartedIt();
            assertTrue(Files.readString(Path.of("/etc/sngw/sngw.yaml")).endsWith("# changed by the operator\n"));
            assertTrue(Files.exists(Path.of("/var/lib/sngw/sngw.db")), "upgrade lost the store");

            dpkg("-r", "sngw");
            assertFalse(Files.exists(Path.of("/usr/bin/sngw")));
            assertTrue(Files.exists(Path.of("/var/lib/sngw/sngw.db")), "remove deleted the store");
            assertTrue(Files.exists(Path.of("/etc/sngw/sngw.yaml")), "remove deleted the configuration");
            assertEquals(0, Commands.run("getent", "passwd", "sngw").exitCode(), "remove deleted the user");

            dpkg("--purge", "sngw");
            assertFalse(Files.exists(Path.of("/var/lib/sngw")), "purge left the state");
            assertFalse(Files.exists(Path.of("/etc/sngw/sngw.yaml")), "purge left the configuration");
            assertEquals(2, Commands.run("getent", "passwd", "sngw").exitCode(), "purge left the user");
        } finally {
            if (installed() || Commands.run("getent", "passwd", "sngw").exitCode() == 0) {
                dpkg("--purge", "sngw");
            }
        }
    }

    /** Anywhere (no root, no dpkg database): the package's files in a throwaway root, its launcher run from there. */
    @Test
    void theUnpackedPackageRunsTheGateway() throws Exception {
        Path root = tmp.resolve("root");
        DebPackage.extract(root);
        String launcher = root.resolve("usr/bin/sngw").toString();
        assertEquals("sngw " + Version.get() + "\n", Commands.run(launcher, "version").ok().out());

        Path state = Files.createDirectories(tmp.resolve("state/tmp")).getParent();
        Path config = tmp.resolve("it.yaml");
        Files.writeString(config, withFreePorts(root.resolve("etc/sngw/sngw.yaml"),
                "store: { dir: \"" + state + "\" }\n"), StandardCharsets.UTF_8);
        String opts = DebPackage.unitJavaOpts(root.resolve("lib/systemd/system/sngw.service"))
                .replace("/var/lib/sngw", state.toString());
        runAndConnect(List.of("env", "SNGW_JAVA_OPTS=" + opts), launcher, config);
    }

    /** The installed configuration, as shipped, with free loopback ports added (it sets no key itself). */
    private String withFreePorts(Path conffile, String more) throws IOException {
        return Files.readString(conffile, StandardCharsets.UTF_8)
                + "\n# added by DebInstallIT\nudp: { bind: \"127.0.0.1\", port: " + udpPort + " }\n"
                + "upstream: { embedded-port: " + FreePorts.tcp() + " }\n" + more;
    }

    /**
     * Starts {@code launcher run --config config} behind {@code prefix} with a systemd notification socket and a
     * watchdog, waits for READY=1, gets a CONNACK for a CONNECT, and stops it with SIGTERM (STOPPING=1, exit 0).
     */
    private void runAndConnect(List<String> prefix, String launcher, Path config) throws Exception {
        String name = "sngw-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path log = tmp.resolve("gateway.log");
        // An abstract socket: the gateway's user (sngw) needs no permission on a file of root's.
        try (NotifySocket notify = NotifySocket.abstractNamed(name)) {
            List<String> command = new ArrayList<>(prefix);
            command.addAll(List.of("NOTIFY_SOCKET=" + notify.address(), "WATCHDOG_USEC=2000000"));
            command.addAll(List.of(launcher, "run", "--config", config.toString()));
            Process gateway = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            try {
                assertTrue(notify.awaitReceived("READY=1", 1, WAIT), "no READY=1; log:\n" + Files.readString(log));
                assertArrayEquals(CONNACK_ACCEPTED, connect(udpPort), "log:\n" + Files.readString(log));
                assertTrue(notify.awaitReceived("WATCHDOG=1", 2, WAIT), notify.received());

                gateway.destroy(); // SIGTERM, as systemctl stop
                assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "did not stop on SIGTERM");
                // 143 = 128 + SIGTERM after the shutdown hook ran: what the unit's SuccessExitStatus calls a clean stop.
                assertEquals(143, gateway.exitValue(), Files.readString(log));
                assertTrue(notify.awaitReceived("STOPPING=1", 1, WAIT), notify.received());
            } finally {
                gateway.destroyForcibly();
            }
        }
    }

    /** An MQTT-SN CONNECT (clean session, keep-alive 60 s) from a fresh UDP socket; returns the answer. */
    private static byte[] connect(int port) throws IOException {
        byte[] id = "deb-it".getBytes(StandardCharsets.US_ASCII);
        byte[] connect = new byte[6 + id.length];
        connect[0] = (byte) connect.length;
        connect[1] = 0x04;        // CONNECT
        connect[2] = 0x04;        // CleanSession
        connect[3] = 0x01;        // ProtocolId
        connect[5] = 60;          // Duration
        System.arraycopy(id, 0, connect, 6, id.length);
        InetSocketAddress gateway = new InetSocketAddress("127.0.0.1", port);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(500);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                socket.send(new DatagramPacket(connect, connect.length, gateway));
                DatagramPacket answer = new DatagramPacket(new byte[64], 64);
                try {
                    socket.receive(answer);
                    return Arrays.copyOf(answer.getData(), answer.getLength());
                } catch (SocketTimeoutException e) {
                    // resent, as a sensor would
                }
            }
        }
        throw new AssertionError("no answer to CONNECT on udp port " + port);
    }

    private static boolean canInstallSystemWide() {
        return "root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/etc/debian_version"))
                && Commands.exists("dpkg") && Commands.exists("setpriv");
    }

    private static boolean installed() {
        return Commands.run("dpkg-query", "-W", "-f", "${Status}", "sngw").out().contains("installed");
    }

    private static void stopServiceIfSystemdStartedIt() {
        if (Files.isDirectory(Path.of("/run/systemd/system"))) {
            Commands.run("systemctl", "stop", "sngw.service");
        }
    }

    /** dpkg, waiting while another dpkg or apt holds the lock (other builds on this machine install packages). */
    private static void dpkg(String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("dpkg"));
        command.addAll(List.of(args));
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            Commands result = Commands.run(java.util.Map.of("DEBIAN_FRONTEND", "noninteractive"), command);
            if (result.exitCode() == 0) {
                return;
            }
            if (!result.err().contains("lock") || System.nanoTime() > deadline) {
                throw new AssertionError(command + " failed: " + result.err() + result.out());
            }
            Thread.sleep(500); // the lock holder's progress cannot be waited on otherwise
        }
    }
}

package io.sngw.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sd_notify through JNA, against a real Unix datagram socket bound by socat. */
class SystemdNotifierTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long PID = 4242;

    @TempDir
    Path dir;

    @Test
    void readyReachesTheSocketNotifySocketNames() throws Exception {
        try (NotifySocket socket = NotifySocket.at(dir.resolve("notify"))) {
            SystemdNotifier notifier = SystemdNotifier.of(Map.of("NOTIFY_SOCKET", socket.address()), PID);

            assertTrue(notifier.enabled());
            notifier.ready("sngw test running");

            assertTrue(socket.awaitReceived("READY=1\nSTATUS=sngw test running", 1, WAIT), socket.received());
        }
    }

    @Test
    void anAbstractSocketNameIsReachedToo() throws Exception {
        String name = "sngw-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifySocket socket = NotifySocket.abstractNamed(name)) {
            SystemdNotifier notifier = SystemdNotifier.of(Map.of("NOTIFY_SOCKET", socket.address()), PID);

            notifier.stopping();

            assertTrue(socket.awaitReceived("STOPPING=1", 1, WAIT), socket.received());
        }
    }

    @Test
    void theWatchdogIsPettedAtHalfItsPeriodUntilStopped() throws Exception {
        try (NotifySocket socket = NotifySocket.at(dir.resolve("notify"))) {
            SystemdNotifier notifier = SystemdNotifier.of(Map.of("NOTIFY_SOCKET", socket.address(),
                    "WATCHDOG_USEC", "200000", "WATCHDOG_PID", Long.toString(PID)), PID);

            assertEquals(Optional.of(Duration.ofMillis(100)), notifier.watchdogInterval());
            Runnable stop = notifier.startWatchdog();
            try {
                assertTrue(socket.awaitReceived("WATCHDOG=1", 3, WAIT), socket.received());
            } finally {
                stop.run();
            }
        }
    }

    @Test
    void aWatchdogMeantForAnotherProcessIsNotOurs() {
        SystemdNotifier notifier = SystemdNotifier.of(Map.of("NOTIFY_SOCKET", "/run/systemd/notify",
                "WATCHDOG_USEC", "200000", "WATCHDOG_PID", "1"), PID);

        assertEquals(Optional.empty(), notifier.watchdogInterval());
    }

    @Test
    void withoutNotifySocketEverythingIsANoOp() {
        SystemdNotifier notifier = SystemdNotifier.of(Map.of("WATCHDOG_USEC", "200000"), PID);

        assertFalse(notifier.enabled());
        assertFalse(notifier.notify("READY=1"));
        assertEquals(Optional.empty(), notifier.watchdogInterval());
        notifier.startWatchdog().run();
    }

    @Test
    void aSocketNobodyListensOnIsReportedNotThrown() {
        SystemdNotifier notifier = SystemdNotifier.of(Map.of("NOTIFY_SOCKET",
                dir.resolve("nobody-here").toString()), PID);

        assertFalse(notifier.notify("READY=1"));
    }
}

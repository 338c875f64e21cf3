package io.sngw.deploy;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * systemd's readiness and watchdog protocol ({@code sd_notify(3)}) for a {@code Type=notify} unit: one datagram per
 * state change ({@code READY=1}, {@code WATCHDOG=1}, {@code STOPPING=1}) to the Unix socket {@code $NOTIFY_SOCKET}
 * names. Java has no Unix datagram sockets ({@code DatagramChannel} refuses {@code UNIX}), so libc's
 * {@code socket}/{@code sendto} are called through JNA, loaded only when the variable is set: outside systemd every
 * method is a no-op and nothing native is touched.
 */
public final class SystemdNotifier {

    private static final System.Logger LOG = System.getLogger(SystemdNotifier.class.getName());

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;          // Linux, every architecture a Pi runs
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH_MAX = 108;

    /** The few libc calls needed; errno arrives as a LastErrorException. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrLen)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private final String socket;
    private final Optional<Duration> watchdogInterval;
    private volatile LibC libc;
    private volatile boolean warned;

    private SystemdNotifier(String socket, Optional<Duration> watchdogInterval) {
        this.socket = socket;
        this.watchdogInterval = watchdogInterval;
    }

    /** From this process's environment: {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}, {@code WATCHDOG_PID}. */
    public static SystemdNotifier fromEnvironment() {
        return of(System.getenv(), ProcessHandle.current().pid());
    }

    /** From the given environment, as if this process had {@code pid}; for tests. */
    static SystemdNotifier of(Map<String, String> env, long pid) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket != null && (socket.isEmpty() || !(socket.startsWith("/") || socket.startsWith("@")))) {
            socket = null; // vsock: and other kinds systemd may one day use are not ours to speak
        }
        return new SystemdNotifier(socket, watchdog(env, pid));
    }

    /** Half the watchdog period systemd set for this very process (as sd_watchdog_enabled says), if any. */
    private static Optional<Duration> watchdog(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        String forPid = env.get("WATCHDOG_PID");
        if (usec == null) {
            return Optional.empty();
        }
        try {
            long micros = Long.parseLong(usec.trim());
            if (micros <= 0 || (forPid != null && Long.parseLong(forPid.trim()) != pid)) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos(micros * 1000 / 2));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether there is a socket to notify. */
    public boolean enabled() {
        return socket != null;
    }

    /** How often {@code WATCHDOG=1} must be sent: half of {@code WATCHDOG_USEC}; empty without a watchdog. */
    public Optional<Duration> watchdogInterval() {
        return enabled() ? watchdogInterval : Optional.empty();
    }

    /** Tells systemd the service is up: start-up is over for {@code Type=notify}. */
    public void ready(String status) {
        notify("READY=1\nSTATUS=" + status);
    }

    /** Tells systemd the service is stopping, so that the stop is not taken for a crash. */
    public void stopping() {
        notify("STOPPING=1");
    }

    /**
     * Sends {@code WATCHDOG=1} every {@link #watchdogInterval()} from a daemon thread of its own; running the returned
     * action stops it. Does nothing without a watchdog.
     */
    public Runnable startWatchdog() {
        Optional<Duration> every = watchdogInterval();
        if (every.isEmpty()) {
            return () -> { };
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sngw-watchdog");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, every.get().toMillis());
        timer.scheduleAtFixedRate(() -> notify("WATCHDOG=1"), 0, period, TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }

    /**
     * Sends one state datagram; true when it was sent. A failure is logged once and never thrown: the gateway runs on
     * (systemd then times the start or the watchdog out, which says more than an exception here could).
     */
    public boolean notify(String state) {
        if (socket == null) {
            return false;
        }
        try {
            LibC c = libc();
            int fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            try {
                byte[] address = sockaddrUn(socket);
                byte[] message = state.getBytes(StandardCharsets.UTF_8);
                c.sendto(fd, message, new NativeLong(message.length), MSG_NOSIGNAL, address, address.length);
            } finally {
                c.close(fd);
            }
            return true;
        } catch (LastErrorException | UnsatisfiedLinkError | IllegalArgumentException e) {
            if (!warned) {
                warned = true;
                LOG.log(System.Logger.Level.WARNING, "cannot notify systemd at " + socket + ": " + e.getMessage());
            }
            return false;
        }
    }

    private LibC libc() {
        LibC c = libc;
        if (c == null) {
            c = Native.load("c", LibC.class);
            libc = c;
        }
        return c;
    }

    /**
     * {@code struct sockaddr_un} for a path, or for an abstract name ({@code @name}: a leading NUL, no terminator),
     * with the length to pass along.
     */
    static byte[] sockaddrUn(String socket) {
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        boolean isAbstract = path[0] == '@';
        if (path.length >= SUN_PATH_MAX) {
            throw new IllegalArgumentException("NOTIFY_SOCKET longer than " + (SUN_PATH_MAX - 1) + " bytes");
        }
        if (isAbstract) {
            path[0] = 0;
        }
        int length = 2 + path.length + (isAbstract ? 0 : 1);
        ByteBuffer address = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        address.putShort((short) AF_UNIX).put(path);
        return address.array();
    }
}

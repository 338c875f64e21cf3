package io.sngw.transport.udp;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Puts flooding sources on a socket of their own. Without it the kernel spreads senders over the SO_REUSEPORT sockets
 * by a hash of their addresses, so the sensors that hash with a flooder share its receive buffer, and whenever its
 * reader falls behind an unpaced flood the kernel drops their datagrams with the flood's. Here a classic BPF program
 * attached to the socket group ({@code SO_ATTACH_REUSEPORT_CBPF}, no privilege needed) hashes IPv4 senders over all
 * sockets but the last, and sends the sources named here to the last one, the quarantine: a legitimate sensor is then
 * never behind a flooder. A source stays there {@value #QUARANTINE_SECONDS} s after it was put there, and is put back
 * at once if it still floods. At most {@value #MAX_QUARANTINED} sources at a time (an attacker with many addresses gets
 * a share per address anyway). IPv6 senders are left to the kernel's hash.
 *
 * <p>Linux with native epoll only (the program needs the socket's descriptor); {@link #attach} says whether it took.
 * Updates are rare (a new flooder) and synchronized; the datagram path only reads {@link #isQuarantined}.
 */
final class QuarantineSteering {
    private static final System.Logger LOG = System.getLogger(QuarantineSteering.class.getName());
    static final int MAX_QUARANTINED = 8;
    static final long QUARANTINE_SECONDS = 10;

    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_REUSEPORT_CBPF = 51;
    /** Classic BPF's offset of the network header for loads relative to it. */
    private static final int NET = -0x100000;
    private static final int IPV4_SOURCE = NET + 12;
    /** The UDP source port, for an IPv4 header without options. */
    private static final int IPV4_SOURCE_PORT = NET + 20;
    /** An index past the group: the kernel then picks by its own hash. */
    private static final int KERNEL_HASH = 0xFFFFFFFF;

    private interface LibC extends Library {
        int setsockopt(int fd, int level, int option, Pointer value, int length);
    }

    private final String name;
    private final int fd;
    private final int sockets;
    /** Quarantined sources and when each was put there (nanoTime); guarded by this. */
    private final Map<InetSocketAddress, Long> quarantined = new LinkedHashMap<>();
    private volatile Map<InetSocketAddress, Long> snapshot = Map.of();
    private final LibC libc;

    private QuarantineSteering(String name, int fd, int sockets, LibC libc) {
        this.name = name;
        this.fd = fd;
        this.sockets = sockets;
        this.libc = libc;
    }

    /**
     * Attaches the program to the group of {@code channels} (the last one is the quarantine); null when it cannot be
     * done here (not epoll, not IPv4, no JNA, an old kernel), after logging why once.
     */
    static QuarantineSteering attach(String name, List<Channel> channels) {
        if (channels.size() < 2 || !(channels.get(0) instanceof EpollDatagramChannel epoll)
                || !(epoll.localAddress().getAddress() instanceof Inet4Address)) {
            return null;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            QuarantineSteering steering = new QuarantineSteering(name, epoll.fd().intValue(), channels.size(), libc);
            if (!steering.install()) {
                LOG.log(System.Logger.Level.WARNING, name + ": the kernel refused the steering program (errno "
                        + Native.getLastError() + "); flooders share sockets with other sensors");
                return null;
            }
            return steering;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, name + ": cannot steer flooders to a socket of their own: " + e);
            return null;
        }
    }

    /** Whether {@code source} is in quarantine now; lock-free. */
    boolean isQuarantined(InetSocketAddress source) {
        return snapshot.containsKey(source);
    }

    /** Puts an IPv4 {@code source} in quarantine (again), unless the quarantine is full. */
    synchronized void quarantine(InetSocketAddress source, long nowNanos) {
        if (!(source.getAddress() instanceof Inet4Address)) {
            return;
        }
        expire(nowNanos);
        if (quarantined.size() >= MAX_QUARANTINED && !quarantined.containsKey(source)) {
            return;
        }
        boolean isNew = quarantined.put(source, nowNanos) == null;
        if (isNew && install()) {
            LOG.log(System.Logger.Level.WARNING, name + ": " + source + " floods: its datagrams now go to a socket of"
                    + " their own for " + QUARANTINE_SECONDS + " s, away from other sensors' (logged once per quarantine)");
        }
    }

    /** Lets sources go whose quarantine is over; a periodic task calls it. */
    synchronized void expire(long nowNanos) {
        long limit = TimeUnit.SECONDS.toNanos(QUARANTINE_SECONDS);
        if (quarantined.values().removeIf(since -> nowNanos - since > limit)) {
            install();
        }
    }

    /** Builds the program for the sources quarantined now and attaches it (replacing the one before). */
    private boolean install() {
        int[][] program = program(quarantined.keySet().stream().toList(), sockets);
        Memory filter = new Memory(8L * program.length);
        for (int i = 0; i < program.length; i++) {
            filter.setShort(8L * i, (short) program[i][0]);
            filter.setByte(8L * i + 2, (byte) program[i][1]);
            filter.setByte(8L * i + 3, (byte) program[i][2]);
            filter.setInt(8L * i + 4, program[i][3]);
        }
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: the pointer is aligned to its size.
        Memory fprog = new Memory(2L * Native.POINTER_SIZE);
        fprog.setShort(0, (short) program.length);
        fprog.setPointer(Native.POINTER_SIZE, filter);
        boolean ok = libc.setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, fprog, (int) fprog.size()) == 0;
        snapshot = Map.copyOf(quarantined);
        return ok;
    }

    /**
     * The classic BPF program, one {code, jt, jf, k} per instruction: IPv4 senders named in {@code sources} go to the
     * last of {@code sockets}, other IPv4 senders to one of the others by a hash of their address and port, anything
     * else to the kernel's own hash.
     */
    static int[][] program(List<InetSocketAddress> sources, int sockets) {
        int n = sources.size();
        int[][] p = new int[3 + 4 * n + 8 + 2][];
        int i = 0;
        p[i++] = new int[] {0x30, 0, 0, NET};                      // ldb [net + 0]: version and header length
        p[i++] = new int[] {0x54, 0, 0, 0xF0};                     // and #0xf0
        int fallback = 3 + 4 * n + 8 + 1;                          // index of "ret kernel hash"
        p[i] = new int[] {0x15, 0, fallback - (i + 1), 0x40};      // jeq #IPv4, next, else fallback
        i++;
        int quarantine = fallback - 1;                             // index of "ret quarantine"
        for (InetSocketAddress source : sources) {
            int ip = ByteBuffer.wrap(source.getAddress().getAddress()).getInt();
            p[i++] = new int[] {0x20, 0, 0, IPV4_SOURCE};          // ld [source address]
            p[i] = new int[] {0x15, 0, 2, ip};                     // jeq #ip, next, skip the port test
            i++;
            p[i++] = new int[] {0x28, 0, 0, IPV4_SOURCE_PORT};     // ldh [source port]
            p[i] = new int[] {0x15, quarantine - (i + 1), 0, source.getPort()}; // jeq #port, quarantine, next
            i++;
        }
        p[i++] = new int[] {0x20, 0, 0, IPV4_SOURCE};              // ld [source address]
        p[i++] = new int[] {0x07, 0, 0, 0};                        // tax
        p[i++] = new int[] {0x28, 0, 0, IPV4_SOURCE_PORT};         // ldh [source port]
        p[i++] = new int[] {0xAC, 0, 0, 0};                        // xor x
        p[i++] = new int[] {0x24, 0, 0, 0x9E3779B1};               // mul #golden ratio: spread neighbours
        p[i++] = new int[] {0x74, 0, 0, 16};                       // rsh #16
        p[i++] = new int[] {0x94, 0, 0, sockets - 1};              // mod #(sockets but the quarantine)
        p[i++] = new int[] {0x16, 0, 0, 0};                        // ret a
        p[i++] = new int[] {0x06, 0, 0, sockets - 1};              // ret #quarantine
        p[i++] = new int[] {0x06, 0, 0, KERNEL_HASH};              // ret #kernel hash
        if (i != p.length) {
            throw new IllegalStateException("program length " + i + " != " + p.length);
        }
        return p;
    }
}

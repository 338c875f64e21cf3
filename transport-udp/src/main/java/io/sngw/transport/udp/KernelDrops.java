package io.sngw.transport.udp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Datagrams the kernel dropped on the sockets bound to a UDP port, one count per socket, from Linux's
 * {@code /proc/net/udp} and {@code /proc/net/udp6} (the "drops" column): mostly a full receive buffer, the loss no
 * counter of ours sees. Empty where those files are not there. Read on demand (metrics, benchmarks), not per datagram.
 */
public final class KernelDrops {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));
    /** Columns of a table row: sl, local_address, ..., inode (9), ref, pointer, drops (12). */
    private static final int LOCAL_ADDRESS = 1;
    private static final int DROPS = 12;

    private KernelDrops() {
    }

    /** Drops per socket bound to {@code port} (any local address), in the kernel's order; empty when unknown. */
    public static List<Long> onPort(int port) {
        List<Long> drops = new ArrayList<>();
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | UnsupportedOperationException e) {
                continue;
            }
            for (int i = 1; i < lines.size(); i++) { // the first line names the columns
                String[] columns = lines.get(i).strip().split("\\s+");
                if (columns.length > DROPS && portOf(columns[LOCAL_ADDRESS]) == port) {
                    drops.add(Long.parseLong(columns[DROPS]));
                }
            }
        }
        return drops;
    }

    /** "0100007F:0F8C" to 3980; -1 when not of that form. */
    static int portOf(String localAddress) {
        int colon = localAddress.lastIndexOf(':');
        try {
            return colon < 0 ? -1 : Integer.parseInt(localAddress.substring(colon + 1), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

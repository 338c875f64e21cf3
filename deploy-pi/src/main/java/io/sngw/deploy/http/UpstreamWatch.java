package io.sngw.deploy.http;

import io.sngw.core.upstream.ForwardingUpstream;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows the bridge's connection for health and metrics: whether it is up, since when it is down, how often it came
 * back. In front of the upstream the core is given, it sees each connection change as the core does (a handful a day,
 * never per message); everything else passes straight through.
 */
public final class UpstreamWatch extends ForwardingUpstream {
    private final Clock clock;
    private final AtomicLong reconnects = new AtomicLong();
    private volatile boolean everConnected;
    /** Null while connected. */
    private volatile Instant downSince;

    public UpstreamWatch(Upstream upstream, Clock clock) {
        super(upstream);
        this.clock = clock;
        this.downSince = clock.instant(); // not connected until the bridge says so
    }

    @Override
    public void start(UpstreamListener listener) {
        upstream.start(new UpstreamListener() {
            @Override
            public void onMessage(UpstreamMessage message, Runnable taken) {
                listener.onMessage(message, taken);
            }

            @Override
            public void onConnectionChanged(boolean connected) {
                changed(connected);
                listener.onConnectionChanged(connected);
            }
        });
    }

    private void changed(boolean connected) {
        if (connected) {
            if (everConnected) {
                reconnects.incrementAndGet();
            }
            everConnected = true;
            downSince = null;
        } else if (downSince == null) {
            downSince = clock.instant();
        }
    }

    /** Whether the bridge's connection is up now. */
    public boolean connected() {
        return upstream.isConnected();
    }

    /** Since when the connection has been down (since start, when it never came up); null while it is up. */
    public Instant downSince() {
        Instant since = downSince;
        return connected() ? null : since != null ? since : clock.instant(); // null: the change is on its way
    }

    /** Times the connection came back after it was lost. */
    public long reconnects() {
        return reconnects.get();
    }
}

package io.sngw.core;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.security.LinkProof;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;

/**
 * A sleeping client (MQTT-SN 1.2 §6.14) of one {@link Session}: DISCONNECT with a sleep duration puts it to sleep,
 * a PINGREQ naming it wakes it to collect what was kept, and once everything went out (and the upstream fetched what
 * its broker kept, in transparent mode) the PINGRESP sends it back to sleep. Lives on the session's loop.
 */
final class Sleep {
    private static final System.Logger LOG = System.getLogger(Sleep.class.getName());

    private final Session session;
    private final String clientId;
    private final GatewayContext ctx;
    private final Supervision supervision;
    private final Deliveries deliveries;
    /** Awake, and the upstream is still fetching what its broker kept for this sensor: no PINGRESP yet. */
    private boolean upstreamWaking;

    Sleep(Session session, String clientId, GatewayContext ctx, Supervision supervision, Deliveries deliveries) {
        this.session = session;
        this.clientId = clientId;
        this.ctx = ctx;
        this.supervision = supervision;
        this.deliveries = deliveries;
    }

    /** DISCONNECT with a sleep duration (answered already). */
    void fallAsleep(int seconds) {
        supervision.sleep(seconds);
        session.becomes(SessionState.ASLEEP);
        ctx.upstream.sensorAsleep(session.origin());
        ctx.idleSessions.busy(session);
        deliveries.requeueInFlight();
        session.save();
        supervision.arm();
    }

    /** PINGREQ carrying the client id: a sleeping client collects what was kept for it. */
    void onWake(Link fromLink, LinkAddress from) {
        SessionState state = session.state();
        if (state == SessionState.REMOVED) {
            return;
        }
        if (state != SessionState.ASLEEP && state != SessionState.AWAKE && state != SessionState.ACTIVE) {
            ctx.send(fromLink, from, new Disconnect());
            ctx.metrics.increment(Counter.NO_SESSION_DISCONNECT_SENT);
            return;
        }
        if (!LinkProof.mayWake(session.address(), clientId, from)) {
            ctx.metrics.increment(Counter.WAKES_REFUSED);
            LOG.log(Level.DEBUG, "client {0}: PINGREQ from {1} refused: not its address, and that link proved nothing",
                    clientId, from);
            ctx.send(fromLink, from, new Disconnect());
            return;
        }
        if (!from.equals(session.address())) {
            session.moveTo(fromLink, from);
        }
        supervision.heard();
        if (state == SessionState.ACTIVE) {
            session.send(new PingResp());
            return;
        }
        session.becomes(SessionState.AWAKE);
        supervision.arm();
        awaitUpstreamWake();
        session.pump();
    }

    /** After a pump: an awake client that has everything goes back to sleep with its PINGRESP. */
    void backToSleepIfDone() {
        if (session.state() == SessionState.AWAKE && !upstreamWaking && deliveries.idle()) {
            session.send(new PingResp());
            session.becomes(SessionState.ASLEEP);
            ctx.upstream.sensorAsleep(session.origin());
            supervision.arm();
        }
    }

    /**
     * A sleeping sensor woke: where the upstream fetches what its broker kept for the sensor (transparent mode), the
     * wake's PINGRESP waits until that has been routed here. Through the router's queue, so that every message the
     * upstream handed over before completing is posted to this loop first.
     */
    private void awaitUpstreamWake() {
        CompletableFuture<Void> fetched = ctx.upstream.sensorAwake(session.origin());
        if (fetched.isDone()) {
            return;
        }
        upstreamWaking = true;
        fetched.whenComplete((ok, failure) -> ctx.router.afterRouted(() -> session.post(() -> {
            upstreamWaking = false;
            session.pump();
        })));
    }
}

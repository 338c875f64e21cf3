package io.sngw.deploy.http;

import io.sngw.core.SessionView;
import io.sngw.core.linksec.PairingWindows;
import io.sngw.transport.udp.dtls.DtlsStats;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * What the operator's endpoint reads of a running gateway; the gateway's composition root answers it. Every method is
 * a read of state other parts own (counters, a snapshot taken on the owner's thread), never work on a session loop's
 * behalf: the endpoint's single thread calls these and may wait on the futures.
 */
public interface GatewayState {

    String version();

    /** Every counter by key, as {@code GatewayApp.counters()} lists them. */
    Map<String, Long> counters();

    /** The broker the bridge connects to, e.g. tcp://127.0.0.1:1883; null before start. */
    String upstreamUrl();

    /** The bridge's connection to the broker, as seen so far. */
    UpstreamWatch upstream();

    /** The first {@code limit} sessions by client id, each as seen on its own loop. */
    CompletableFuture<List<SessionView>> sessions(int limit);

    /** Sessions by state, then by link kind ("none" without an address), counted on their loops. */
    CompletableFuture<Map<SessionView.Status, Map<String, Long>>> sessionCounts();

    /** The MQTT-SN links: listeners and serial ports, in start-up order. */
    List<LinkView> links();

    /** Messages in the outbound queue not yet acknowledged by the broker (0 without a queue). */
    long queueDepth();

    /** When its oldest message was accepted (epoch millis), empty when it holds none or there is no queue. */
    CompletableFuture<OptionalLong> oldestQueuedAtMillis();

    /** Store writes that failed since start (0 without a durable store). */
    long storeWriteFailures();

    /** The DTLS listener's counters; null without one. */
    DtlsStats dtlsStats();

    /** Where pairing windows open ({@code POST /api/pair}); null before start. */
    PairingWindows pairingWindows();

    /** The store's directory, absolute; null without a durable store. */
    Path storeDir();

    /**
     * One MQTT-SN link as an operator sees it.
     *
     * @param kind    udp, dtls or serial
     * @param address where it listens: ADDRESS:PORT, or the serial device
     * @param state   listening, open or closed (a serial port that vanished and waits to be reopened)
     */
    record LinkView(String kind, String address, String state) {
    }
}

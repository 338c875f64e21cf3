package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.Packets.describe;
import static io.sngw.bridge.mqtt.Packets.messageId;
import static io.sngw.bridge.mqtt.Packets.reasonCode;
import static io.sngw.bridge.mqtt.Packets.reply;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sngw.core.upstream.UpstreamUnavailableException;

/**
 * One TCP connection (or attempt) to the broker and the MQTT protocol on it: CONNECT/CONNACK, re-subscribing,
 * the acknowledgements of both directions, keep-alive. The last handler of the channel's pipeline; what outlives the
 * connection (subscriptions, QoS 2 ids, reconnecting) belongs to its {@link BrokerSession}. Upstream loop only.
 */
final class BrokerConnection extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(MqttBridge.class.getName());
    private static final int MAX_FILTERS_PER_SUBSCRIBE = 64;

    private final BrokerSession session;
    private final BridgeOptions options;
    private final EventLoop loop;
    private final SubscriptionTable subscriptions;
    private final Qos2Session qos2;
    final PublishWindow window = new PublishWindow();
    /** QoS 1/2 PUBLISHes from the broker not acknowledged yet, in the order they came. */
    private final ArrayDeque<Acknowledgement> unacknowledged = new ArrayDeque<>();
    private final Runnable flushTask = this::flushNow;
    private final KeepAlive keepAlive;
    private final ProtocolOptions protocol;
    private final BridgeCounters counters;
    /** MQTT 5: this connection's PUBLISH encoder with its topic aliases; null on 3.1.1. */
    Mqtt5Publish mqtt5;
    /** The broker's Receive Maximum: publishes beyond it wait for an acknowledgement. */
    final SendQuota sendQuota = new SendQuota();
    Channel channel;
    boolean sessionActive;
    boolean up;
    boolean ended;
    private String closeReason;
    private int resubscribesOutstanding;
    long upSinceNanos;
    private boolean flushScheduled;
    private ScheduledFuture<?> connAckTimeout;

    /** The gateway's status payloads on {@link BridgeOptions#statusTopic()}, retained. */
    static final byte[] STATUS_ONLINE = "online".getBytes(StandardCharsets.US_ASCII);
    static final byte[] STATUS_OFFLINE = "offline".getBytes(StandardCharsets.US_ASCII);

    private MqttPublishMessage status(byte[] payload, MqttQoS qos, int id) {
        return MqttMessageBuilders.publish().topicName(options.statusTopic()).qos(qos).retained(true).messageId(id)
                .payload(Unpooled.wrappedBuffer(payload)).build();
    }

    BrokerConnection(BrokerSession session) {
        this.session = session;
        this.options = session.options();
        this.loop = session.loop();
        this.subscriptions = session.subscriptions();
        this.qos2 = session.qos2();
        this.protocol = session.protocol();
        this.counters = session.counters();
        this.keepAlive = new KeepAlive(loop, options.keepAlive(), () -> write(Packets.PINGREQ), this::close);
    }

    // ---- writing ----

    /** Writes; one flush follows at the end of this loop iteration, however many writes it makes. */
    ChannelFuture write(Object message) {
        ChannelFuture f = channel.write(message);
        if (!flushScheduled) {
            flushScheduled = true;
            if (loop instanceof SingleThreadEventLoop stel) {
                stel.executeAfterEventLoopIteration(flushTask);
            } else {
                loop.execute(flushTask);
            }
        }
        return f;
    }

    private void flushNow() {
        flushScheduled = false;
        channel.flush();
    }

    // ---- the broker's Receive Maximum ----

    /** An acknowledgement freed a place in the broker's window: held publishes take it, oldest first. */
    private void sendQuotaReturned() {
        sendQuota.returned();
        if (!sendQuota.hasHeld() || closeReason != null) {
            return;
        }
        PublishBatch batch = new PublishBatch(channel.alloc(), session.qos0Permits(), session.counters().writeLatency);
        SendQuota.Held h;
        while ((h = sendQuota.next()) != null) {
            batch.add(h.message(), h.packetId(), null, mqtt5, 0);
        }
        batch.write(this);
    }

    void close(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        channel.close();
    }

    void disconnect() {
        if (channel != null && channel.isActive()) {
            closeReason = "bridge closed";
            if (sessionActive) {
                if (options.statusTopic() != null) {
                    // DISCONNECT discards the will: say offline ourselves (QoS 0, written before the DISCONNECT)
                    channel.write(status(STATUS_OFFLINE, MqttQoS.AT_MOST_ONCE, 0));
                }
                channel.writeAndFlush(Packets.DISCONNECT);
            }
            channel.close();
        }
    }

    void cancelTimers() {
        if (connAckTimeout != null) {
            connAckTimeout.cancel(false);
        }
        keepAlive.cancel();
    }

    /** Fails what awaited the broker on this connection; a persistent session keeps its QoS 2 ids to release. */
    void failPending(String reason) {
        sendQuota.clear(); // their packet ids are in the window: failed below with the rest
        if (window.isEmpty()) {
            return;
        }
        if (!options.cleanSession()) {
            qos2.keepUnreleased(window.qos2Ids());
        }
        for (Pending p : window.drain()) {
            if (p instanceof Pending.Publish pp) {
                if (!pp.released) {
                    pp.future.completeExceptionally(new UpstreamUnavailableException(
                            "connection to broker lost before acknowledgement (" + reason + ")"));
                }
            } else if (p instanceof Pending.Subscribe ps) {
                for (Pending.SubRequest r : ps.requests()) {
                    if (r.future() != null) {
                        subscriptions.unref(r.subscription());
                        r.future().completeExceptionally(new UpstreamUnavailableException(
                                "connection to broker lost before SUBACK (" + reason + ")"));
                    }
                }
            } else if (p instanceof Pending.Unsubscribe pu) {
                pu.future().complete(null);
            }
        }
    }

    // ---- channel events ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (!session.isCurrent(this)) {
            ctx.close();
            return;
        }
        keepAlive.onRead();
        MqttMessageBuilders.ConnectBuilder connect = MqttMessageBuilders.connect()
                .protocolVersion(protocol.protocol().version())
                .clientId(options.clientId())
                .cleanSession(session.cleanStart())
                .keepAlive(options.keepAliveSeconds());
        if (protocol.isMqtt5()) {
            // Session expiry in place of CleanSession=false: the broker keeps a persistent session this long.
            MqttProperties properties = new MqttProperties();
            properties.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL
                    .value(), options.cleanSession() ? 0 : protocol.sessionExpirySeconds()));
            connect.properties(properties);
        }
        ConnectWill.add(connect, session.owner(), protocol);
        if (options.username() != null) {
            connect.hasUser(true).username(options.username());
        }
        if (options.password() != null) {
            connect.hasPassword(true).password(options.password().getBytes(StandardCharsets.UTF_8));
        }
        if (options.statusTopic() != null) {
            // The broker publishes it for us when this connection dies without a DISCONNECT.
            connect.willFlag(true).willTopic(options.statusTopic()).willQoS(MqttQoS.AT_LEAST_ONCE).willRetain(true)
                    .willMessage(STATUS_OFFLINE);
        }
        write(connect.build());
        long timeout = options.connectTimeout().toMillis();
        connAckTimeout = ctx.executor().schedule(
                () -> close("no CONNACK within " + timeout + " ms"), timeout, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            session.outbox().resume(); // the broker drained what was written: take the publishes waiting meanwhile
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.connectionEnded(this, closeReason != null ? closeReason
                : duringTlsHandshake("connection closed by broker"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String tlsProblem = options.tls() == null ? null : TlsFailures.describe(cause, options.tls(), options.host());
        close(tlsProblem != null ? tlsProblem : duringTlsHandshake(describe(cause)));
    }

    /** A connection that ends before the TLS handshake did is most likely a plain port taken for a TLS one. */
    private String duringTlsHandshake(String reason) {
        SslHandler tls = channel == null ? null : channel.pipeline().get(SslHandler.class);
        if (tls == null || tls.handshakeFuture().isDone()) {
            return reason;
        }
        return reason + " during the TLS handshake: is port " + options.port() + " the broker's TLS listener?";
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            if (sessionActive) {
                keepAlive.onIdle();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        keepAlive.onRead();
        try {
            if (closeReason != null) {
                return; // closing: ignore what is still in the pipe
            }
            if (msg instanceof MqttMessage m) {
                onPacket(m);
            } else if (msg instanceof OversizedPublish o) {
                onOversizedPublish(o);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    // ---- packets from the broker ----

    private void onPacket(MqttMessage m) {
        if (m.decoderResult().isFailure()) {
            close("malformed packet from broker: " + describe(m.decoderResult().cause()));
            return;
        }
        MqttMessageType type = m.fixedHeader().messageType();
        if (!sessionActive && type != MqttMessageType.CONNACK) {
            close("protocol error: " + type + " from broker before CONNACK");
            return;
        }
        switch (type) {
            case CONNACK -> onConnAck((MqttConnAckMessage) m);
            case PUBLISH -> onPublish((MqttPublishMessage) m);
            case PUBACK -> onPubAck(messageId(m), reasonCode(m));
            case PUBREC -> onPubRec(messageId(m), reasonCode(m));
            case PUBREL -> onPubRel(messageId(m));
            case PUBCOMP -> onPubComp(messageId(m));
            case DISCONNECT -> onDisconnect(m);
            case SUBACK -> onSubAck(messageId(m), ((MqttSubAckMessage) m).payload().reasonCodes());
            case UNSUBACK -> onUnsubAck(messageId(m));
            case PINGRESP -> {
                // the keep-alive already saw it arrive
            }
            default -> close("protocol error: unexpected " + type + " from broker");
        }
    }

    private void onConnAck(MqttConnAckMessage m) {
        if (sessionActive) {
            close("protocol error: second CONNACK from broker");
            return;
        }
        connAckTimeout.cancel(false);
        MqttConnectReturnCode code = m.variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            if (protocol.isMqtt5()) {
                counters.reason("connack", code.byteValue());
            }
            close(ConnAckRefusals.describe(code, options.clientId()));
            return;
        }
        sessionActive = true;
        if (protocol.isMqtt5()) {
            MqttProperties p = m.variableHeader().properties();
            int receiveMaximum = intProperty(p, MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM, 65535);
            sendQuota.receiveMaximum(receiveMaximum);
            int brokerAliases = intProperty(p, MqttProperties.MqttPropertyType.TOPIC_ALIAS_MAXIMUM, 0);
            mqtt5 = new Mqtt5Publish(Math.min(protocol.topicAliases(), brokerAliases), counters);
            LOG.log(Level.DEBUG, "MQTT 5 broker {0}: Receive Maximum {1}, Topic Alias Maximum {2}",
                    options.address(), receiveMaximum, brokerAliases);
        }
        if (m.variableHeader().isSessionPresent()) {
            releaseUnreleasedQos2();
            unsubscribeOffline();
        } else {
            qos2.forget();
            subscriptions.forgetOfflineUnsubscribes();
        }
        // after the released QoS 2 ids are back in the window, so that this id is not one of them
        if (options.statusTopic() != null) {
            int id = window.allocatePacketId();
            window.put(id, new Pending.Publish(new CompletableFuture<>(), 1));
            write(status(STATUS_ONLINE, MqttQoS.AT_LEAST_ONCE, id));
        }
        resubscribe();
    }

    private void releaseUnreleasedQos2() {
        for (int id : qos2.takeUnreleased()) {
            Pending.Publish released = new Pending.Publish(null, 2);
            released.released = true;
            window.put(id, released);
            write(reply(MqttMessageType.PUBREL, id));
        }
    }

    private void unsubscribeOffline() {
        for (String filter : subscriptions.takeOfflineUnsubscribes()) {
            int id = window.allocatePacketId();
            window.put(id, new Pending.Unsubscribe(new CompletableFuture<>()));
            write(MqttMessageBuilders.unsubscribe().messageId(id).addTopicFilter(filter).build());
        }
    }

    private void resubscribe() {
        List<SubscriptionTable.Subscription> all = subscriptions.all();
        for (int from = 0; from < all.size(); from += MAX_FILTERS_PER_SUBSCRIBE) {
            List<SubscriptionTable.Subscription> batch =
                    all.subList(from, Math.min(all.size(), from + MAX_FILTERS_PER_SUBSCRIBE));
            int id = window.allocatePacketId();
            MqttMessageBuilders.SubscribeBuilder subscribe = MqttMessageBuilders.subscribe().messageId(id);
            List<Pending.SubRequest> requests = new ArrayList<>(batch.size());
            for (SubscriptionTable.Subscription s : batch) {
                subscribe.addSubscription(MqttQoS.valueOf(s.qos), s.filter);
                requests.add(new Pending.SubRequest(s, null));
            }
            window.put(id, new Pending.Subscribe(requests, true));
            resubscribesOutstanding++;
            write(subscribe.build());
        }
        if (resubscribesOutstanding == 0) {
            session.connectionUp(this);
        }
    }

    private void onPublish(MqttPublishMessage p) {
        int qos = p.fixedHeader().qosLevel().value();
        String topic = p.variableHeader().topicName();
        int id = p.variableHeader().packetId();
        if (qos == 2 && qos2.alreadyReceived(id)) {
            acknowledgeNow(id, true); // the broker re-sent a PUBLISH we already have
            return;
        }
        Runnable taken = Acknowledgement.NOTHING_TO_ACKNOWLEDGE;
        if (qos > 0) {
            Acknowledgement a = new Acknowledgement(this, loop, id, qos == 2);
            unacknowledged.addLast(a);
            taken = a;
        }
        session.deliver(topic, ByteBufUtil.getBytes(p.content()), qos, p.fixedHeader().isRetain(), taken);
    }

    /** Acknowledges a PUBLISH that needs nothing from the core, still behind those that came before it. */
    private void acknowledgeNow(int id, boolean isQos2) {
        Acknowledgement a = new Acknowledgement(this, loop, id, isQos2);
        a.taken = true;
        unacknowledged.addLast(a);
        releaseAcknowledgements();
    }

    /**
     * Sends the acknowledgements the core has released, in the order their PUBLISHes came (MQTT 3.1.1 §4.6 requires
     * it), up to the first one still waiting.
     */
    void releaseAcknowledgements() {
        if (ended || closeReason != null) {
            return; // the broker sends them again on the next connection: these ids mean nothing there
        }
        Acknowledgement a;
        while ((a = unacknowledged.peekFirst()) != null && a.taken) {
            unacknowledged.pollFirst();
            if (a.qos2) {
                qos2.received(a.packetId);
                write(reply(MqttMessageType.PUBREC, a.packetId));
            } else {
                write(reply(MqttMessageType.PUBACK, a.packetId));
            }
        }
    }

    private void onOversizedPublish(OversizedPublish o) {
        if (!sessionActive) {
            close("protocol error: PUBLISH from broker before CONNACK");
            return;
        }
        if (o.qos() == 2 && qos2.alreadyReceived(o.packetId())) {
            acknowledgeNow(o.packetId(), true);
            return;
        }
        LOG.log(Level.WARNING, "dropped a {0}-byte PUBLISH for ''{1}'' from the broker: larger than {2} bytes",
                String.valueOf(o.remainingLength()), o.topic(), String.valueOf(MqttBridge.MAX_INBOUND_PACKET_BYTES));
        if (o.qos() > 0) {
            acknowledgeNow(o.packetId(), o.qos() == 2);
        }
    }

    private void onPubAck(int id, int reason) {
        Pending.Publish pp = window.acknowledged(id);
        if (pp != null) {
            sendQuotaReturned();
            if (reason == 0) {
                pp.future.complete(null);
                return;
            }
            counters.reason("puback", reason);
            if (reason < 0x80) {
                pp.future.complete(null); // 0x10 no matching subscribers: the broker has it all the same
            } else {
                pp.future.completeExceptionally(refused("PUBACK", reason));
            }
        } else {
            LOG.log(Level.DEBUG, "ignored PUBACK for unknown packet id {0}", id);
        }
    }

    private void onPubRec(int id, int reason) {
        Pending.Publish pp = window.qos2(id);
        if (pp == null) {
            LOG.log(Level.DEBUG, "ignored PUBREC for unknown packet id {0}", id);
            return;
        }
        if (reason != 0) {
            counters.reason("pubrec", reason);
        }
        if (reason >= 0x80) {
            // MQTT 5 §4.3.3: a failed PUBREC ends the exchange; the id is free and no PUBREL follows
            window.release(pp);
            window.completed(id);
            sendQuotaReturned();
            pp.future.completeExceptionally(refused("PUBREC", reason));
            return;
        }
        if (window.release(pp)) {
            pp.future.complete(null);
        }
        write(reply(MqttMessageType.PUBREL, id));
    }

    private void onPubComp(int id) {
        if (window.completed(id)) {
            sendQuotaReturned();
        } else {
            LOG.log(Level.DEBUG, "ignored PUBCOMP for unknown packet id {0}", id);
        }
    }

    private static int intProperty(MqttProperties properties, MqttProperties.MqttPropertyType type, int absent) {
        MqttProperties.MqttProperty<?> p = properties.getProperty(type.value());
        return p != null && p.value() instanceof Integer i ? i : absent;
    }

    private UpstreamUnavailableException refused(String packet, int reason) {
        LOG.log(Level.DEBUG, "broker {0} refused a publish: {1} reason code 0x{2}", options.address(), packet,
                Integer.toHexString(reason));
        return new UpstreamUnavailableException("broker refused the publish: " + packet + " reason code 0x"
                + Integer.toHexString(reason));
    }

    /** MQTT 5: the broker ends the connection and says why. */
    private void onDisconnect(MqttMessage m) {
        int reason = m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h ? h.reasonCode() & 0xFF : 0;
        counters.reason("disconnect", reason);
        close("broker sent DISCONNECT with reason code 0x" + Integer.toHexString(reason));
    }

    private void onPubRel(int id) {
        qos2.releasedByBroker(id);
        write(reply(MqttMessageType.PUBCOMP, id));
    }

    private void onSubAck(int id, List<Integer> codes) {
        Pending.Subscribe ps = window.take(id, Pending.Subscribe.class);
        if (ps == null) {
            LOG.log(Level.DEBUG, "ignored SUBACK for unknown packet id {0}", id);
            return;
        }
        for (int i = 0; i < ps.requests().size(); i++) {
            Pending.SubRequest r = ps.requests().get(i);
            int code = i < codes.size() ? codes.get(i) : 0x80;
            boolean refused = code < 0 || code > 2;
            if (refused && protocol.isMqtt5()) {
                counters.reason("suback", code);
            }
            if (r.future() == null) {
                if (refused) {
                    LOG.log(Level.WARNING, "broker refused the re-subscription to ''{0}'' (SUBACK 0x{1})",
                            r.subscription().filter, Integer.toHexString(code));
                }
            } else if (refused) {
                subscriptions.unref(r.subscription());
                r.future().completeExceptionally(new SubscriptionRefusedException(r.subscription().filter));
            } else {
                r.future().complete(code);
            }
        }
        if (ps.resubscribe() && --resubscribesOutstanding == 0 && !up) {
            session.connectionUp(this);
        }
    }

    private void onUnsubAck(int id) {
        Pending.Unsubscribe pu = window.take(id, Pending.Unsubscribe.class);
        if (pu != null) {
            pu.future().complete(null);
        } else {
            LOG.log(Level.DEBUG, "ignored UNSUBACK for unknown packet id {0}", id);
        }
    }
}

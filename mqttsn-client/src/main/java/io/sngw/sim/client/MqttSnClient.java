package io.sngw.sim.client;

import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.MqttSnMessage.UnsubAck;
import io.sngw.core.codec.MqttSnMessage.Unsubscribe;
import io.sngw.core.codec.MqttSnMessage.WillMsg;
import io.sngw.core.codec.MqttSnMessage.WillMsgResp;
import io.sngw.core.codec.MqttSnMessage.WillMsgUpd;
import io.sngw.core.codec.MqttSnMessage.WillTopic;
import io.sngw.core.codec.MqttSnMessage.WillTopicResp;
import io.sngw.core.codec.MqttSnMessage.WillTopicUpd;
import io.sngw.core.codec.MsgType;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import static io.sngw.sim.client.Exchanges.key;

/**
 * An MQTT-SN 1.2 client over UDP, DTLS or a serial line ({@link ClientTransport}), for tests, benchmarks and demos that drive the
 * gateway as sensors would.
 *
 * <p>One daemon receiver thread per client decodes what the gateway sends: answers complete the request waiting for
 * them (matched by type and message id); PUBLISHes are acknowledged at their QoS and queued as
 * {@link ReceivedMessage}s; REGISTERs are remembered and acknowledged; anything else lands in an "unsolicited" queue
 * that tests read with {@link #nextUnsolicited}.
 *
 * <p>The blocking methods wait for their answer up to the timeout (or through the retries of the
 * {@link RetryPolicy}) and throw {@link MqttSnTimeoutException} naming what they waited for. They may be called
 * from any thread; two requests that expect the same answer (e.g. two CONNECTs) may not be open at once.
 * {@link #publishAsync} keeps up to {@link ClientOptions#maxInFlight()} publishes open for load generation.
 */
public final class MqttSnClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MqttSnClient.class.getName());
    private static final long CLOSE_JOIN_MILLIS = 2000;

    private final ClientTransport transport;
    private final InetSocketAddress gateway;
    private final InetSocketAddress localAddress;
    private final Map<Integer, String> predefinedNames;
    private final Map<String, Integer> predefinedIds;
    private final Semaphore window;
    private final Exchanges exchanges;
    private final Thread receiver;

    private final AtomicInteger lastMsgId = new AtomicInteger();
    /** Normal topic ids this client knows, both ways: from REGACK, SUBACK and the gateway's REGISTER. */
    private final Map<Integer, String> topicNames = new ConcurrentHashMap<>();
    private final Map<String, Integer> topicIds = new ConcurrentHashMap<>();
    /** Message ids of QoS 2 PUBLISHes from the gateway that were delivered and await PUBREL: the dedupe set. */
    private final Set<Integer> qos2Received = ConcurrentHashMap.newKeySet();
    private final BlockingDeque<ReceivedMessage> messages = new LinkedBlockingDeque<>();
    private final BlockingQueue<MqttSnMessage> unsolicited = new LinkedBlockingQueue<>();
    private final LongAdder malformed = new LongAdder();

    private final Object wakeLock = new Object();
    private List<ReceivedMessage> wakeCollector; // guarded by wakeLock; non-null while wake() waits for PINGRESP

    private volatile Duration timeout;
    private volatile RetryPolicy retry;
    private volatile boolean answerRegister;
    private volatile Consumer<ReceivedMessage> listener;
    private volatile String clientId;
    private volatile boolean closed;
    /** Why the transport ended under the client (a DTLS session the gateway closed), or null while it stands. */
    private volatile String ended;

    /** A client of the gateway at that address, on an ephemeral local port, with the default options. */
    public MqttSnClient(InetSocketAddress gateway) {
        this(gateway, ClientOptions.defaults());
    }

    /** A client bound to {@code localAddress} (port 0 for an ephemeral one). */
    public MqttSnClient(InetSocketAddress gateway, InetSocketAddress localAddress) {
        this(gateway, ClientOptions.defaults().withLocalAddress(localAddress));
    }

    /** A client over plain UDP; {@link ClientOptions#localAddress()} is the socket it binds. */
    public MqttSnClient(InetSocketAddress gateway, ClientOptions options) {
        this(UdpClientTransport.open(gateway, Objects.requireNonNull(options, "options").localAddress()), options);
    }

    /**
     * A client over a DTLS session with the gateway's DTLS listener: binds {@link ClientOptions#localAddress()} and
     * runs the handshake (for at most the options' timeout, or 10 s if that is longer) before returning.
     *
     * @throws UncheckedIOException when the handshake fails
     */
    public static MqttSnClient overDtls(InetSocketAddress gateway, DtlsCredentials credentials, ClientOptions options) {
        Duration handshakeTimeout = options.timeout().compareTo(Duration.ofSeconds(10)) > 0
                ? options.timeout() : Duration.ofSeconds(10);
        return new MqttSnClient(DtlsClientTransport.connect(gateway, credentials, options.localAddress(),
                handshakeTimeout), options);
    }

    /**
     * A client over any transport, which it owns from here on ({@link #close()} closes it).
     * {@link ClientOptions#localAddress()} is not used: the transport is already bound.
     */
    public MqttSnClient(ClientTransport transport, ClientOptions options) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.gateway = transport.remoteAddress();
        this.localAddress = transport.localAddress();
        Objects.requireNonNull(options, "options");
        this.timeout = options.timeout();
        this.retry = options.retry();
        this.answerRegister = options.answerRegister();
        this.predefinedNames = options.predefinedTopics();
        Map<String, Integer> ids = new ConcurrentHashMap<>();
        predefinedNames.forEach((id, name) -> ids.put(name, id));
        this.predefinedIds = Map.copyOf(ids);
        this.window = new Semaphore(options.maxInFlight());
        this.exchanges = new Exchanges(this::transmit, this::describe);
        this.receiver = new Thread(this::receiveLoop, "mqttsn-client-"
                + (localAddress != null ? String.valueOf(localAddress.getPort()) : transport.toString()));
        receiver.setDaemon(true);
        receiver.start();
    }

    // ------------------------------------------------------------------------------------------------- settings

    /** The client's socket address; null over a serial line. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public InetSocketAddress gateway() {
        return gateway;
    }

    /** The transport the client speaks over. */
    public ClientTransport transport() {
        return transport;
    }

    /** The client id of the last {@link #connect}, or null. */
    public String clientId() {
        return clientId;
    }

    public Duration timeout() {
        return timeout;
    }

    /** How long later requests wait for their answer (when retries are off). */
    public void setTimeout(Duration newTimeout) {
        Objects.requireNonNull(newTimeout, "timeout");
        if (newTimeout.isZero() || newTimeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive: " + newTimeout);
        }
        this.timeout = newTimeout;
    }

    public void setRetryPolicy(RetryPolicy newRetry) {
        this.retry = Objects.requireNonNull(newRetry, "retry");
    }

    /**
     * Whether REGISTERs from the gateway are acknowledged automatically. When off, each REGISTER still teaches the
     * client the id's name and is put in the unsolicited queue, so a test can watch the gateway resend it.
     */
    public void setAnswerRegister(boolean answer) {
        this.answerRegister = answer;
    }

    /**
     * Hands each received message to {@code newListener} on the receiver thread instead of queueing it (for
     * benchmarks that would otherwise fill the queue); null restores queueing. The listener must not block.
     */
    public void setMessageListener(Consumer<ReceivedMessage> newListener) {
        this.listener = newListener;
    }

    /** The normal topic ids this client knows, id to name (a snapshot). */
    public Map<Integer, String> knownTopicIds() {
        return Map.copyOf(topicNames);
    }

    /** Datagrams from the gateway that did not decode. */
    public long malformedCount() {
        return malformed.sum();
    }

    /** The next message id, 1..65535 and round again; 0 is never used (it means "none" in PUBLISH). */
    public int allocateMsgId() {
        return lastMsgId.updateAndGet(id -> id >= 0xFFFF ? 1 : id + 1);
    }

    // ---------------------------------------------------------------------------------------------- connection

    /** CONNECT without a will; returns the CONNACK whatever its return code. */
    public ConnAck connect(String clientId, int keepAliveSeconds, boolean cleanSession) {
        Connect connect = new Connect(false, cleanSession, keepAliveSeconds, clientId);
        beginSession(clientId, cleanSession);
        return (ConnAck) await(exchange(connect, connect, key(MsgType.CONNACK)));
    }

    /**
     * CONNECT with a will: CONNECT, WILLTOPICREQ, WILLTOPIC, WILLMSGREQ, WILLMSG, CONNACK. A CONNACK at any step
     * (a gateway refusing early) ends the dialogue and is returned. A null will is a plain CONNECT.
     */
    public ConnAck connect(String clientId, int keepAliveSeconds, boolean cleanSession, Will will) {
        if (will == null) {
            return connect(clientId, keepAliveSeconds, cleanSession);
        }
        Connect connect = new Connect(true, cleanSession, keepAliveSeconds, clientId);
        beginSession(clientId, cleanSession);
        MqttSnMessage answer = await(exchange(connect, connect, key(MsgType.WILLTOPICREQ), key(MsgType.CONNACK)));
        if (answer instanceof ConnAck connAck) {
            return connAck;
        }
        WillTopic willTopic = new WillTopic(will.qos(), will.retain(), will.topic());
        answer = await(exchange(willTopic, willTopic, key(MsgType.WILLMSGREQ), key(MsgType.CONNACK)));
        if (answer instanceof ConnAck connAck) {
            return connAck;
        }
        WillMsg willMsg = new WillMsg(will.message());
        return (ConnAck) await(exchange(willMsg, willMsg, key(MsgType.CONNACK)));
    }

    private void beginSession(String id, boolean cleanSession) {
        this.clientId = id;
        if (cleanSession) {
            // The gateway drops this client's registrations with a clean session; ids we cached mean nothing now.
            topicNames.clear();
            topicIds.clear();
        }
    }

    /** PINGREQ without a client id (keep-alive); returns the PINGRESP. */
    public PingResp ping() {
        PingReq ping = new PingReq();
        return (PingResp) await(exchange(ping, ping, key(MsgType.PINGRESP)));
    }

    /** DISCONNECT; returns the gateway's DISCONNECT. */
    public Disconnect disconnect() {
        Disconnect disconnect = new Disconnect();
        return (Disconnect) await(exchange(disconnect, disconnect, key(MsgType.DISCONNECT)));
    }

    /** DISCONNECT with a sleep duration: the client is asleep once the gateway answers DISCONNECT. */
    public Disconnect sleep(int seconds) {
        Disconnect sleep = new Disconnect(seconds);
        return (Disconnect) await(exchange(sleep, sleep, key(MsgType.DISCONNECT)));
    }

    /** {@link #wake(String)} with the client id of the last connect. */
    public List<ReceivedMessage> wake() {
        String id = clientId;
        if (id == null) {
            throw new IllegalStateException("wake() needs a client id: connect first, or call wake(clientId)");
        }
        return wake(id);
    }

    /**
     * PINGREQ with the client id: the gateway sends what it buffered while the client slept, then PINGRESP.
     * Returns those messages, in order; they are acknowledged as usual and do not also go to the message queue.
     */
    public List<ReceivedMessage> wake(String asClientId) {
        PingReq wake = new PingReq(asClientId);
        List<ReceivedMessage> collected = new ArrayList<>();
        synchronized (wakeLock) {
            if (wakeCollector != null) {
                throw new IllegalStateException("a wake() is already waiting for its PINGRESP");
            }
            wakeCollector = collected;
        }
        try {
            await(exchange(wake, wake, key(MsgType.PINGRESP)));
        } finally {
            stopCollecting();
        }
        synchronized (wakeLock) {
            return List.copyOf(collected);
        }
    }

    private void stopCollecting() {
        synchronized (wakeLock) {
            wakeCollector = null;
        }
    }

    /** WILLTOPICUPD; returns the WILLTOPICRESP. */
    public WillTopicResp updateWillTopic(String topic, int qos, boolean retain) {
        WillTopicUpd update = new WillTopicUpd(qos, retain, Objects.requireNonNull(topic, "topic"));
        return (WillTopicResp) await(exchange(update, update, key(MsgType.WILLTOPICRESP)));
    }

    /** The bare WILLTOPICUPD, which deletes the will; returns the WILLTOPICRESP. */
    public WillTopicResp deleteWill() {
        WillTopicUpd delete = new WillTopicUpd(0, false, "");
        return (WillTopicResp) await(exchange(delete, delete, key(MsgType.WILLTOPICRESP)));
    }

    /** WILLMSGUPD; returns the WILLMSGRESP. */
    public WillMsgResp updateWillMessage(byte[] message) {
        WillMsgUpd update = new WillMsgUpd(message);
        return (WillMsgResp) await(exchange(update, update, key(MsgType.WILLMSGRESP)));
    }

    // ------------------------------------------------------------------------------------------------ topics

    /** REGISTER a topic name; returns the REGACK and, when accepted, remembers the id for both directions. */
    public RegAck register(String topicName) {
        int msgId = allocateMsgId();
        Register register = new Register(0, msgId, topicName);
        RegAck regAck = (RegAck) await(exchange(register, register, key(MsgType.REGACK, msgId)));
        if (regAck.returnCode() == ReturnCode.ACCEPTED) {
            learn(regAck.topicId(), topicName);
        }
        return regAck;
    }

    /**
     * SUBSCRIBE by name (or filter), predefined id or short name; returns the SUBACK. An accepted subscription to a
     * name without wildcards teaches the client the returned topic id.
     */
    public SubAck subscribe(TopicRef topic, int qos) {
        int msgId = allocateMsgId();
        SubAck subAck = (SubAck) await(exchange(new Subscribe(false, qos, msgId, topic),
                new Subscribe(true, qos, msgId, topic), key(MsgType.SUBACK, msgId)));
        if (subAck.returnCode() == ReturnCode.ACCEPTED && subAck.topicId() != 0 && topic instanceof TopicRef.Name name
                && !isWildcard(name.name())) {
            learn(subAck.topicId(), name.name());
        }
        return subAck;
    }

    /** SUBSCRIBE to a topic name or filter. */
    public SubAck subscribe(String topicFilter, int qos) {
        return subscribe(new TopicRef.Name(topicFilter), qos);
    }

    public UnsubAck unsubscribe(TopicRef topic) {
        int msgId = allocateMsgId();
        Unsubscribe unsubscribe = new Unsubscribe(msgId, topic);
        return (UnsubAck) await(exchange(unsubscribe, unsubscribe, key(MsgType.UNSUBACK, msgId)));
    }

    public UnsubAck unsubscribe(String topicFilter) {
        return unsubscribe(new TopicRef.Name(topicFilter));
    }

    private void learn(int topicId, String name) {
        topicNames.put(topicId, name);
        topicIds.put(name, topicId);
    }

    private static boolean isWildcard(String filter) {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    // ---------------------------------------------------------------------------------------------- publishing

    /**
     * PUBLISH and wait for its acknowledgement. QoS 1 returns the gateway's PUBACK. QoS 2 runs PUBREC, PUBREL,
     * PUBCOMP and returns {@link Qos2Result#asPubAck()} (use {@link #publishQos2} to see the PUBREC and PUBCOMP).
     * QoS 0 and -1 are only sent, and return null.
     */
    public PubAck publish(TopicRef topic, int qos, boolean retain, byte[] payload) {
        return switch (qos) {
            case 1 -> (PubAck) await(startQos1(topic, retain, payload));
            case 2 -> publishQos2(topic, retain, payload).asPubAck();
            case 0 -> {
                publishQos0(topic, retain, payload);
                yield null;
            }
            case -1 -> {
                publishWithoutConnection(topic, payload);
                yield null;
            }
            default -> throw new IllegalArgumentException("QoS must be -1..2: " + qos);
        };
    }

    /**
     * PUBLISH to a topic name: a predefined id if the client has one for the name, else the normal id from an
     * earlier registration, else the name is registered first (once) and its id cached.
     *
     * @throws MqttSnException when the gateway refuses the registration
     */
    public PubAck publish(String topicName, int qos, boolean retain, byte[] payload) {
        return publish(topicRefFor(topicName), qos, retain, payload);
    }

    private TopicRef topicRefFor(String topicName) {
        Integer predefined = predefinedIds.get(topicName);
        if (predefined != null) {
            return new TopicRef.Predefined(predefined);
        }
        Integer id = topicIds.get(topicName);
        if (id != null) {
            return new TopicRef.Registered(id);
        }
        RegAck regAck = register(topicName);
        if (regAck.returnCode() != ReturnCode.ACCEPTED) {
            throw new MqttSnException(describe() + ": REGISTER of '" + topicName + "' refused: " + regAck.returnCode());
        }
        return new TopicRef.Registered(regAck.topicId());
    }

    /** QoS 2 PUBLISH through PUBREC, PUBREL, PUBCOMP (or a refusing PUBACK). */
    public Qos2Result publishQos2(TopicRef topic, boolean retain, byte[] payload) {
        return await(startQos2(topic, retain, payload));
    }

    /** QoS 0 PUBLISH: sent, nothing awaited. */
    public void publishQos0(TopicRef topic, boolean retain, byte[] payload) {
        transmit(new Publish(false, 0, retain, topic, 0, payload));
    }

    /** QoS -1 PUBLISH, the kind a client sends without connecting: a predefined id or a short name only. */
    public void publishWithoutConnection(TopicRef topic, byte[] payload) {
        if (!(topic instanceof TopicRef.Predefined || topic instanceof TopicRef.Short)) {
            throw new IllegalArgumentException("QoS -1 needs a predefined id or a short name, not " + topic);
        }
        transmit(new Publish(false, -1, false, topic, 0, payload));
    }

    /** {@link #publishAsync(TopicRef, int, boolean, byte[])} without retain. */
    public CompletableFuture<PubAck> publishAsync(TopicRef topic, int qos, byte[] payload) {
        return publishAsync(topic, qos, false, payload);
    }

    /**
     * PUBLISH without waiting for the acknowledgement, for load generation: up to
     * {@link ClientOptions#maxInFlight()} publishes may be open, each with its own message id. When the window is
     * full the call blocks until one completes (back-pressure), at most the timeout; the future then fails.
     * QoS 2 completes with {@link Qos2Result#asPubAck()}; QoS 0 and -1 complete at once with null.
     */
    public CompletableFuture<PubAck> publishAsync(TopicRef topic, int qos, boolean retain, byte[] payload) {
        if (qos == 0 || qos == -1) {
            publish(topic, qos, retain, payload);
            return CompletableFuture.completedFuture(null);
        }
        if (qos != 1 && qos != 2) {
            throw new IllegalArgumentException("QoS must be -1..2: " + qos);
        }
        try {
            if (!window.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return CompletableFuture.failedFuture(new MqttSnTimeoutException(describe() + ": the window of "
                        + "publishes in flight stayed full for " + timeout.toMillis() + " ms"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new MqttSnException("interrupted waiting for the publish window", e));
        }
        CompletableFuture<PubAck> ack;
        try {
            ack = qos == 1
                    ? startQos1(topic, retain, payload).thenApply(PubAck.class::cast)
                    : startQos2(topic, retain, payload).thenApply(Qos2Result::asPubAck);
        } catch (RuntimeException e) {
            window.release();
            throw e;
        }
        ack.whenComplete((result, failure) -> window.release());
        return ack;
    }

    private CompletableFuture<MqttSnMessage> startQos1(TopicRef topic, boolean retain, byte[] payload) {
        int msgId = allocateMsgId();
        Publish publish = new Publish(false, 1, retain, topic, msgId, payload);
        return exchange(publish, publish.withDup(), key(MsgType.PUBACK, msgId));
    }

    private CompletableFuture<Qos2Result> startQos2(TopicRef topic, boolean retain, byte[] payload) {
        int msgId = allocateMsgId();
        Publish publish = new Publish(false, 2, retain, topic, msgId, payload);
        int topicId = topicIdField(topic);
        // A gateway refuses a QoS 2 PUBLISH (e.g. unknown topic id) with PUBACK instead of PUBREC.
        return exchange(publish, publish.withDup(), key(MsgType.PUBREC, msgId), key(MsgType.PUBACK, msgId))
                .thenCompose(answer -> {
                    if (answer instanceof PubAck refusal) {
                        return CompletableFuture.completedFuture(new Qos2Result(topicId, msgId, null, null, refusal));
                    }
                    PubRec pubRec = (PubRec) answer;
                    PubRel pubRel = new PubRel(msgId);
                    return exchange(pubRel, pubRel, key(MsgType.PUBCOMP, msgId)).thenApply(
                            pubComp -> new Qos2Result(topicId, msgId, pubRec, (PubComp) pubComp, null));
                });
    }

    /** The 16-bit TopicId field a PUBLISH carries for this topic, as echoed in PUBACK. */
    private static int topicIdField(TopicRef topic) {
        if (topic instanceof TopicRef.Registered r) {
            return r.id();
        } else if (topic instanceof TopicRef.Predefined p) {
            return p.id();
        } else if (topic instanceof TopicRef.Short s) {
            return s.asId();
        }
        throw new IllegalArgumentException("PUBLISH carries a topic id or a short name, not " + topic);
    }

    // ------------------------------------------------------------------------------------------------- receiving

    /** The next message from the gateway, or null if none arrives within {@code wait}. */
    public ReceivedMessage nextMessage(Duration wait) {
        try {
            return messages.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The next {@code n} messages, in order.
     *
     * @throws MqttSnTimeoutException when fewer arrive within {@code wait}; those that did stay queued
     */
    public List<ReceivedMessage> awaitMessages(int n, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        List<ReceivedMessage> got = new ArrayList<>(n);
        while (got.size() < n) {
            ReceivedMessage next = nextMessage(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (next == null) {
                for (int i = got.size() - 1; i >= 0; i--) {
                    messages.addFirst(got.get(i));
                }
                throw new MqttSnTimeoutException(describe() + ": " + got.size() + " of " + n + " messages arrived within "
                        + wait.toMillis() + " ms: " + got);
            }
            got.add(next);
        }
        return got;
    }

    /** The next message no request was waiting for (DISCONNECT from the gateway, ADVERTISE, late acks), or null. */
    public MqttSnMessage nextUnsolicited(Duration wait) {
        try {
            return unsolicited.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // -------------------------------------------------------------------------------------------------- raw I/O

    /** Sends any message as it is, outside the request bookkeeping: answers to it go to the unsolicited queue. */
    public void send(MqttSnMessage message) {
        transmit(message);
    }

    /** Sends bytes as they are, for malformed-input tests. */
    public void sendRaw(byte[] datagram) {
        requireOpen();
        try {
            transport.send(datagram);
        } catch (IOException e) {
            throw new UncheckedIOException(describe() + ": cannot send to the gateway: " + e.getMessage(), e);
        }
    }

    private void transmit(MqttSnMessage message) {
        sendRaw(MqttSnCodec.encode(message));
    }

    private CompletableFuture<MqttSnMessage> exchange(MqttSnMessage request, MqttSnMessage resend,
                                                      Exchanges.Key... expected) {
        requireOpen();
        return exchanges.start(request, resend, timeout, retry, expected);
    }

    private void requireOpen() {
        if (closed) {
            throw new MqttSnException(describe() + " is closed");
        }
        String why = ended;
        if (why != null) {
            throw new MqttSnException(why);
        }
    }

    /** Waits for a request's answer; failures are rethrown with this caller's stack on top. */
    private static <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MqttSnException("interrupted while waiting for the gateway", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof MqttSnTimeoutException t) {
                throw new MqttSnTimeoutException(t.getMessage(), t);
            } else if (cause instanceof MqttSnException m) {
                throw new MqttSnException(m.getMessage(), m);
            } else if (cause instanceof UncheckedIOException io) {
                throw new UncheckedIOException(io.getMessage(), io.getCause());
            } else if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new MqttSnException(String.valueOf(cause), cause);
        }
    }

    private void receiveLoop() {
        while (!closed) {
            byte[] datagram;
            try {
                datagram = transport.receive();
            } catch (ClosedChannelException e) {
                if (!closed) {
                    // The gateway ended the session (a DTLS close_notify): nothing more will arrive or go out.
                    ended = describe() + ": the " + transport.kind() + " session was closed by the gateway";
                    exchanges.failAll(new MqttSnException(ended));
                    LOG.log(System.Logger.Level.DEBUG, ended);
                }
                break;
            } catch (IOException e) {
                if (closed) {
                    break;
                }
                LOG.log(System.Logger.Level.WARNING, describe() + ": receive failed: " + e);
                continue;
            }
            try {
                handle(datagram);
            } catch (RuntimeException e) {
                // One bad exchange must not deafen the client for the rest of the test.
                LOG.log(System.Logger.Level.WARNING, describe() + ": failed to handle a datagram", e);
            }
        }
    }

    private void handle(byte[] datagram) {
        DecodeResult result = MqttSnCodec.decode(datagram);
        if (result instanceof DecodeResult.Malformed bad) {
            malformed.increment();
            LOG.log(System.Logger.Level.WARNING, describe() + ": malformed datagram from the gateway: " + bad);
            return;
        }
        MqttSnMessage message = ((DecodeResult.Decoded) result).message();
        switch (message.type()) {
            case PUBLISH -> onPublish((Publish) message);
            case PUBREL -> onPubRel((PubRel) message);
            case REGISTER -> onRegister((Register) message);
            case PINGREQ -> transmit(new PingResp()); // the gateway checking on us
            case PINGRESP -> {
                // PUBLISHes before this PINGRESP belong to the wake; anything after it does not.
                stopCollecting();
                completeOrKeep(message);
            }
            case CONNACK, WILLTOPICREQ, WILLMSGREQ, REGACK, PUBACK, PUBREC, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT,
                    WILLTOPICRESP, WILLMSGRESP -> completeOrKeep(message);
            default -> unsolicited.add(message);
        }
    }

    private void completeOrKeep(MqttSnMessage answer) {
        if (!exchanges.complete(answer)) {
            unsolicited.add(answer);
        }
    }

    private void onPublish(Publish publish) {
        switch (publish.qos()) {
            case 1 -> {
                transmit(new PubAck(topicIdField(publish.topic()), publish.msgId(), ReturnCode.ACCEPTED));
                deliver(publish);
            }
            case 2 -> {
                // Delivered on first sight only; a resend (DUP) before PUBREL just gets its PUBREC again.
                if (qos2Received.add(publish.msgId())) {
                    deliver(publish);
                }
                transmit(new PubRec(publish.msgId()));
            }
            default -> deliver(publish);
        }
    }

    private void onPubRel(PubRel pubRel) {
        qos2Received.remove(pubRel.msgId());
        transmit(new PubComp(pubRel.msgId()));
    }

    private void onRegister(Register register) {
        learn(register.topicId(), register.topicName());
        if (answerRegister) {
            transmit(new RegAck(register.topicId(), register.msgId(), ReturnCode.ACCEPTED));
        } else {
            unsolicited.add(register);
        }
    }

    private void deliver(Publish publish) {
        ReceivedMessage received = new ReceivedMessage(topicName(publish.topic()), publish.topic(), publish.data(),
                publish.qos(), publish.retain(), publish.dup());
        synchronized (wakeLock) {
            if (wakeCollector != null) {
                wakeCollector.add(received);
                return;
            }
        }
        Consumer<ReceivedMessage> l = listener;
        if (l != null) {
            l.accept(received);
        } else {
            messages.add(received);
        }
    }

    private String topicName(TopicRef topic) {
        if (topic instanceof TopicRef.Registered r) {
            return topicNames.get(r.id());
        } else if (topic instanceof TopicRef.Predefined p) {
            return predefinedNames.get(p.id());
        } else if (topic instanceof TopicRef.Short s) {
            return s.name();
        }
        return null;
    }

    // --------------------------------------------------------------------------------------------------- closing

    /**
     * Closes the transport and stops the receiver thread; open requests fail. Sends no MQTT-SN message (a DTLS
     * session does say close_notify): call {@link #disconnect()} first for a clean goodbye. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        exchanges.failAll(new MqttSnException(describe() + " is closed"));
        transport.close(); // wakes the receiver thread out of receive()
        if (Thread.currentThread() != receiver) {
            try {
                receiver.join(CLOSE_JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    private String describe() {
        String id = clientId;
        String path = localAddress == null ? String.valueOf(transport) : localAddress + " -> gateway " + gateway
                + (transport.kind().equals("udp") ? "" : " over " + transport.kind());
        return "MQTT-SN client " + (id == null ? "" : "'" + id + "' ") + "(" + path + ")";
    }
}

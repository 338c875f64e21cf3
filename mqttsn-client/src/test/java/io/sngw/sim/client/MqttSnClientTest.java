package io.sngw.sim.client;

import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.Advertise;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.UnsubAck;
import io.sngw.core.codec.MqttSnMessage.WillMsgResp;
import io.sngw.core.codec.MqttSnMessage.WillTopicResp;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against a scripted gateway speaking the spec's test vectors. */
class MqttSnClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] TEMP = "21.5".getBytes(StandardCharsets.US_ASCII);

    private final ScriptedGateway gw = new ScriptedGateway();
    private final ExecutorService background = Executors.newCachedThreadPool();
    private MqttSnClient client = newClient(ClientOptions.defaults());

    private MqttSnClient newClient(ClientOptions options) {
        MqttSnClient c = new MqttSnClient(gw.address(), options);
        gw.talkTo(c.localAddress());
        return c;
    }

    @AfterEach
    void tearDown() {
        client.close();
        gw.close();
        background.shutdownNow();
    }

    /** Blocking client calls run here while the test thread plays the gateway. */
    private <T> Future<T> inBackground(Callable<T> call) {
        return background.submit(call);
    }

    private static <T> T result(Future<T> future) throws Exception {
        try {
            return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void registerHomeTemp() throws Exception {
        Future<RegAck> regAck = inBackground(() -> client.register("home/temp"));
        gw.expect("0f 0a 00 00 00 01 68 6f 6d 65 2f 74 65 6d 70");
        gw.send("07 0b 00 01 00 01 00");
        assertEquals(new RegAck(1, 1, ReturnCode.ACCEPTED), result(regAck));
    }

    // ------------------------------------------------------------------------------------------------ connect

    @Test
    void connectSendsConnectAndReturnsTheConnAck() throws Exception {
        Future<ConnAck> connAck = inBackground(() -> client.connect("sensor1", 60, true));

        gw.expect("0d 04 04 01 00 3c 73 65 6e 73 6f 72 31");
        gw.send("03 05 00");

        assertEquals(new ConnAck(ReturnCode.ACCEPTED), result(connAck));
        assertEquals("sensor1", client.clientId());
    }

    @Test
    void aRefusingConnAckIsReturnedNotThrown() throws Exception {
        Future<ConnAck> connAck = inBackground(() -> client.connect("sensor1", 60, true));

        gw.expect("0d 04 04 01 00 3c 73 65 6e 73 6f 72 31");
        gw.send("03 05 01");

        assertEquals(new ConnAck(ReturnCode.CONGESTION), result(connAck));
    }

    @Test
    void connectWithAWillRunsTheWillDialogue() throws Exception {
        Will will = new Will("dead/s2", "gone".getBytes(StandardCharsets.US_ASCII), 1, true);
        Future<ConnAck> connAck = inBackground(() -> client.connect("s2", 30, true, will));

        gw.expect("08 04 0c 01 00 1e 73 32");
        gw.send("02 06");
        gw.expect("0a 07 30 64 65 61 64 2f 73 32");
        gw.send("02 08");
        gw.expect("06 09 67 6f 6e 65");
        gw.send("03 05 00");

        assertEquals(new ConnAck(ReturnCode.ACCEPTED), result(connAck));
    }

    @Test
    void aConnAckInsteadOfWillTopicReqEndsTheDialogue() throws Exception {
        Will will = new Will("dead/s2", "gone".getBytes(StandardCharsets.US_ASCII), 1, true);
        Future<ConnAck> connAck = inBackground(() -> client.connect("s2", 30, true, will));

        gw.expect("08 04 0c 01 00 1e 73 32");
        gw.send("03 05 01");

        assertEquals(new ConnAck(ReturnCode.CONGESTION), result(connAck));
        // The client sends nothing more of the dialogue: its next datagram is whatever we ask for next.
        Future<?> ping = inBackground(client::ping);
        gw.expect("02 16");
        gw.send("02 17");
        result(ping);
    }

    // ------------------------------------------------------------------------------------------------ topics

    @Test
    void registerSendsRegisterAndRemembersTheId() throws Exception {
        registerHomeTemp();

        assertEquals(Map.of(1, "home/temp"), client.knownTopicIds());
    }

    @Test
    void subscribeToANameRemembersTheReturnedIdForLaterPublishes() throws Exception {
        Future<SubAck> subAck = inBackground(() -> client.subscribe(new TopicRef.Name("home/temp"), 1));
        gw.expect("0e 12 20 00 01 68 6f 6d 65 2f 74 65 6d 70");
        gw.send("08 13 20 00 03 00 01 00");
        assertEquals(new SubAck(1, 3, 1, ReturnCode.ACCEPTED), result(subAck));

        gw.send("0b 0c 00 00 03 00 00 32 31 2e 35");

        ReceivedMessage m = client.nextMessage(WAIT);
        assertEquals("home/temp", m.topic());
        assertEquals(new TopicRef.Registered(3), m.topicRef());
        assertEquals("21.5", m.payloadAsString());
        assertEquals(0, m.qos());
    }

    @Test
    void subscribeSendsEachKindOfTopic() throws Exception {
        for (int i = 0; i < 4; i++) {
            client.allocateMsgId(); // the spec's vectors start at msgId 5
        }
        Future<SubAck> wildcard = inBackground(() -> client.subscribe("a/+/c", 1));
        gw.expect("0a 12 20 00 05 61 2f 2b 2f 63");
        gw.send("08 13 20 00 00 00 05 00");
        assertEquals(new SubAck(1, 0, 5, ReturnCode.ACCEPTED), result(wildcard));

        Future<SubAck> predefined = inBackground(() -> client.subscribe(new TopicRef.Predefined(5), 0));
        gw.expect("07 12 01 00 06 00 05");
        gw.send("08 13 00 00 05 00 06 00");
        assertEquals(new SubAck(0, 5, 6, ReturnCode.ACCEPTED), result(predefined));

        Future<SubAck> shortName = inBackground(() -> client.subscribe(new TopicRef.Short("ab"), 0));
        gw.expect("07 12 02 00 07 61 62");
        gw.send("08 13 00 00 00 00 07 00");
        assertEquals(new SubAck(0, 0, 7, ReturnCode.ACCEPTED), result(shortName));

        assertEquals(Map.of(), client.knownTopicIds(), "no normal id comes from wildcard, predefined or short");

        client.allocateMsgId();
        Future<UnsubAck> unsubAck = inBackground(() -> client.unsubscribe("a/+/c"));
        gw.expect("0a 14 00 00 09 61 2f 2b 2f 63");
        gw.send("04 15 00 09");
        assertEquals(new UnsubAck(9), result(unsubAck));
    }

    // --------------------------------------------------------------------------------------- publishing (out)

    @Test
    void publishQos1WaitsForThePubAck() throws Exception {
        registerHomeTemp();

        Future<PubAck> pubAck = inBackground(() -> client.publish(new TopicRef.Registered(1), 1, false, TEMP));
        gw.expect("0b 0c 20 00 01 00 02 32 31 2e 35");
        gw.send("07 0d 00 01 00 02 00");

        assertEquals(new PubAck(1, 2, ReturnCode.ACCEPTED), result(pubAck));
    }

    @Test
    void publishByNameRegistersOnceThenReusesTheId() throws Exception {
        Future<PubAck> first = inBackground(() -> client.publish("home/temp", 1, false, TEMP));
        gw.expect("0f 0a 00 00 00 01 68 6f 6d 65 2f 74 65 6d 70");
        gw.send("07 0b 00 01 00 01 00");
        gw.expect("0b 0c 20 00 01 00 02 32 31 2e 35");
        gw.send("07 0d 00 01 00 02 00");
        assertEquals(ReturnCode.ACCEPTED, result(first).returnCode());

        Future<PubAck> second = inBackground(() -> client.publish("home/temp", 1, false, TEMP));
        gw.expect("0b 0c 20 00 01 00 03 32 31 2e 35");
        gw.send("07 0d 00 01 00 03 00");
        assertEquals(new PubAck(1, 3, ReturnCode.ACCEPTED), result(second));
    }

    @Test
    void publishQos2RunsPubRecPubRelPubComp() throws Exception {
        client.allocateMsgId();
        client.allocateMsgId();
        Future<Qos2Result> done = inBackground(() -> client.publishQos2(new TopicRef.Registered(7), true,
                "on".getBytes(StandardCharsets.US_ASCII)));

        gw.expect("09 0c 50 00 07 00 03 6f 6e");
        gw.send("04 0f 00 03");
        gw.expect("04 10 00 03");
        gw.send("04 0e 00 03");

        Qos2Result r = result(done);
        assertEquals(new PubRec(3), r.pubRec());
        assertEquals(new PubComp(3), r.pubComp());
        assertTrue(r.completed());
        assertEquals(new PubAck(7, 3, ReturnCode.ACCEPTED), r.asPubAck());
    }

    @Test
    void aQos2PublishRefusedWithPubAckEndsThere() throws Exception {
        for (int i = 0; i < 3; i++) {
            client.allocateMsgId();
        }
        Future<PubAck> ack = inBackground(() -> client.publish(new TopicRef.Registered(9), 2, false, new byte[] {1}));

        gw.expect("08 0c 40 00 09 00 04 01");
        gw.send("07 0d 00 09 00 04 02");

        assertEquals(new PubAck(9, 4, ReturnCode.INVALID_TOPIC_ID), result(ack));
    }

    @Test
    void qos0AndQosMinusOneAreSentOnly() {
        client.publishQos0(new TopicRef.Registered(1), false, TEMP);
        gw.expect("0b 0c 00 00 01 00 00 32 31 2e 35");

        client.publishWithoutConnection(new TopicRef.Predefined(5), new byte[] {'x'});
        gw.expect("08 0c 61 00 05 00 00 78");

        assertNull(client.publish(new TopicRef.Short("ab"), -1, false, "hi".getBytes(StandardCharsets.US_ASCII)));
        gw.expect("09 0c 62 61 62 00 00 68 69");

        assertThrows(IllegalArgumentException.class,
                () -> client.publishWithoutConnection(new TopicRef.Registered(1), new byte[0]));
    }

    @Test
    void publishAsyncKeepsSeveralInFlightWithDistinctIds() throws Exception {
        client.close();
        client = newClient(ClientOptions.defaults().withMaxInFlight(3));
        TopicRef topic = new TopicRef.Registered(1);

        CompletableFuture<PubAck> a = client.publishAsync(topic, 1, TEMP);
        CompletableFuture<PubAck> b = client.publishAsync(topic, 1, TEMP);
        CompletableFuture<PubAck> c = client.publishAsync(topic, 1, TEMP);
        gw.expect("0b 0c 20 00 01 00 01 32 31 2e 35");
        gw.expect("0b 0c 20 00 01 00 02 32 31 2e 35");
        gw.expect("0b 0c 20 00 01 00 03 32 31 2e 35");
        gw.send("07 0d 00 01 00 03 00");
        gw.send("07 0d 00 01 00 01 00");
        gw.send("07 0d 00 01 00 02 02");

        assertEquals(new PubAck(1, 1, ReturnCode.ACCEPTED), result(a));
        assertEquals(new PubAck(1, 2, ReturnCode.INVALID_TOPIC_ID), result(b));
        assertEquals(new PubAck(1, 3, ReturnCode.ACCEPTED), result(c));

        // The window is free again: another three go out at once.
        List<CompletableFuture<PubAck>> more = List.of(client.publishAsync(topic, 2, TEMP),
                client.publishAsync(topic, 1, TEMP), client.publishAsync(topic, 1, TEMP));
        gw.expect("0b 0c 40 00 01 00 04 32 31 2e 35");
        gw.expect("0b 0c 20 00 01 00 05 32 31 2e 35");
        gw.expect("0b 0c 20 00 01 00 06 32 31 2e 35");
        gw.send("04 0f 00 04");
        gw.expect("04 10 00 04");
        gw.send("07 0d 00 01 00 05 00");
        gw.send("07 0d 00 01 00 06 00");
        gw.send("04 0e 00 04");
        assertEquals(new PubAck(1, 4, ReturnCode.ACCEPTED), result(more.get(0)));
        assertEquals(new PubAck(1, 5, ReturnCode.ACCEPTED), result(more.get(1)));
        assertEquals(new PubAck(1, 6, ReturnCode.ACCEPTED), result(more.get(2)));
    }

    @Test
    void aFullWindowFailsTheFutureAfterTheTimeout() throws Exception {
        client.close();
        client = newClient(ClientOptions.defaults().withMaxInFlight(1));
        TopicRef topic = new TopicRef.Registered(1);
        CompletableFuture<PubAck> first = client.publishAsync(topic, 1, TEMP); // waits up to 5 s for its PUBACK
        gw.expect("0b 0c 20 00 01 00 01 32 31 2e 35");
        client.setTimeout(Duration.ofMillis(200));

        CompletableFuture<PubAck> second = client.publishAsync(topic, 1, TEMP);

        ExecutionException e = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
        assertInstanceOf(MqttSnTimeoutException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("window of publishes in flight stayed full"),
                e.getCause().getMessage());
        gw.send("07 0d 00 01 00 01 00");
        assertEquals(new PubAck(1, 1, ReturnCode.ACCEPTED), result(first));
    }

    // ---------------------------------------------------------------------------------------- publishing (in)

    @Test
    void aQos1PublishFromTheGatewayIsAcknowledgedAndNamed() throws Exception {
        registerHomeTemp();

        gw.send("0b 0c 20 00 01 00 02 32 31 2e 35");

        gw.expect("07 0d 00 01 00 02 00");
        ReceivedMessage m = client.nextMessage(WAIT);
        assertEquals(new ReceivedMessage("home/temp", new TopicRef.Registered(1), TEMP, 1, false, false), m);
    }

    @Test
    void aQos2PublishIsDeliveredOnceEvenWhenResentWithDup() throws Exception {
        gw.send("09 0c 50 00 07 00 03 6f 6e");
        gw.expect("04 0f 00 03");
        gw.send("09 0c d0 00 07 00 03 6f 6e"); // the gateway did not see our PUBREC
        gw.expect("04 0f 00 03");
        gw.send("04 10 00 03");
        gw.expect("04 0e 00 03");

        // Everything up to the PUBREL has been handled by now, in order: the queue holds its final content.
        ReceivedMessage m = client.nextMessage(Duration.ZERO);
        assertEquals(new ReceivedMessage(null, new TopicRef.Registered(7), "on".getBytes(StandardCharsets.US_ASCII),
                2, true, false), m);
        assertNull(client.nextMessage(Duration.ZERO));

        // After PUBCOMP the id is free: the same id is a new message.
        gw.send("09 0c 40 00 07 00 03 6f 6e");
        gw.expect("04 0f 00 03");
        assertEquals(2, client.nextMessage(WAIT).qos());
    }

    @Test
    void aRegisterFromTheGatewayIsAcknowledgedAndNamesLaterPublishes() {
        gw.send("09 0a 00 05 00 01 61 2f 62");
        gw.expect("07 0b 00 05 00 01 00");

        gw.send("08 0c 00 00 05 00 00 78");

        ReceivedMessage m = client.nextMessage(WAIT);
        assertEquals("a/b", m.topic());
        assertArrayEquals(new byte[] {'x'}, m.payload());
    }

    @Test
    void registersCanBeLeftUnansweredToTestTheGatewaysRetries() throws Exception {
        client.setAnswerRegister(false);

        gw.send("09 0a 00 05 00 01 61 2f 62");
        gw.send("09 0a 00 05 00 01 61 2f 62");

        assertEquals(new Register(5, 1, "a/b"), client.nextUnsolicited(WAIT));
        assertEquals(new Register(5, 1, "a/b"), client.nextUnsolicited(WAIT));
        Future<?> ping = inBackground(client::ping);
        gw.expect("02 16"); // no REGACK went out before it
        gw.send("02 17");
        result(ping);
        assertEquals(Map.of(5, "a/b"), client.knownTopicIds(), "the name is learned even when not acknowledged");
    }

    @Test
    void predefinedAndShortTopicsAreNamedWithoutRegistration() throws Exception {
        client.close();
        client = newClient(ClientOptions.defaults().withPredefinedTopics(Map.of(5, "config/interval")));

        gw.send("08 0c 01 00 05 00 00 78");
        gw.send("09 0c 02 61 62 00 00 68 69");
        gw.send("08 0c 00 00 63 00 00 78");

        List<ReceivedMessage> got = client.awaitMessages(3, WAIT);
        assertEquals("config/interval", got.get(0).topic());
        assertEquals("ab", got.get(1).topic());
        assertEquals("hi", got.get(1).payloadAsString());
        assertNull(got.get(2).topic(), "an id the client never learned has no name");

        // Publishing to a predefined name uses the id: no REGISTER.
        Future<PubAck> ack = inBackground(() -> client.publish("config/interval", 1, false, new byte[] {'9'}));
        gw.expect("08 0c 21 00 05 00 01 39");
        gw.send("07 0d 00 05 00 01 00");
        assertEquals(ReturnCode.ACCEPTED, result(ack).returnCode());
    }

    // ---------------------------------------------------------------------------------- keep-alive and sleep

    @Test
    void pingAndDisconnect() throws Exception {
        Future<?> ping = inBackground(client::ping);
        gw.expect("02 16");
        gw.send("02 17");
        result(ping);

        Future<Disconnect> disconnect = inBackground(client::disconnect);
        gw.expect("02 18");
        gw.send("02 18");
        assertEquals(new Disconnect(), result(disconnect));
    }

    @Test
    void sleepThenWakeCollectsTheBufferedMessagesUntilPingResp() throws Exception {
        Future<ConnAck> connAck = inBackground(() -> client.connect("sensor1", 60, true));
        gw.expect("0d 04 04 01 00 3c 73 65 6e 73 6f 72 31");
        gw.send("03 05 00");
        result(connAck);

        Future<Disconnect> sleep = inBackground(() -> client.sleep(300));
        gw.expect("04 18 01 2c");
        gw.send("02 18");
        assertEquals(new Disconnect(), result(sleep));

        Future<List<ReceivedMessage>> wake = inBackground(client::wake);
        gw.expect("09 16 73 65 6e 73 6f 72 31");
        gw.send("0f 0a 00 01 00 01 68 6f 6d 65 2f 74 65 6d 70");
        gw.expect("07 0b 00 01 00 01 00");
        gw.send("0b 0c 20 00 01 00 02 32 31 2e 35");
        gw.expect("07 0d 00 01 00 02 00");
        gw.send("0b 0c 00 00 01 00 00 32 31 2e 36");
        gw.send("02 17");

        List<ReceivedMessage> collected = result(wake);
        assertEquals(2, collected.size());
        assertEquals("home/temp", collected.get(0).topic());
        assertEquals("21.5", collected.get(0).payloadAsString());
        assertEquals("21.6", collected.get(1).payloadAsString());
        assertNull(client.nextMessage(Duration.ZERO), "wake() took them; they are not queued twice");
    }

    @Test
    void willUpdates() throws Exception {
        Future<WillTopicResp> topic = inBackground(() -> client.updateWillTopic("dead/s3", 0, false));
        gw.expect("0a 1a 00 64 65 61 64 2f 73 33");
        gw.send("03 1b 00");
        assertEquals(new WillTopicResp(ReturnCode.ACCEPTED), result(topic));

        Future<WillMsgResp> message = inBackground(() -> client.updateWillMessage("bye".getBytes(StandardCharsets.US_ASCII)));
        gw.expect("05 1c 62 79 65");
        gw.send("03 1d 00");
        assertEquals(new WillMsgResp(ReturnCode.ACCEPTED), result(message));
    }

    // --------------------------------------------------------------------------------- failures and retries

    @Test
    void aTimeoutSaysWhatWasAwaited() {
        client.setTimeout(Duration.ofMillis(300));
        Future<ConnAck> connAck = inBackground(() -> client.connect("sensor1", 60, true));
        gw.expect("0d 04 04 01 00 3c 73 65 6e 73 6f 72 31"); // and no answer

        MqttSnTimeoutException e = assertThrows(MqttSnTimeoutException.class, () -> result(connAck));

        assertTrue(e.getMessage().contains("'sensor1'"), e.getMessage());
        assertTrue(e.getMessage().contains("no CONNACK in answer to Connect["), e.getMessage());
        assertTrue(e.getMessage().contains("within 300 ms"), e.getMessage());
    }

    @Test
    void retriesResendWithDupUntilAnswered() throws Exception {
        client.setRetryPolicy(new RetryPolicy(Duration.ofMillis(200), 3));
        client.allocateMsgId();
        Future<PubAck> pubAck = inBackground(() -> client.publish(new TopicRef.Registered(1), 1, false, TEMP));

        gw.expect("0b 0c 20 00 01 00 02 32 31 2e 35");
        gw.expect("0b 0c a0 00 01 00 02 32 31 2e 35");
        gw.send("07 0d 00 01 00 02 00");

        assertEquals(new PubAck(1, 2, ReturnCode.ACCEPTED), result(pubAck));
    }

    @Test
    void retriesGiveUpAfterTheLastResend() {
        client.setRetryPolicy(new RetryPolicy(Duration.ofMillis(100), 2));
        Future<?> ping = inBackground(client::ping);

        gw.expect("02 16");
        gw.expect("02 16");
        gw.expect("02 16");

        MqttSnTimeoutException e = assertThrows(MqttSnTimeoutException.class, () -> result(ping));
        assertTrue(e.getMessage().contains("no PINGRESP"), e.getMessage());
        assertTrue(e.getMessage().contains("after 3 attempts 100 ms apart"), e.getMessage());
    }

    @Test
    void messagesNobodyWaitsForAreUnsolicited() {
        gw.send("02 18");
        gw.send("05 00 01 03 84");
        gw.send("07 0d 00 09 00 04 02"); // a PUBACK to a QoS 0 publish: "re-register"

        assertEquals(new Disconnect(), client.nextUnsolicited(WAIT));
        assertEquals(new Advertise(1, 900), client.nextUnsolicited(WAIT));
        assertEquals(new PubAck(9, 4, ReturnCode.INVALID_TOPIC_ID), client.nextUnsolicited(WAIT));
    }

    @Test
    void rawSendsAndMalformedAnswers() throws Exception {
        client.sendRaw(new byte[] {0x03, 0x01, 0x01});
        gw.expect("03 01 01");
        client.send(new MqttSnMessage.SearchGw(1));
        gw.expect("03 01 01");

        gw.send("05 0d 00"); // length says 5, datagram has 3
        Future<?> ping = inBackground(client::ping);
        gw.expect("02 16");
        gw.send("02 17");
        result(ping);

        assertEquals(1, client.malformedCount());
    }

    @Test
    void awaitMessagesThatTimesOutLeavesWhatArrivedQueued() throws Exception {
        gw.send("08 0c 02 61 62 00 00 31");
        Future<?> ping = inBackground(client::ping); // a round trip: the PUBLISH before it has been handled
        gw.expect("02 16");
        gw.send("02 17");
        result(ping);

        MqttSnTimeoutException e = assertThrows(MqttSnTimeoutException.class,
                () -> client.awaitMessages(2, Duration.ofMillis(200)));

        assertTrue(e.getMessage().contains("1 of 2 messages arrived"), e.getMessage());
        assertEquals("1", client.nextMessage(Duration.ZERO).payloadAsString(), "the partial result stays queued");
    }

    @Test
    void closeFailsOpenRequests() throws Exception {
        Future<ConnAck> connAck = inBackground(() -> client.connect("sensor1", 60, true));
        gw.expect("0d 04 04 01 00 3c 73 65 6e 73 6f 72 31");

        client.close();

        MqttSnException e = assertThrows(MqttSnException.class, () -> result(connAck));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(MqttSnException.class, client::ping);
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("mqttsn-client-" + client.localAddress().getPort())));
    }
}

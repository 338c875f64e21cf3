package io.sngw.it;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.security.Device;
import io.sngw.sim.client.ClientOptions;
import io.sngw.sim.client.DtlsCredentials;
import io.sngw.sim.client.MqttSnClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * DTLS PSKs from the store's device registry, with security.require-auth: a sensor proves its identity in the
 * handshake and may connect only as itself, within its ACL; the gateway keeps serving the others.
 */
class DtlsAuthenticationTest extends EndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] ALICE_KEY = HexFormat.of().parseHex("a11ce000a11ce000a11ce000a11ce000");
    private static final byte[] BOB_KEY = HexFormat.of().parseHex("b0b00000b0b00000b0b00000b0b00000");

    @TempDir
    Path dir;

    @Override
    protected GatewayUnderTest startGateway() {
        return GatewayUnderTest.startWithDtlsAndAuth(broker.url(), dir);
    }

    @BeforeEach
    void registerDevicesAndSubscribeProbe() {
        gateway.devices().put(new Device("alice", ALICE_KEY, null, List.of("homes/%c/#"), List.of("#"), true,
                Instant.now(), null));
        gateway.devices().put(new Device("bob", BOB_KEY, null, List.of("#"), List.of("#"), false, Instant.now(), null));
        probe.subscribe("homes/#", 1);
    }

    private MqttSnClient client(String identity, byte[] key) {
        InetSocketAddress dtls = new InetSocketAddress("127.0.0.1", gateway.dtlsAddress().getPort());
        return MqttSnClient.overDtls(dtls, DtlsCredentials.psk(identity, key),
                ClientOptions.defaults().withTimeout(WAIT));
    }

    @Test
    void aDeviceConnectsAsItselfAndPublishesWithinItsAcl() {
        try (MqttSnClient alice = client("alice", ALICE_KEY)) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), alice.connect("alice", 60, true));
            PubAck ok = alice.publish("homes/alice/temp", 1, false, "21.0".getBytes(StandardCharsets.UTF_8));
            assertEquals(ReturnCode.ACCEPTED, ok.returnCode());
            PubAck refused = alice.publish("homes/bob/temp", 1, false, "forged".getBytes(StandardCharsets.UTF_8));
            assertEquals(ReturnCode.INVALID_TOPIC_ID, refused.returnCode());
            assertEquals("21.0", probe.awaitMessages(1, WAIT).get(0).payloadString());
        }
    }

    @Test
    void aDeviceCannotConnectUnderAnotherClientIdThanItProved() {
        try (MqttSnClient alice = client("alice", ALICE_KEY)) {
            assertEquals(new ConnAck(ReturnCode.NOT_SUPPORTED), alice.connect("bob", 60, true));
            assertEquals(1, gateway.metrics().get(Counter.CONNECTS_REFUSED_AUTH));
            // The same DTLS session may still connect as itself: the refusal cost nothing but the attempt.
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), alice.connect("alice", 60, true));
        }
    }

    @Test
    void aDisabledDeviceCannotEvenCompleteTheHandshake() {
        try (MqttSnClient alice = client("alice", ALICE_KEY)) {
            assertThrows(RuntimeException.class, () -> {
                try (MqttSnClient bob = client("bob", BOB_KEY)) {
                    bob.connect("bob", 60, true);
                }
            });
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), alice.connect("alice", 60, true)); // others still served
        }
    }

    @Test
    void aDeviceWhoseKeyChangedLosesItsDtlsSessionAndConnectsAgainOnlyWithTheNewKey() {
        try (MqttSnClient alice = client("alice", ALICE_KEY)) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), alice.connect("alice", 60, true));

            gateway.devices().put(new Device("alice", BOB_KEY, null, List.of("homes/%c/#"), List.of("#"), true,
                    Instant.now(), null));

            GatewayUnderTest.await("the session made with the old key to be closed",
                    () -> gateway.dtlsStats().peersKeyRevoked() == 1);
        }
        assertThrows(RuntimeException.class, () -> {
            try (MqttSnClient stale = client("alice", ALICE_KEY)) {
                stale.connect("alice", 60, true);
            }
        });
        try (MqttSnClient renewed = client("alice", BOB_KEY)) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), renewed.connect("alice", 60, true));
        }
    }

    @Test
    void aDeviceEnabledAfterStartIsServedWithoutARestart() {
        gateway.devices().put(new Device("carol", BOB_KEY, null, List.of("#"), List.of("#"), true, Instant.now(), null));
        try (MqttSnClient carol = client("carol", BOB_KEY)) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), carol.connect("carol", 60, true));
        }
    }
}

package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.linksec.InstallCode;
import io.sngw.core.linksec.RadioFrame;
import io.sngw.core.linksec.RadioKey;
import io.sngw.deploy.CliRun;
import io.sngw.sim.client.ClientTransport;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.ProtectedClientTransport;
import io.sngw.sim.client.RadioPairingClient;
import io.sngw.sim.client.RadioPairingClient.Paired;
import io.sngw.sim.client.RadioPairingClient.PairingException;
import io.sngw.testing.VirtualSerialPair;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import static io.sngw.deploy.CliRun.sngw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Pairing over the air (docs/pairing.md) against the deployed gateway, over real UDP and a socat pty: the paired
 * sensor connects at once and its messages reach Mosquitto; a wrong code, a closed window and a gateway that does not
 * allow pairing without code pair nothing.
 */
class RadioPairingEndToEndTest extends RadioGatewayTest {
    private static final Duration PAIRING = Duration.ofSeconds(10);
    private static final InstallCode CODE = InstallCode.parse("a0a1a2a3-a4a5a6a7-a8a9aaab-acadaeaf");
    private static final long DEVID = 0x0013a20041b2c3d4L;


    private void openWindow(InstallCode code) {
        gateway.app().pairingWindows().open(Duration.ofMinutes(1), Optional.ofNullable(code), Optional.empty(),
                OptionalLong.empty());
    }

    /** The paired sensor's first protected session: CONNECT as the id it was given, a QoS 1 publish. */
    private void publishAs(Paired paired, ClientTransport transport, String payload) {
        try (MqttSnClient sensor = new MqttSnClient(ProtectedClientTransport.paired(transport, paired),
                options())) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), sensor.connect(paired.clientId(), 60, true));
            sensor.publish("radio/paired", 1, false, payload.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(probe.awaitMessages(1, Duration.ofSeconds(10)).stream()
                .anyMatch(m -> m.payloadString().equals(payload)));
        probe.clear();
    }

    @Test
    void aSensorWithItsInstallCodePairsOverUdpAndPublishesAtOnce() throws Exception {
        gateway = RadioGateway.start(dir, broker.url(), "required", null, false);
        openWindow(CODE);
        Paired paired = RadioPairingClient.pair(gateway.udp(), DEVID, CODE, PAIRING);
        assertEquals("sn-0013a20041b2c3d4", paired.clientId());
        assertEquals(RadioKey.Pairing.INSTALL_CODE, gateway.app().radioKeys().find(DEVID).orElseThrow().pairing());
        publishAs(paired, gateway.udp(), "hello from a paired sensor");
    }

    @Test
    void aSensorPairsOverASerialLineAndPublishesAtOnce() throws Exception {
        assumeTrue(VirtualSerialPair.available(), "socat is not installed (apt-get install socat): skipped");
        gateway = RadioGateway.start(dir, broker.url(), "none", "required", false);
        openWindow(CODE);
        Paired paired = RadioPairingClient.pair(gateway.serial(), DEVID, CODE, PAIRING);
        publishAs(paired, gateway.serial(), "hello over serial");
    }

    @Test
    void withoutInstallCodeASensorPairsOnlyWhereAllowedAndIsMarkedSo() throws Exception {
        gateway = RadioGateway.start(dir, broker.url(), "required", null, false);
        openWindow(null);
        assertThrows(PairingException.class, () -> RadioPairingClient.pair(gateway.udp(), DEVID, null,
                Duration.ofSeconds(2)));
        assertTrue(gateway.app().radioKeys().find(DEVID).isEmpty());
        assertTrue(gateway.counter("linksec.pairing.refused.no.install.code") >= 1);
        gateway.close();

        gateway = RadioGateway.start(dir, broker.url(), "required", null, true);
        openWindow(null);
        Paired paired = RadioPairingClient.pair(gateway.udp(), DEVID, null, PAIRING);
        assertEquals(RadioKey.Pairing.WITHOUT_INSTALL_CODE,
                gateway.app().radioKeys().find(DEVID).orElseThrow().pairing());
        publishAs(paired, gateway.udp(), "paired without a code");
    }

    @Test
    void aWrongInstallCodePairsNothing() {
        gateway = RadioGateway.start(dir, broker.url(), "required", null, false);
        openWindow(CODE);
        PairingException e = assertThrows(PairingException.class, () -> RadioPairingClient.pair(gateway.udp(),
                DEVID, InstallCode.parse("00000000000000000000000000000001"), PAIRING));
        assertTrue(e.getMessage().contains("confirmation is wrong"), e.getMessage());
        assertTrue(gateway.app().radioKeys().find(DEVID).isEmpty());
    }

    @Test
    void outsideAWindowPairingFramesAreIgnoredAndCounted() {
        gateway = RadioGateway.start(dir, broker.url(), "required", null, true);
        assertThrows(PairingException.class, () -> RadioPairingClient.pair(gateway.udp(), DEVID, CODE,
                Duration.ofSeconds(2)));
        assertTrue(gateway.counter("linksec.pairing.window.closed") >= 1);
        assertTrue(gateway.app().radioKeys().list().isEmpty());
    }

    @Test
    void twoSensorsPairInTheSameWindow() throws Exception {
        gateway = RadioGateway.start(dir, broker.url(), "required", null, false);
        openWindow(CODE);
        CompletableFuture<Paired> first = CompletableFuture.supplyAsync(() -> pairQuietly(DEVID));
        CompletableFuture<Paired> second = CompletableFuture.supplyAsync(() -> pairQuietly(DEVID + 1));
        Paired a = first.join();
        Paired b = second.join();
        assertEquals(RadioFrame.defaultClientId(DEVID + 1), b.clientId());
        publishAs(a, gateway.udp(), "first");
        publishAs(b, gateway.udp(), "second");
    }

    private Paired pairQuietly(long devid) {
        try {
            return RadioPairingClient.pair(gateway.udp(), devid, CODE, PAIRING);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void sngwPairOpensAWindowOnTheRunningGatewayAndDevicesListShowsHowTheSensorPaired() throws Exception {
        gateway = RadioGateway.start(dir, broker.url(), "required", null, false);
        Path config = Files.writeString(dir.resolve("cli.yaml"), "store: { dir: \"" + dir.resolve("data") + "\" }\n");
        CliRun pair = sngw("pair", "--config", config.toString(), "--seconds", "60", "--install-code",
                "a0a1a2a3-a4a5a6a7-a8a9aaab-acadaeaf", "--client-id", "kitchen-1");
        assertEquals(0, pair.code(), pair.err());
        GatewayUnderTest.await("the gateway to see the window",
                () -> !gateway.app().pairingWindows().openNow().isEmpty());
        Paired paired = RadioPairingClient.pair(gateway.udp(), DEVID, CODE, PAIRING);
        assertEquals("kitchen-1", paired.clientId());
        publishAs(paired, gateway.udp(), "kitchen");

        CliRun list = sngw("devices", "list", "--config", config.toString());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("kitchen-1"), list.out());
        assertTrue(list.out().contains("0013a20041b2c3d4 paired with install code"), list.out());
    }
}

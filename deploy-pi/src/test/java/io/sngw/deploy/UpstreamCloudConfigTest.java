package io.sngw.deploy;

import io.sngw.bridge.mqtt.BridgeOptions;
import io.sngw.bridge.mqtt.PlatformLimits;
import io.sngw.bridge.mqtt.TlsOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code upstream.preset}, {@code upstream.tls}, {@code upstream.password-file} and {@code upstream.status-topic}: what
 * each preset resolves to (no cloud is reachable from here, so the resulting connection settings are the test), that
 * explicit keys win, and that what a platform would refuse is refused here with the key to fix.
 */
class UpstreamCloudConfigTest {

    @TempDir
    Path dir;
    private Path cert;
    private Path key;
    private Path ca;
    private Path secret;

    @BeforeEach
    void files() throws Exception {
        cert = Files.writeString(dir.resolve("thing.pem"), "certificate");
        key = Files.writeString(dir.resolve("thing-key.pem"), "key");
        ca = Files.writeString(dir.resolve("ca.pem"), "ca");
        secret = Files.writeString(dir.resolve("secret"), "s3cr3t-pw\n");
    }

    private static BridgeOptions resolved(String yaml) throws ConfigException {
        return BridgeAssembly.options(ConfigLoader.parse(yaml));
    }

    private static String fails(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml)).getMessage();
    }

    private String awsTls() {
        return "tls: { cert-file: " + cert + ", key-file: " + key + " }";
    }

    // ---- presets: what each resolves to -----------------------------------------------------------------------

    @Test
    void awsIotCoreOn8883IsMutualTlsWithQos1AndAwsTopicLimits() throws Exception {
        BridgeOptions o = resolved("upstream: { preset: aws-iot-core, url: \"ssl://abc-ats.iot.eu-west-1.amazonaws.com\","
                + " client-id: valve-gw, " + awsTls() + " }");
        assertEquals(8883, o.port());
        assertEquals(new TlsOptions(null, cert, key, true, List.of()), o.tls());
        assertNull(o.username());
        assertEquals(new PlatformLimits("AWS IoT Core", 1, true, 256, 7, null), o.limits());
        assertEquals("sngw/1/status", o.statusTopic());
    }

    @Test
    void awsIotCoreOn443OffersTheAlpnAwsNeeds() throws Exception {
        BridgeOptions o = resolved("upstream: { preset: aws-iot-core, url: \"ssl://abc-ats.iot.eu-west-1.amazonaws.com:443\","
                + " " + awsTls() + " }");
        assertEquals(443, o.port());
        assertEquals(List.of("x-amzn-mqtt-ca"), o.tls().alpn());
    }

    @Test
    void azureIotHubTakesItsUserNameFromHubAndDeviceAndAllowsNeitherQos2NorRetainNorOtherTopics() throws Exception {
        BridgeOptions o = resolved("upstream: { preset: azure-iot-hub, url: \"ssl://my-hub.azure-devices.net\","
                + " client-id: dev-7, password-file: " + secret + " }");
        assertEquals(8883, o.port());
        assertEquals("my-hub.azure-devices.net/dev-7/?api-version=2021-04-12", o.username());
        assertEquals("s3cr3t-pw", o.password());
        assertEquals(new PlatformLimits("Azure IoT Hub", 1, false, 65535, -1, "devices/dev-7/messages/events/"),
                o.limits());
        assertNull(o.statusTopic(), "the hub takes no topic but its own");
        assertEquals(TlsOptions.systemTrust(), o.tls());
    }

    @Test
    void azureIotHubWithAnX509CertificateNeedsNoSasToken() throws Exception {
        BridgeOptions o = resolved("upstream: { preset: azure-iot-hub, url: \"ssl://my-hub.azure-devices.net\","
                + " client-id: dev-7, " + awsTls() + " }");
        assertNull(o.password());
        assertEquals(cert, o.tls().certFile());
    }

    @Test
    void hivemqAndEmqxCloudAreTlsWithUserNameAndPasswordAndFullMqtt() throws Exception {
        for (String preset : List.of("hivemq-cloud", "emqx-cloud")) {
            BridgeOptions o = resolved("upstream: { preset: " + preset + ", url: \"ssl://abc.example.cloud\","
                    + " username: gw, password-file: " + secret + " }");
            assertEquals(8883, o.port());
            assertEquals(TlsOptions.systemTrust(), o.tls());
            assertEquals("gw", o.username());
            assertEquals(PlatformLimits.NONE, o.limits());
        }
    }

    @Test
    void mosquittoTakesPlainTcpOrTlsWithItsOwnCa() throws Exception {
        assertNull(resolved("upstream: { preset: mosquitto, url: \"tcp://mosquitto.local\" }").tls());
        BridgeOptions tls = resolved("upstream: { preset: mosquitto, url: \"ssl://mosquitto.local\", tls: { ca-file: "
                + ca + " } }");
        assertEquals(TlsOptions.systemTrust().withCaFile(ca), tls.tls());
    }

    @Test
    void explicitKeysOverrideThePreset() throws Exception {
        BridgeOptions o = resolved("upstream: { preset: azure-iot-hub, url: \"ssl://my-hub.azure-devices.net:8883\","
                + " client-id: dev-7, username: \"my-hub.azure-devices.net/dev-7/?api-version=2024-01-01\","
                + " password-file: " + secret + ", status-topic: \"devices/dev-7/messages/events/status\","
                + " tls: { alpn: [mqtt], verify-hostname: false } }");
        assertEquals("my-hub.azure-devices.net/dev-7/?api-version=2024-01-01", o.username());
        assertEquals("devices/dev-7/messages/events/status", o.statusTopic());
        assertEquals(List.of("mqtt"), o.tls().alpn());
        assertFalse(o.tls().verifyHostname());
    }

    // ---- what a platform requires, refused here ----------------------------------------------------------------

    @Test
    void anUnknownPresetIsNamedWithTheKnownOnes() {
        assertEquals("upstream.preset: \"aws\" is not valid: expected null or one of aws-iot-core, azure-iot-hub,"
                + " hivemq-cloud, emqx-cloud, mosquitto", fails("upstream: { preset: aws, url: \"ssl://h\" }"));
    }

    @Test
    void aPresetNeedsTheEndpointUrl() {
        assertEquals("upstream.url: \"embedded\" is not valid: expected the AWS IoT Core endpoint, e.g."
                + " ssl://abc123-ats.iot.eu-west-1.amazonaws.com:8883 (upstream.preset is aws-iot-core)",
                fails("upstream: { preset: aws-iot-core }"));
    }

    @Test
    void aCloudTakesTlsOnly() {
        assertEquals("upstream.url: \"tcp://abc-ats.iot.eu-west-1.amazonaws.com\" is not valid: expected an ssl:// URL"
                + " such as ssl://abc123-ats.iot.eu-west-1.amazonaws.com:8883: AWS IoT Core takes TLS connections only",
                fails("upstream: { preset: aws-iot-core, url: \"tcp://abc-ats.iot.eu-west-1.amazonaws.com\" }"));
    }

    @Test
    void awsNeedsTheThingsCertificate() {
        assertTrue(fails("upstream: { preset: aws-iot-core, url: \"ssl://abc-ats.iot.eu-west-1.amazonaws.com\" }")
                .startsWith("upstream.tls.cert-file: is missing: AWS IoT Core (upstream.preset aws-iot-core)"
                        + " authenticates the gateway by its client certificate"));
    }

    @Test
    void azureNeedsItsHubHostAndASasTokenOrACertificate() {
        assertEquals("upstream.url: \"ssl://broker.example\" is not valid: expected ssl://HUB.azure-devices.net[:8883],"
                + " an Azure IoT Hub's host", fails("upstream: { preset: azure-iot-hub, url: \"ssl://broker.example\" }"));
        assertTrue(fails("upstream: { preset: azure-iot-hub, url: \"ssl://my-hub.azure-devices.net\" }")
                .startsWith("upstream.password-file: is missing: Azure IoT Hub (upstream.preset azure-iot-hub) needs a"
                        + " SAS token"));
    }

    @Test
    void hivemqNeedsUserNameAndPassword() {
        assertEquals("upstream.username: is missing: HiveMQ Cloud (upstream.preset hivemq-cloud) needs the user name"
                + " and password of its access credentials",
                fails("upstream: { preset: hivemq-cloud, url: \"ssl://abc.hivemq.cloud\" }"));
        assertTrue(fails("upstream: { preset: hivemq-cloud, url: \"ssl://abc.hivemq.cloud\", username: gw }")
                .startsWith("upstream.password-file: is missing"));
    }

    @Test
    void aKeepAliveThePlatformDoesNotTakeIsRefused() {
        assertEquals("upstream.keep-alive: \"30m\" is not valid: expected at most 1200s: AWS IoT Core (upstream.preset"
                + " aws-iot-core) takes no longer keep-alive", fails("upstream: { preset: aws-iot-core, url:"
                + " \"ssl://abc-ats.iot.eu-west-1.amazonaws.com\", keep-alive: 30m, " + awsTls() + " }"));
    }

    // ---- tls --------------------------------------------------------------------------------------------------

    @Test
    void tlsSettingsWithAPlainUrlAreRefused() {
        assertEquals("upstream.tls: is given, but upstream.url is not a TLS URL: use ssl://HOST[:PORT] for TLS",
                fails("upstream: { url: \"tcp://h\", tls: { ca-file: " + ca + " } }"));
    }

    @Test
    void aCertificateNeedsItsKey() {
        assertEquals("upstream.tls.key-file: is missing: upstream.tls.cert-file needs its private key",
                fails("upstream: { url: \"ssl://h\", tls: { cert-file: " + cert + " } }"));
    }

    @Test
    void tlsFilesMustBeReadable() {
        Path missing = dir.resolve("missing.pem");
        assertEquals("upstream.tls.ca-file: \"" + missing + "\" is not valid: expected null or the absolute path of a"
                + " readable file; there is no readable file there",
                fails("upstream: { url: \"ssl://h\", tls: { ca-file: " + missing + " } }"));
    }

    @Test
    void alpnIsANameOrAListOfNames() throws Exception {
        assertEquals(List.of("a", "b"), resolved("upstream: { url: \"ssl://h\", tls: { alpn: [a, b] } }").tls().alpn());
        assertEquals(List.of("x-amzn-mqtt-ca"),
                resolved("upstream: { url: \"ssl://h:443\", tls: { alpn: x-amzn-mqtt-ca } }").tls().alpn());
        assertTrue(fails("upstream: { url: \"ssl://h\", tls: { alpn: 5 } }")
                .startsWith("upstream.tls.alpn: 5 is not valid: expected null, a protocol name"));
    }

    @Test
    void unknownTlsKeyIsNamed() {
        assertEquals("upstream.tls.ca: unknown key; expected one of: ca-file, cert-file, key-file, verify-hostname,"
                + " alpn", fails("upstream: { url: \"ssl://h\", tls: { ca: x } }"));
    }

    // ---- password-file ----------------------------------------------------------------------------------------

    @Test
    void passwordFileIsReadWithoutItsTrailingLineBreakAndNeverShown() throws Exception {
        GatewayConfig c = ConfigLoader.parse("upstream: { url: \"tcp://h\", username: u, password-file: " + secret + " }");
        assertEquals("s3cr3t-pw", c.upstream().password());
        assertFalse(c.toString().contains("s3cr3t"), c.toString());
    }

    @Test
    void passwordAndPasswordFileTogetherAreRefused() {
        assertTrue(fails("upstream: { username: u, password: x, password-file: " + secret + " }")
                .startsWith("upstream.password: and upstream.password-file are both given: expected one"));
    }

    @Test
    void anEmptyOrMissingPasswordFileIsRefusedWithoutItsContent() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertEquals("upstream.password-file: \"" + empty + "\" is not valid: expected a file holding the password"
                + " (1..65535 bytes of UTF-8, one trailing line break allowed); it holds 0 bytes",
                fails("upstream: { username: u, password-file: " + empty + " }"));
        assertTrue(fails("upstream: { username: u, password-file: " + dir.resolve("nope") + " }")
                .endsWith("there is no readable file there"));
    }

    @Test
    void passwordFileNeedsAUserName() {
        assertTrue(fails("upstream: { password-file: " + secret + " }")
                .startsWith("upstream.password: is given without upstream.username"));
    }

    // ---- status-topic -----------------------------------------------------------------------------------------

    @Test
    void statusTopicDefaultsToTheGatewaysOwnAndCanBeTurnedOff() throws Exception {
        assertEquals("sngw/4/status", ConfigLoader.parse("gateway: { id: 4 }").upstream().statusTopic());
        assertEquals("site/4/gw", ConfigLoader.parse("gateway: { id: 4 }\nupstream: { status-topic:"
                + " \"site/{gateway-id}/gw\" }").upstream().statusTopic());
        assertNull(ConfigLoader.parse("upstream: { status-topic: none }").upstream().statusTopic());
        assertNull(ConfigLoader.parse("upstream: { status-topic: null }").upstream().statusTopic());
    }

    @Test
    void statusTopicMustBeATopicName() {
        assertEquals("upstream.status-topic: \"gw/+/status\" is not valid: expected none, or an MQTT topic name without"
                + " wildcards (sngw/{gateway-id}/status by default; {gateway-id} is gateway.id)",
                fails("upstream: { status-topic: \"gw/+/status\" }"));
    }
}

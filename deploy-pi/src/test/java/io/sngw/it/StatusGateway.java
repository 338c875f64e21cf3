package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.TopicRef;
import io.sngw.deploy.GatewayApp;
import io.sngw.deploy.GatewayConfig;
import io.sngw.deploy.http.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real {@link GatewayApp} on free ports (UDP, the embedded broker, the HTTP endpoint), with a store, and real
 * sensors on UDP: what the status endpoint, the page and the CLI are tested against.
 */
final class StatusGateway implements AutoCloseable {
    final GatewayApp app;
    final InetSocketAddress udp;
    final String url;
    private final List<Sensor> sensors = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    StatusGateway(Path dataDir) {
        this(dataDir, c -> c);
    }

    StatusGateway(Path dataDir, java.util.function.UnaryOperator<GatewayConfig> adjust) {
        GatewayConfig d = GatewayConfig.defaults();
        GatewayConfig config = adjust.apply(d.withUdp(new GatewayConfig.UdpSettings("127.0.0.1", 0, null))
                .withUpstream(d.upstream().withEmbedded("127.0.0.1", 0))
                .withPredefinedTopics(Map.of(1, "sensors/temp"))
                .withStore(d.store().withDir(dataDir.toString()))
                .withHttp(d.http().withPort(0)));
        app = new GatewayApp(config);
        try {
            udp = app.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        InetSocketAddress h = app.httpAddress();
        url = "http://127.0.0.1:" + h.getPort();
    }

    /** A sensor connected with keep-alive 60 s and a persistent session. */
    Sensor connected(String clientId) {
        Sensor sensor = new Sensor(udp);
        sensors.add(sensor);
        sensor.connect(clientId, 60, false);
        return sensor;
    }

    /** A sensor connected, then asleep for an hour. */
    Sensor asleep(String clientId) {
        Sensor sensor = connected(clientId);
        sensor.send(new Disconnect(3600));
        sensor.expect(new Disconnect());
        return sensor;
    }

    /** A QoS 0 PUBLISH to predefined topic 1. */
    static void publishQos0(Sensor sensor, String payload) {
        sensor.send(new Publish(false, 0, false, new TopicRef.Predefined(1), 0,
                payload.getBytes(StandardCharsets.UTF_8)));
    }

    HttpResponse<String> get(String path) {
        return request(HttpRequest.newBuilder(URI.create(url + path)).GET());
    }

    HttpResponse<String> request(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET {@code path}, expecting 200 and JSON. */
    Object json(String path) {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.parse(response.body());
    }

    @Override
    public void close() {
        sensors.forEach(Sensor::close);
        app.close();
    }
}

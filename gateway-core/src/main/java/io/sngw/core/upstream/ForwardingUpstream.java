package io.sngw.core.upstream;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/** An upstream in front of another: everything is passed on unless a subclass says otherwise. */
public abstract class ForwardingUpstream implements Upstream {
    protected final Upstream upstream;

    protected ForwardingUpstream(Upstream upstream) {
        this.upstream = upstream;
    }

    @Override
    public void start(UpstreamListener listener) {
        upstream.start(listener);
    }

    @Override
    public CompletableFuture<Void> publish(UpstreamMessage message) {
        return upstream.publish(message);
    }

    @Override
    public CompletableFuture<Integer> subscribe(String filter, int qos) {
        return upstream.subscribe(filter, qos);
    }

    @Override
    public void restoreSubscription(String filter, int qos) {
        upstream.restoreSubscription(filter, qos);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String filter) {
        return upstream.unsubscribe(filter);
    }

    // Per sensor (transparent mode, topic templates): passed on too, or the wrapped bridge would never see them.

    @Override
    public CompletableFuture<Integer> subscribe(ClientRef client, String filter, int qos) {
        return upstream.subscribe(client, filter, qos);
    }

    @Override
    public void restoreSubscription(ClientRef client, String filter, int qos) {
        upstream.restoreSubscription(client, filter, qos);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(ClientRef client, String filter) {
        return upstream.unsubscribe(client, filter);
    }

    @Override
    public boolean sensorConnected(SensorConnection connection) {
        return upstream.sensorConnected(connection);
    }

    @Override
    public void sensorAsleep(ClientRef client) {
        upstream.sensorAsleep(client);
    }

    @Override
    public CompletableFuture<Void> sensorAwake(ClientRef client) {
        return upstream.sensorAwake(client);
    }

    @Override
    public boolean sensorDisconnected(ClientRef client, boolean lost) {
        return upstream.sensorDisconnected(client, lost);
    }

    @Override
    public boolean isConnected() {
        return upstream.isConnected();
    }

    @Override
    public Optional<ScheduledExecutorService> publishLoop() {
        return upstream.publishLoop();
    }

    @Override
    public void close() {
        upstream.close();
    }
}

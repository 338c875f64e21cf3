package io.sngw.core.upstream;

import java.util.concurrent.CompletableFuture;

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

    @Override
    public boolean isConnected() {
        return upstream.isConnected();
    }

    @Override
    public void close() {
        upstream.close();
    }
}

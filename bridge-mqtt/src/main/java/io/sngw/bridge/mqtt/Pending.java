package io.sngw.bridge.mqtt;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What one packet id of ours awaits from the broker. */
sealed interface Pending permits Pending.Publish, Pending.Subscribe, Pending.Unsubscribe {

    /** A QoS 1/2 PUBLISH awaiting PUBACK, or PUBREC then PUBCOMP; {@code future} is null for a re-released one. */
    final class Publish implements Pending {
        final CompletableFuture<Void> future;
        final int qos;
        /** QoS 2: PUBREC seen, PUBREL sent, PUBCOMP awaited. */
        boolean released;

        Publish(CompletableFuture<Void> future, int qos) {
            this.future = future;
            this.qos = qos;
        }
    }

    /** A filter in a SUBSCRIBE packet; {@code future} is null for the bridge's own re-subscription. */
    record SubRequest(SubscriptionTable.Subscription subscription, CompletableFuture<Integer> future) {
    }

    record Subscribe(List<SubRequest> requests, boolean resubscribe) implements Pending {
    }

    record Unsubscribe(CompletableFuture<Void> future) implements Pending {
    }
}

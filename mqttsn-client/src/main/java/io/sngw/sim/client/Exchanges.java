package io.sngw.sim.client;

import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MsgType;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The requests a client has sent and is waiting on, keyed by the answer they expect: (type, msgId), with
 * {@link #NO_ID} for answers that carry no message id (CONNACK, PINGRESP, DISCONNECT, ...). A request may expect
 * one of several answers (CONNECT with a will: WILLTOPICREQ or CONNACK; QoS 2 PUBLISH: PUBREC or PUBACK).
 * Answers are matched on the client's receiver thread; resends and timeouts run on the {@link ClientTimer}.
 */
final class Exchanges {
    static final int NO_ID = -1;

    record Key(MsgType type, int msgId) {
        @Override
        public String toString() {
            return msgId == NO_ID ? type.name() : type.name() + "(msgId " + msgId + ")";
        }
    }

    private final ConcurrentHashMap<Key, CompletableFuture<MqttSnMessage>> waiting = new ConcurrentHashMap<>();
    private final Consumer<MqttSnMessage> transmitter;
    private final Supplier<String> context;

    /**
     * @param transmitter sends a message to the gateway (may throw when the client is closed)
     * @param context     names the client in timeout messages
     */
    Exchanges(Consumer<MqttSnMessage> transmitter, Supplier<String> context) {
        this.transmitter = transmitter;
        this.context = context;
    }

    static Key key(MsgType type) {
        return new Key(type, NO_ID);
    }

    static Key key(MsgType type, int msgId) {
        return new Key(type, msgId);
    }

    /**
     * Sends {@code request} and returns the future answer. Without retries the future fails after {@code timeout};
     * with retries, {@code resend} goes out after each unanswered interval, and the future fails one interval after
     * the last resend.
     *
     * @throws IllegalStateException when another request already waits for one of these answers
     */
    CompletableFuture<MqttSnMessage> start(MqttSnMessage request, MqttSnMessage resend, Duration timeout,
                                           RetryPolicy retry, Key... expected) {
        CompletableFuture<MqttSnMessage> answer = new CompletableFuture<>();
        for (int i = 0; i < expected.length; i++) {
            // A completed exchange may still be registered: its caller can wake (and start the next request) before
            // the completing thread has run the cleanup below. It is over; take its place.
            CompletableFuture<MqttSnMessage> registered = waiting.compute(expected[i],
                    (k, previous) -> previous == null || previous.isDone() ? answer : previous);
            if (registered != answer) {
                for (int j = 0; j < i; j++) {
                    waiting.remove(expected[j], answer);
                }
                throw new IllegalStateException(context.get() + ": already waiting for " + expected[i]
                        + "; one such request at a time");
            }
        }
        Attempts attempts = new Attempts(request, resend, timeout, retry, expected, answer);
        answer.whenComplete((message, failure) -> {
            for (Key k : expected) {
                waiting.remove(k, answer);
            }
            attempts.cancelTimer();
        });
        try {
            transmitter.accept(request);
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
            return answer;
        }
        attempts.arm();
        return answer;
    }

    /** Completes the request this message answers; false when no request waits for it. */
    boolean complete(MqttSnMessage message) {
        CompletableFuture<MqttSnMessage> answer = waiting.get(new Key(message.type(), msgIdOf(message)));
        return answer != null && answer.complete(message);
    }

    void failAll(RuntimeException failure) {
        waiting.values().forEach(f -> f.completeExceptionally(failure));
    }

    /** The message id an answer is matched by, or {@link #NO_ID}. */
    static int msgIdOf(MqttSnMessage message) {
        if (message instanceof MqttSnMessage.RegAck m) {
            return m.msgId();
        } else if (message instanceof MqttSnMessage.PubAck m) {
            return m.msgId();
        } else if (message instanceof MqttSnMessage.PubRec m) {
            return m.msgId();
        } else if (message instanceof MqttSnMessage.PubComp m) {
            return m.msgId();
        } else if (message instanceof MqttSnMessage.PubRel m) {
            return m.msgId();
        } else if (message instanceof MqttSnMessage.SubAck m) {
            return m.msgId();
        } else if (message instanceof MqttSnMessage.UnsubAck m) {
            return m.msgId();
        }
        return NO_ID;
    }

    /** The resends and the final timeout of one request. */
    private final class Attempts implements Runnable {
        private final MqttSnMessage request;
        private final MqttSnMessage resend;
        private final Duration timeout;
        private final RetryPolicy retry;
        private final Key[] expected;
        private final CompletableFuture<MqttSnMessage> answer;
        private int sent = 1; // touched by the timer thread only, after arm()
        private volatile ScheduledFuture<?> timer;

        Attempts(MqttSnMessage request, MqttSnMessage resend, Duration timeout, RetryPolicy retry, Key[] expected,
                 CompletableFuture<MqttSnMessage> answer) {
            this.request = request;
            this.resend = resend;
            this.timeout = timeout;
            this.retry = retry;
            this.expected = expected;
            this.answer = answer;
        }

        private Duration waitPerAttempt() {
            return retry.enabled() ? retry.interval() : timeout;
        }

        void arm() {
            timer = ClientTimer.schedule(this, waitPerAttempt());
            if (answer.isDone()) {
                cancelTimer(); // answered before the timer existed
            }
        }

        void cancelTimer() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }

        @Override
        public void run() {
            if (answer.isDone()) {
                return;
            }
            if (sent <= retry.maxRetries()) {
                sent++;
                try {
                    transmitter.accept(resend);
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                    return;
                }
                timer = ClientTimer.schedule(this, waitPerAttempt());
                return;
            }
            answer.completeExceptionally(new MqttSnTimeoutException(describeTimeout()));
        }

        private String describeTimeout() {
            String awaited = Arrays.stream(expected).map(Key::toString).collect(Collectors.joining(" or "));
            String how = retry.enabled()
                    ? " after " + sent + " attempts " + retry.interval().toMillis() + " ms apart"
                    : " within " + timeout.toMillis() + " ms";
            return context.get() + ": no " + awaited + " in answer to " + request + how;
        }
    }
}

package io.sngw.sim.client;

import io.sngw.core.linksec.Direction;
import io.sngw.core.linksec.FrameProtection;
import io.sngw.core.linksec.InstallCode;
import io.sngw.core.linksec.LinkKeys;
import io.sngw.core.linksec.PairingFrames;
import io.sngw.core.linksec.PairingKeys;
import io.sngw.core.linksec.RadioFrame;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A sensor's side of pairing over the air (docs/pairing.md) on a client transport of its own: PAIR_HELLO (repeated
 * every second until an offer comes), the gateway's confirmation checked before anything else is sent, PAIR_CONFIRM
 * (repeated until the accept comes), PAIR_ACCEPT opened under the new K_down. The transport is closed afterwards:
 * the protected session runs on a transport of its own.
 */
public final class RadioPairingClient {
    private static final Duration RESEND = Duration.ofSeconds(1);

    /** What pairing gave the sensor. */
    public record Paired(long devid, byte[] rootKey, String clientId) {
    }

    /** Why a pairing failed; the gateway says nothing, so "no answer" is the usual reason. */
    public static final class PairingException extends Exception {
        PairingException(String message) {
            super(message);
        }
    }

    private RadioPairingClient() {
    }

    /**
     * Pairs {@code devid} over {@code transport} (closed on return) with the install code, or without one when
     * {@code installCode} is null.
     */
    public static Paired pair(ClientTransport transport, long devid, InstallCode installCode, Duration timeout)
            throws PairingException, IOException, InterruptedException {
        BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    inbox.add(transport.receive());
                }
            } catch (IOException closed) {
                // done
            }
        }, "pairing-reader-" + RadioFrame.hex(devid));
        reader.setDaemon(true);
        reader.start();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] priv = PairingKeys.newPrivateKey(new SecureRandom());
            byte[] pub = PairingKeys.publicKey(priv);
            byte[] offer = exchange(transport, inbox, PairingFrames.hello(devid, pub), devid,
                    RadioFrame.KIND_PAIR_OFFER, RadioFrame.OFFER_LENGTH, deadline);
            byte[] gwPub = PairingFrames.publicKey(offer);
            PairingKeys keys = PairingKeys.derive(devid, priv, gwPub, pub, gwPub, installCode);
            if (keys == null || !PairingKeys.matches(keys.gatewayConfirm(), offer,
                    PairingFrames.OFFER_CONFIRM_OFFSET)) {
                throw new PairingException("the gateway's confirmation is wrong: another install code, or not our"
                        + " gateway");
            }
            byte[] accept = exchange(transport, inbox, PairingFrames.confirm(devid, keys.sensorConfirm()), devid,
                    RadioFrame.KIND_PAIR_ACCEPT, -1, deadline);
            byte[] id = FrameProtection.of(devid, Direction.DOWNLINK, LinkKeys.derive(keys.rootKey(), devid))
                    .open(accept);
            if (id == null || RadioFrame.counter(accept) != 1) {
                throw new PairingException("the accept does not open under the agreed key");
            }
            return new Paired(devid, keys.rootKey(), new String(id, StandardCharsets.UTF_8));
        } finally {
            transport.close();
        }
    }

    /** Sends {@code frame} every second until a frame of {@code kind} for {@code devid} comes back. */
    private static byte[] exchange(ClientTransport transport, BlockingQueue<byte[]> inbox, byte[] frame, long devid,
                                   int kind, int length, long deadline)
            throws IOException, InterruptedException, PairingException {
        while (System.nanoTime() < deadline) {
            transport.send(frame);
            long resendAt = System.nanoTime() + RESEND.toNanos();
            while (System.nanoTime() < Math.min(resendAt, deadline)) {
                byte[] in = inbox.poll(Math.max(1, Math.min(resendAt, deadline) - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                if (in != null && RadioFrame.isRadioFrame(in) && RadioFrame.lengthMatches(in)
                        && RadioFrame.kind(in) == kind && RadioFrame.devid(in) == devid
                        && (length < 0 || in.length == length)) {
                    return in;
                }
            }
        }
        throw new PairingException("no answer from the gateway (no window open, or refused)");
    }
}

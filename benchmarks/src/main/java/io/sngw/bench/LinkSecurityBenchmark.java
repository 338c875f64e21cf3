package io.sngw.bench;

import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.linksec.Direction;
import io.sngw.core.linksec.FrameProtection;
import io.sngw.core.linksec.InstallCode;
import io.sngw.core.linksec.LinkKeys;
import io.sngw.core.linksec.PairingFrames;
import io.sngw.core.linksec.PairingKeys;
import io.sngw.core.linksec.RadioFrame;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The CPU a protected frame costs against a plain one (docs/radio-security.md): receiving is opening the frame and
 * decoding the PUBLISH inside; sending is encoding and sealing. Also Bouncy Castle's own CCM (re-keyed per packet),
 * which FrameProtection avoids, and the gateway's whole share of one pairing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LinkSecurityBenchmark {
    private static final long DEVID = 0x0013a20041b2c3d4L;

    @Param({"32", "256"})
    int payloadBytes;

    private Publish publish;
    private byte[] plain;
    private byte[] sealed;
    private FrameProtection up;
    private FrameProtection gatewayUp;
    private byte[] upKey;
    private long counter;
    private byte[] sensorPub;
    private final SecureRandom random = new SecureRandom();

    @Setup
    public void setUp() {
        publish = new Publish(false, 1, false, new TopicRef.Registered(7), 4242, new byte[payloadBytes]);
        plain = MqttSnCodec.encode(publish);
        LinkKeys keys = LinkKeys.derive(new byte[16], DEVID);
        upKey = keys.up();
        up = FrameProtection.of(DEVID, Direction.UPLINK, keys);
        gatewayUp = FrameProtection.of(DEVID, Direction.UPLINK, keys);
        sealed = up.seal(1, plain);
        sensorPub = PairingKeys.publicKey(PairingKeys.newPrivateKey(random));
    }

    @Benchmark
    public DecodeResult receivePlain() {
        return MqttSnCodec.decode(plain);
    }

    @Benchmark
    public DecodeResult receiveProtected() {
        return MqttSnCodec.decode(gatewayUp.open(sealed));
    }

    @Benchmark
    public byte[] sendPlain() {
        return MqttSnCodec.encode(publish);
    }

    @Benchmark
    public byte[] sendProtected() {
        return up.seal(++counter & 0xFFFFFFFFL | 1, MqttSnCodec.encode(publish));
    }

    /** Bouncy Castle's CCMBlockCipher, set up per frame: what caching the key schedule saves. */
    @Benchmark
    public byte[] sealWithBouncyCastleCcmPerFrame() throws Exception {
        byte[] nonce = Arrays.copyOfRange(sealed, 4, 17);
        CCMModeCipher ccm = CCMBlockCipher.newInstance(AESEngine.newInstance());
        ccm.init(true, new AEADParameters(new KeyParameter(upKey), 64, nonce, Arrays.copyOf(sealed, 16)));
        byte[] out = new byte[ccm.getOutputSize(plain.length)];
        int n = ccm.processBytes(plain, 0, plain.length, out, 0);
        ccm.doFinal(out, n);
        return out;
    }

    /** The gateway's crypto for one pairing: its X25519 key and agreement, HKDF, both confirmations, the accept. */
    @Benchmark
    public byte[] pairingGatewaySide() {
        byte[] gwPrivate = PairingKeys.newPrivateKey(random);
        byte[] gwPub = PairingKeys.publicKey(gwPrivate);
        PairingKeys keys = PairingKeys.derive(DEVID, gwPrivate, sensorPub, sensorPub, gwPub,
                InstallCode.of(new byte[16]));
        byte[] offer = PairingFrames.offer(DEVID, gwPub, keys.gatewayConfirm());
        keys.sensorConfirm();
        return FrameProtection.of(DEVID, Direction.DOWNLINK, LinkKeys.derive(keys.rootKey(), DEVID))
                .seal(RadioFrame.KIND_PAIR_ACCEPT, 1, "sn-0013a20041b2c3d4".getBytes(StandardCharsets.UTF_8))
                .length + offer.length > 0 ? offer : null;
    }
}

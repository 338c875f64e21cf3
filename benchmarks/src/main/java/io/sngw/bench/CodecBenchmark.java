package io.sngw.bench;

import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.TopicRef;
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

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/** Decoding and encoding one PUBLISH, the message every sensor sends most: the per-datagram floor of the gateway. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    @Param({"32", "256"})
    int payloadBytes;

    private Publish publish;
    private byte[] datagram;
    private ByteBuffer reusable;

    @Setup
    public void setUp() {
        publish = new Publish(false, 1, false, new TopicRef.Registered(7), 4242, new byte[payloadBytes]);
        datagram = MqttSnCodec.encode(publish);
        reusable = ByteBuffer.allocate(datagram.length);
    }

    @Benchmark
    public DecodeResult decodePublish() {
        return MqttSnCodec.decode(datagram);
    }

    /** What the gateway does per message it sends: a fresh array per datagram. */
    @Benchmark
    public byte[] encodePublish() {
        return MqttSnCodec.encode(publish);
    }

    /** Encoding into a buffer the caller owns: the cost without the array allocation. */
    @Benchmark
    public ByteBuffer encodePublishIntoBuffer() {
        reusable.clear();
        MqttSnCodec.encode(publish, reusable);
        return reusable;
    }
}

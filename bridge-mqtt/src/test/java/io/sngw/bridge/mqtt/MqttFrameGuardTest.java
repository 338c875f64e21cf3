package io.sngw.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

/** The framing in front of Netty's MQTT decoder, fed byte by byte and in odd chunks. */
class MqttFrameGuardTest {

    private static void feed(EmbeddedChannel ch, byte[] bytes, int chunk) {
        for (int i = 0; i < bytes.length; i += chunk) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void packetFedByteByByteComesOutWhole() {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttFrameGuard(1024));
        byte[] publish = ScriptedBroker.publishPacket("a/b", "hello".getBytes(StandardCharsets.UTF_8), 1, 5, false,
                false);
        feed(ch, publish, 1);
        ByteBuf frame = ch.readInbound();
        assertEquals(ByteBufUtil.hexDump(publish), ByteBufUtil.hexDump(frame));
        frame.release();
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void oversizedPublishIsSkippedAndTheNextPacketSurvives() {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttFrameGuard(100));
        byte[] big = ScriptedBroker.publishPacket("big/t", new byte[5000], 2, 77, false, true);
        byte[] small = ScriptedBroker.publishPacket("s", "ok".getBytes(StandardCharsets.UTF_8), 0, 0, false, false);
        feed(ch, concat(big, small), 333);
        OversizedPublish skipped = ch.readInbound();
        assertEquals(new OversizedPublish("big/t", 2, 77, big.length - 3), skipped);
        ByteBuf frame = ch.readInbound();
        assertEquals(ByteBufUtil.hexDump(small), ByteBufUtil.hexDump(frame));
        frame.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void oversizedPacketOfAnotherTypeIsAProtocolError() {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttFrameGuard(100));
        byte[] suback = new byte[3 + 200];
        suback[0] = (byte) 0x90;
        suback[1] = (byte) (200 & 0x7F | 0x80);
        suback[2] = (byte) (200 >> 7);
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(suback)));
        assertEquals("packet type 9 from the broker has 200 bytes, more than the 100 accepted", e.getMessage());
        ch.finishAndReleaseAll();
    }

    @Test
    void lengthFieldLongerThanFourBytesIsAProtocolError() {
        EmbeddedChannel ch = new EmbeddedChannel(new MqttFrameGuard(100));
        DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(
                Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1})));
        assertInstanceOf(DecoderException.class, e);
        assertEquals("remaining length of a packet from the broker is longer than 4 bytes", e.getMessage());
        ch.finishAndReleaseAll();
    }
}

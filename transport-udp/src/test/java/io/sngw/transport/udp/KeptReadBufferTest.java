package io.sngw.transport.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The epoll socket's read buffer is kept from one read to the next while no datagram of an earlier read holds it, as
 * Netty's read loop uses it: allocate, fill, hand slices up, release.
 */
class KeptReadBufferTest {
    private static final PooledByteBufAllocator POOL = PooledByteBufAllocator.DEFAULT;

    @Test
    void aReadBufferNoDatagramHoldsAnyMoreServesTheNextReadEmpty() {
        RecvByteBufAllocator.Handle handle = new KeptReadBuffer(4096).newHandle();
        ByteBuf first = handle.allocate(POOL);
        first.writeBytes(new byte[] {1, 2, 3});
        first.retainedSlice(0, 3).release(); // a datagram, decoded and released
        first.release(); // the read loop is done with it

        ByteBuf second = handle.allocate(POOL);
        assertSame(first, second);
        assertEquals(0, second.readableBytes());
        assertEquals(4096, second.capacity());
        second.release();
    }

    @Test
    void aReadBufferADatagramStillHoldsIsNotReusedAndIsFreedWithThatDatagram() {
        RecvByteBufAllocator.Handle handle = new KeptReadBuffer(4096).newHandle();
        ByteBuf first = handle.allocate(POOL);
        first.writeBytes(new byte[] {1, 2, 3});
        ByteBuf datagram = first.retainedSlice(0, 3); // still on its way through the pipeline
        first.release();

        ByteBuf second = handle.allocate(POOL);
        assertNotSame(first, second);
        assertEquals(3, datagram.readableBytes(), "the datagram still reads its bytes");
        datagram.release();
        assertEquals(0, first.refCnt(), "the old buffer went back to the pool with its last datagram");
        second.release();
    }

    @Test
    void closingGivesTheKeptBufferBack() {
        KeptReadBuffer allocator = new KeptReadBuffer(4096);
        ByteBuf read = allocator.newHandle().allocate(POOL);
        read.release();

        allocator.release();
        assertEquals(0, read.refCnt());
    }
}

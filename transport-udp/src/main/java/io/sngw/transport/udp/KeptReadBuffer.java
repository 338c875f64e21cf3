package io.sngw.transport.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

import java.util.ArrayList;
import java.util.List;

/**
 * The epoll socket's read buffer (a megabyte: {@link DatagramIo#DATAGRAMS_PER_READ} slots of a maximal datagram),
 * kept from one read to the next instead of taken from the pool and given back each time.
 *
 * <p>Why: the pool keeps a buffer that large in no thread's cache, so each read took it from a 4 MiB chunk and gave
 * it back; on an I/O thread that allocates nothing else the chunk then emptied and the pool freed it, and the next
 * read (one per datagram, plus the one that finds the socket empty) allocated and zeroed a new one. Measured in the
 * lockstep QoS 1 benchmark: {@code Copy::fill_to_memory_atomic} (Unsafe.setMemory) was 36 % of the gateway's CPU, the
 * I/O thread 3.75 s of CPU per 10 s, whenever the sensor's datagrams and the gateway's answers used different
 * sockets of the SO_REUSEPORT group (which the kernel's hash decides).
 *
 * <p>The buffer is reused only when nothing else holds it: the datagrams of a read are slices of it, each holding a
 * reference until it is released, so a read that finds a slice still alive takes a fresh buffer (and the old one is
 * freed when its last slice goes). One per channel: the allocator is per bootstrap, the handle per channel, and all of
 * it runs on the channel's event loop. {@link #release} (on close) gives the kept buffer back to the pool.
 */
final class KeptReadBuffer extends FixedRecvByteBufAllocator {
    private final List<KeepingHandle> handles = new ArrayList<>(1);

    KeptReadBuffer(int bufferSize) {
        super(bufferSize);
    }

    @Override
    public Handle newHandle() {
        KeepingHandle handle = new KeepingHandle((ExtendedHandle) super.newHandle());
        handles.add(handle);
        return handle;
    }

    /** The channel closed: its kept buffer goes back to the pool. On the channel's event loop. */
    void release() {
        handles.forEach(KeepingHandle::release);
    }

    private static final class KeepingHandle implements ExtendedHandle {
        private final ExtendedHandle delegate;
        /** Holds one reference of its own while kept. */
        private ByteBuf kept;

        KeepingHandle(ExtendedHandle delegate) {
            this.delegate = delegate;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            if (kept != null && kept.refCnt() == 1) {
                return kept.retain().clear(); // only this handle holds it: no datagram of an earlier read sees it
            }
            release(); // a slice still holds it: it is freed with that slice
            kept = delegate.allocate(alloc);
            return kept.retain();
        }

        void release() {
            if (kept != null) {
                kept.release();
                kept = null;
            }
        }

        @Override
        public int guess() {
            return delegate.guess();
        }

        @Override
        public void reset(ChannelConfig config) {
            delegate.reset(config);
        }

        @Override
        public void incMessagesRead(int numMessages) {
            delegate.incMessagesRead(numMessages);
        }

        @Override
        public void lastBytesRead(int bytes) {
            delegate.lastBytesRead(bytes);
        }

        @Override
        public int lastBytesRead() {
            return delegate.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            delegate.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return delegate.attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return delegate.continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return delegate.continueReading(maybeMoreDataSupplier);
        }

        @Override
        public void readComplete() {
            delegate.readComplete();
        }
    }
}

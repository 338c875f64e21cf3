package io.sngw.transport.serial;

/**
 * Turns the byte stream of one serial line into frames. Stateful, owned by the thread that reads the line; never
 * throws on any input.
 */
public interface FrameDecoder {

    /** Bytes just read from the line. */
    void feed(byte[] bytes, int offset, int length, FrameSink sink);

    /**
     * The line has been silent for the inter-byte timeout: a frame still incomplete will never be completed (the
     * sender does not pause inside a frame), so it is discarded as {@link FramingError#TRUNCATED}, and the next
     * byte starts a frame.
     */
    void silence(FrameSink sink);
}

package io.sngw.transport.serial;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Records what a decoder produced, frames as hex, for assertions. */
final class CollectingSink implements FrameSink {
    final List<String> frames = new ArrayList<>();
    final List<FramingError> errors = new ArrayList<>();

    @Override
    public void frame(byte[] data) {
        frames.add(HexFormat.of().formatHex(data));
    }

    @Override
    public void error(FramingError reason) {
        errors.add(reason);
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }
}

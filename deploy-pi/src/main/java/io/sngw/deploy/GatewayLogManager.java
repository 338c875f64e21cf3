package io.sngw.deploy;

import java.util.logging.LogManager;

/**
 * A LogManager that ignores the reset which the JDK's own shutdown hook performs. That hook runs concurrently with
 * the gateway's, and once it has reset, the lines the gateway logs while shutting down are lost. Installed by
 * {@link Main} through {@code java.util.logging.manager} before anything logs; the console handler flushes every
 * record, so nothing needs the final reset.
 */
public final class GatewayLogManager extends LogManager {

    private volatile boolean configured;

    /** After this, reset() is a no-op: called once the gateway's own handlers are in place. */
    void keepConfiguration() {
        configured = true;
    }

    @Override
    public void reset() {
        if (!configured) {
            super.reset();
        }
    }

    /** Resets even after {@link #keepConfiguration()}: for configuring anew. */
    void forceReset() {
        super.reset();
    }
}

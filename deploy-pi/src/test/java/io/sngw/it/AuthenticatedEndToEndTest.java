package io.sngw.it;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link EndToEndTest} with security.require-auth: the store in {@link #dir} holds the devices a test registers. */
abstract class AuthenticatedEndToEndTest extends EndToEndTest {
    @TempDir
    Path dir;

    @Override
    protected GatewayUnderTest startGateway() {
        return GatewayUnderTest.startWithAuth(broker.url(), dir);
    }
}

package io.sngw.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class StoreLocationTest {

    private static Optional<StoreLocation> of(String dir) {
        return StoreLocation.of(GatewayConfig.defaults().store().withDir(dir));
    }

    @Test
    void noneHasNoDirectory() {
        assertEquals(Optional.empty(), of("none"));
    }

    @Test
    void anAbsolutePathIsTakenAsItIs() {
        StoreLocation location = of("/srv/sngw").orElseThrow();
        assertEquals(Path.of("/srv/sngw"), location.dir());
        assertFalse(location.fellBack());
    }

    @Test
    void aTildeIsTheUsersHome() {
        assertEquals(Path.of(System.getProperty("user.home"), "sngw-data"), of("~/sngw-data").orElseThrow().dir());
    }

    @Test
    void theDefaultIsVarLibSngwOrTheUsersShareDirectoryWhenThatCannotBeWritten() {
        StoreLocation location = of(null).orElseThrow();
        if (location.fellBack()) {
            assertEquals(Path.of(GatewayConfig.DEFAULT_STORE_DIR), location.unwritableDefault());
            assertEquals(Path.of(System.getProperty("user.home"), ".local", "share", "sngw"), location.dir());
        } else {
            assertEquals(Path.of(GatewayConfig.DEFAULT_STORE_DIR), location.dir());
        }
    }
}

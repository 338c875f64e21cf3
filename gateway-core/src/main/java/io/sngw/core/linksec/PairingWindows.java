package io.sngw.core.linksec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The pairing windows port: the CLI ({@code sngw pair}) and the appliance's pairing button open windows; the
 * gateway's pairing responder asks which are open. Implemented by the store, so that a window opened by another
 * process reaches the running gateway.
 */
public interface PairingWindows {

    /** Opens a window for {@code duration} from now. */
    PairingWindow open(Duration duration, Optional<InstallCode> installCode, Optional<String> clientId,
                       OptionalLong devid);

    /** The windows open now, oldest first. */
    List<PairingWindow> openNow();

    /** Closes a window early (one that named a client id is used up by its first pairing). */
    void close(long id);
}

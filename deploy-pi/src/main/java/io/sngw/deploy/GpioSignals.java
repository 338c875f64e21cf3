package io.sngw.deploy;

import io.sngw.core.linksec.LinkSecurity;
import io.sngw.deploy.gpio.GatewaySignals;

import java.util.Map;

/** What the GPIO panel reads of a running {@link GatewayApp}: its existing accessors, nothing on the hot path. */
final class GpioSignals {

    private GpioSignals() {
    }

    static GatewaySignals of(GatewayApp app, GatewayConfig config) {
        // Pairing is the radio link security's: without a link that speaks it, a window would pair nothing.
        boolean radioSecurity = (config.udp().enabled() && config.udp().linkSecurity() != LinkSecurity.NONE)
                || config.serial().stream().anyMatch(port -> port.security() != LinkSecurity.NONE);
        return new GatewaySignals(app::brokerConnected,
                () -> app.counters().getOrDefault("outbound.queued", 0L),
                () -> {
                    Map<String, Long> c = app.counters();
                    return c.getOrDefault("datagrams.in", 0L) + c.getOrDefault("messages.out", 0L);
                },
                () -> radioSecurity ? app.pairingWindows() : null,
                config.security().pairingWithoutInstallCode());
    }
}

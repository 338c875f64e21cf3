package io.sngw.deploy;

import io.sngw.core.linksec.InstallCode;
import io.sngw.core.linksec.PairingWindow;
import io.sngw.core.linksec.RadioFrame;
import io.sngw.deploy.http.Json;
import io.sngw.deploy.http.PairToken;
import io.sngw.store.sqlite.SqliteStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code sngw pair}: opens a pairing window on the running gateway, through its HTTP endpoint on this machine
 * ({@code POST /api/pair}, at once) when it answers, else through the store it shares (the gateway notices within a
 * few seconds, as it does device changes). See docs/pairing.md.
 */
@Command(name = "pair", mixinStandardHelpOptions = true,
        description = {"Opens a pairing window: radios may pair over the air until it closes (docs/pairing.md).",
                "With --install-code only a radio that knows the code pairs; without one, the gateway pairs any"
                        + " radio only if pairing.allow-without-install-code is true, and marks it so."})
final class PairCommand extends StoreCommand {
    static final int MAX_SECONDS = 3600;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "60",
            description = "how long the window stays open, 1 to " + MAX_SECONDS + " (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--install-code", paramLabel = "CODE",
            description = "the sensor's install code: 32 hex digits, dashes allowed")
    String installCode;

    @Option(names = "--client-id", paramLabel = "ID",
            description = "the client id the paired device gets (default sn- and its radio id); the window then"
                    + " pairs one device")
    String clientId;

    @Option(names = "--radio-id", paramLabel = "HEX16",
            description = "pair only this radio (16 hex digits); the window then pairs one device")
    String radioId;

    @Override
    public Integer call() {
        Integer opened = throughTheRunningGateway();
        return opened != null ? opened : super.call();
    }

    /**
     * Asks the gateway of this configuration to open the window; null when that is not possible (a bad command line
     * or configuration, which the store's path then reports; the endpoint off; no gateway answering; a gateway on
     * another store), so that the window goes through the store as before.
     */
    private Integer throughTheRunningGateway() {
        if (problem() != null) {
            return null;
        }
        GatewayConfig cfg = Main.loadConfig(config, new java.io.PrintWriter(java.io.Writer.nullWriter()));
        Optional<StoreLocation> location = cfg == null ? Optional.empty() : StoreLocation.of(cfg.store());
        String base = cfg == null ? null : GatewayEndpoint.baseUrl(cfg);
        // The gateway's token, readable by who may read its store: without it the store's own path says what is wrong.
        Optional<String> token = location.flatMap(l -> PairToken.read(l.dir()));
        if (base == null || token.isEmpty()) {
            return null;
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("seconds", seconds);
        request.put("installCode", installCode);
        request.put("clientId", clientId);
        request.put("radioId", radioId);
        request.put("storeDir", location.get().dir().toAbsolutePath().toString());
        GatewayEndpoint.Answer answer = GatewayEndpoint.post(base, "/api/pair", Json.write(request),
                PairToken.HEADER, token.get());
        java.io.PrintWriter out = spec.commandLine().getOut();
        if (answer.status() == 0 || answer.status() == 403 || answer.status() == 409 || answer.status() == 404
                || answer.status() == 503) {
            // not running (or still starting), a stale token, another configuration's gateway, one before /api/pair
            return null;
        }
        if (answer.problem() != null) {
            spec.commandLine().getErr().println("sngw: " + answer.problem());
            return 1;
        }
        Map<?, ?> window = (Map<?, ?>) Json.parse(answer.body());
        out.println("pairing window open for " + seconds + " s (until " + window.get("closes") + ") on the running"
                + " gateway at " + base + ": " + (installCode != null ? "with install code" : "WITHOUT install code"
                + " (the gateway pairs only if pairing.allow-without-install-code is true)")
                + (radioId != null ? ", radio " + radioId.toLowerCase(java.util.Locale.ROOT) : ", any radio")
                + (clientId != null ? ", as " + clientId : ""));
        out.println("sngw devices list shows what paired");
        return 0;
    }

    @Override
    boolean createsStore() {
        return true;
    }

    @Override
    String problem() {
        if (seconds < 1 || seconds > MAX_SECONDS) {
            return "--seconds: " + seconds + " is not valid: expected 1 to " + MAX_SECONDS;
        }
        if (installCode != null) {
            String problem = RadioOptionsCheck.installCodeProblem(installCode);
            if (problem != null) {
                return problem;
            }
        }
        if (clientId != null) {
            String problem = DeviceInputs.clientIdProblem(clientId);
            if (problem != null) {
                return problem;
            }
        }
        return RadioOptionsCheck.radioIdProblem(radioId);
    }

    @Override
    int run(SqliteStore store, Path db) {
        PairingWindow window = store.pairingWindows().open(Duration.ofSeconds(seconds),
                Optional.ofNullable(installCode).map(InstallCode::parse), Optional.ofNullable(clientId),
                radioId == null ? OptionalLong.empty() : OptionalLong.of(RadioFrame.parseDevid(radioId)));
        if (!committed(store, db)) {
            return 1;
        }
        out.println("pairing window open for " + seconds + " s (until " + window.closes() + ") in " + db + ": "
                + (installCode != null ? "with install code" : "WITHOUT install code (the gateway pairs only if"
                + " pairing.allow-without-install-code is true)")
                + (radioId != null ? ", radio " + radioId.toLowerCase(java.util.Locale.ROOT) : ", any radio")
                + (clientId != null ? ", as " + clientId : ""));
        out.println("the running gateway opens it within a few seconds; sngw devices list shows what paired");
        return 0;
    }

    @Override
    int runWithoutStore(Path db) {
        throw new IllegalStateException("pair creates the store");
    }
}

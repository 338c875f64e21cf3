package io.sngw.deploy;

import io.sngw.core.linksec.RadioKey;
import io.sngw.core.security.Device;
import io.sngw.store.sqlite.SqliteStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code sngw devices add|list|remove|disable|enable}: the device registry in the store that {@code store.dir} names,
 * written while the gateway runs (it notices within a few seconds). Keys are printed once, by
 * {@code add --generate-psk}, and otherwise never: not by list, not in messages, not in logs.
 *
 * <p>Exit codes as {@link Main}'s: 0 done; 1 the store cannot be opened or written, the device is unknown, or it
 * exists already; 2 a bad configuration (store.dir none included: there is no registry without a store) or bad
 * command-line usage.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Manages the device registry: the sensors the gateway knows, their credentials, their topics.",
        subcommands = {AddDeviceCommand.class, DevicesCommand.ListDevices.class, DevicesCommand.Remove.class,
                DevicesCommand.Disable.class, DevicesCommand.Enable.class})
final class DevicesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand: add, list, remove, disable"
                + " or enable");
    }

    /** The commands that name one existing device. */
    abstract static class OneDevice extends StoreCommand {

        @Parameters(paramLabel = "ID", description = "the device's client id")
        String clientId;

        @Override
        int runWithoutStore(Path db) {
            return unknown(clientId, db, true);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the devices: id, enabled, credentials (never a key), topic patterns, created, last"
                    + " seen.")
    static final class ListDevices extends StoreCommand {

        @Option(names = "--json", description = "one JSON array, for scripts")
        boolean json;

        @Override
        int run(SqliteStore store, Path db) {
            print(store.list(), store.radioKeys().list(), db);
            return 0;
        }

        @Override
        int runWithoutStore(Path db) {
            print(List.of(), List.of(), db);
            return 0;
        }

        private void print(List<Device> devices, List<RadioKey> radios, Path db) {
            if (json) {
                out.println(DeviceTable.json(devices, radios));
            } else if (devices.isEmpty()) {
                out.println("no devices in " + db);
            } else {
                out.print(DeviceTable.text(devices, radios));
                if (!authRequired() && devices.stream().anyMatch(DevicesCommand::restricted)) {
                    out.println("note: security.require-auth is off in " + configName() + ": the PUBLISH and"
                            + " SUBSCRIBE patterns above are not enforced");
                }
                out.flush();
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a device.")
    static final class Remove extends OneDevice {
        @Override
        int run(SqliteStore store, Path db) {
            store.radioKeys().findByClientId(clientId).ifPresent(k -> store.radioKeys().remove(k.devid()));
            if (!store.remove(clientId)) {
                return unknown(clientId, db, false);
            }
            if (!committed(store, db)) {
                return 1;
            }
            out.println("removed " + clientId + " from " + db);
            return 0;
        }
    }

    /** Whether a device's patterns restrict it (anything but {@code #} both ways). */
    static boolean restricted(Device d) {
        return !d.publishPatterns().equals(List.of("#")) || !d.subscribePatterns().equals(List.of("#"));
    }

    /** Disable and enable: the same but for the flag. */
    abstract static class SetEnabled extends OneDevice {

        /** What a running gateway does about it, within its ~2 s registry poll (README, Devices and authentication). */
        String consequence() {
            if (!authRequired()) {
                return "security.require-auth is off in " + configName() + ", so a running gateway still admits it "
                        + "over plain UDP; its DTLS key is " + (enabled() ? "accepted again" : "refused and its DTLS "
                        + "sessions are closed") + " within about 2 s";
            }
            return enabled() ? "a running gateway admits it again within about 2 s"
                    : "a running gateway ends its session within about 2 s (DISCONNECT, no will) and refuses its "
                    + "CONNECTs from then on";
        }

        abstract boolean enabled();

        @Override
        int run(SqliteStore store, Path db) {
            Optional<Device> found = store.find(clientId);
            if (found.isEmpty()) {
                return unknown(clientId, db, false);
            }
            Device d = found.get();
            String state = enabled() ? "enabled" : "disabled";
            if (d.enabled() == enabled()) {
                out.println(clientId + " is " + state + " already");
                return 0;
            }
            store.put(new Device(d.clientId(), d.psk(), d.certFingerprint(), d.publishPatterns(),
                    d.subscribePatterns(), enabled(), d.created(), d.lastSeen()));
            if (!committed(store, db)) {
                return 1;
            }
            out.println(state + " " + clientId + " in " + db + ": " + consequence());
            return 0;
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Disables a device: it is refused when it connects; enable undoes it.")
    static final class Disable extends SetEnabled {
        @Override
        boolean enabled() {
            return false;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enables a disabled device again.")
    static final class Enable extends SetEnabled {
        @Override
        boolean enabled() {
            return true;
        }
    }
}

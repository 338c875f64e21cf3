package io.sngw.deploy;

import io.sngw.core.linksec.RadioFrame;
import io.sngw.core.linksec.RadioKey;
import io.sngw.core.security.ClientIds;
import io.sngw.core.security.Device;
import io.sngw.core.store.StoreException;
import io.sngw.core.topic.TopicFilter;
import io.sngw.store.sqlite.SqliteStore;
import io.sngw.store.sqlite.StoreOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

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
        subcommands = {DevicesCommand.Add.class, DevicesCommand.ListDevices.class, DevicesCommand.Remove.class,
                DevicesCommand.Disable.class, DevicesCommand.Enable.class})
final class DevicesCommand implements Runnable {

    static final int MIN_PSK_BYTES = 16;
    static final int MAX_PSK_BYTES = 64;
    static final int GENERATED_PSK_BYTES = 32;

    private static final String CLIENT_ID_EXPECTED = ClientIds.expected(ClientIds.MAX_SENSOR_ID_BYTES)
            + " (the id replaces %c in topic patterns)";
    private static final String PSK_EXPECTED = "an even number of hex digits, a key of " + MIN_PSK_BYTES + " to "
            + MAX_PSK_BYTES + " bytes (" + 2 * MIN_PSK_BYTES + " to " + 2 * MAX_PSK_BYTES + " hex digits);"
            + " the value is not shown, it is a secret";
    private static final String FINGERPRINT_EXPECTED = "a SHA-256 fingerprint: 64 hex digits, colons between bytes"
            + " allowed (as openssl x509 -fingerprint -sha256 prints it)";
    private static final String PATTERN_EXPECTED = "an MQTT topic filter: levels separated by '/', '+' alone in a"
            + " level, '#' alone in the last level, %c for the client id, no control characters";
    private static final int FINGERPRINT_SHOWN = 16;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand: add, list, remove, disable"
                + " or enable");
    }

    /** What every devices command does around its own work: configuration, store directory, store. */
    abstract static class StoreCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "YAML configuration file whose store.dir holds the registry; without it the default"
                        + " store directory, as for run.")
        Path config;

        PrintWriter out;
        PrintWriter err;
        /** The configuration the command was given (or the defaults): the store, and whether ACLs are enforced. */
        GatewayConfig cfg;

        /** Whether the command writes a new device, and so may create the store; the others only read or change. */
        boolean createsStore() {
            return false;
        }

        /** Checks the command line before anything is opened; null when it is fine. */
        String problem() {
            return null;
        }

        /** @param db the database file, for messages */
        abstract int run(SqliteStore store, Path db);

        /** The command when there is no database yet (nothing to list, no device to change). */
        abstract int runWithoutStore(Path db);

        @Override
        public Integer call() {
            out = spec.commandLine().getOut();
            err = spec.commandLine().getErr();
            String problem = problem();
            if (problem != null) {
                err.println(spec.qualifiedName() + ": " + problem);
                return Main.EXIT_BAD_CONFIG;
            }
            cfg = Main.loadConfig(config, err);
            if (cfg == null) {
                return Main.EXIT_BAD_CONFIG;
            }
            Optional<StoreLocation> location = StoreLocation.of(cfg.store());
            if (location.isEmpty()) {
                err.println("sngw: store.dir is none" + (config == null ? "" : " in " + config) + ": the device"
                        + " registry lives in the store; set store.dir to a directory");
                return Main.EXIT_BAD_CONFIG;
            }
            if (location.get().fellBack()) {
                err.println("sngw: warning: " + location.get().unwritableDefault() + " cannot be written: using "
                        + location.get().dir() + ", which a gateway running as the service does not read; run"
                        + " this as the service's user, or set store.dir");
            }
            Path dir = location.get().dir();
            Path db = SqliteStore.fileIn(dir);
            if (!createsStore() && !Files.exists(db)) {
                return runWithoutStore(db);
            }
            // The store's own INFO lines (a new database, a migration) are noise on a command's output.
            Logger storeLog = Logger.getLogger("io.sngw.store.sqlite");
            Level before = storeLog.getLevel();
            storeLog.setLevel(Level.WARNING);
            try (SqliteStore store = open(dir)) {
                return run(store, db);
            } catch (StoreException e) {
                err.println("sngw: " + e.getMessage());
                return 1;
            } finally {
                storeLog.setLevel(before);
            }
        }

        /**
         * A command never moves a database aside (the running gateway has it open), and needs no watch for other
         * processes' changes: it reads once, right after opening.
         */
        private static SqliteStore open(Path dir) {
            return SqliteStore.open(dir, StoreOptions.defaults().withOnCorrupt(StoreOptions.OnCorrupt.FAIL)
                    .withDeviceWatch(Duration.ZERO));
        }

        /** Whether a gateway run with this configuration enforces the registry (admission, ACLs). */
        boolean authRequired() {
            return cfg.security().requireAuth();
        }

        /** Where security.require-auth is set, for messages: the file, or the defaults without one. */
        String configName() {
            return config == null ? "the default configuration (no --config)" : config.toString();
        }

        /** Waits for the writes to be committed; false (and said) when one failed. */
        boolean committed(SqliteStore store, Path db) {
            try {
                store.flush().join();
                return true;
            } catch (CompletionException e) {
                err.println("sngw: cannot write to " + db + ": " + e.getCause().getMessage());
                return false;
            }
        }

        int unknown(String clientId, Path db, boolean noStore) {
            err.println("sngw: no device " + ConfigException.describe(clientId) + " in " + db
                    + (noStore ? " (there is no store database yet)" : ""));
            return 1;
        }
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

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Adds a device, enabled. Without --publish and --subscribe it may publish and subscribe to"
                    + " every topic (#); with either, it may use exactly the patterns given (none for a direction"
                    + " not given).",
                    "A generated key is printed once and never again."})
    static final class Add extends StoreCommand {

        @Parameters(paramLabel = "ID", description = "the device's MQTT-SN client id (1 to 23 bytes)")
        String clientId;

        @ArgGroup(exclusive = true)
        Psk psk;

        @ArgGroup(exclusive = true)
        Certificate certificate;

        @ArgGroup(exclusive = false)
        RadioOptions radio;

        @Option(names = "--publish", paramLabel = "PATTERN",
                description = "a topic filter the device may publish to; %%c stands for its client id. Repeatable.")
        List<String> publish = new ArrayList<>();

        @Option(names = "--subscribe", paramLabel = "PATTERN",
                description = "a topic filter the device may subscribe to; %%c stands for its client id. Repeatable.")
        List<String> subscribe = new ArrayList<>();

        @Option(names = "--replace",
                description = "replace a device with this id: its credentials and patterns (it stays enabled, and"
                        + " keeps its created and last-seen times)")
        boolean replace;

        static final class Psk {
            @Option(names = "--psk", paramLabel = "HEX", required = true,
                    description = "its pre-shared key, 16 to 64 bytes in hex")
            String hex;

            @Option(names = "--generate-psk", required = true,
                    description = "generate a 32-byte key, print it once")
            boolean generate;
        }

        static final class Certificate {
            @Option(names = "--cert-fingerprint", paramLabel = "HEX", required = true,
                    description = "the SHA-256 fingerprint of its certificate (64 hex digits, colons allowed)")
            String fingerprint;

            @Option(names = "--cert", paramLabel = "FILE", required = true,
                    description = "its certificate (PEM or DER); the SHA-256 fingerprint of it is stored")
            Path file;
        }

        /** A radio key: protected frames (docs/radio-security.md) from this radio are this device. */
        static final class RadioOptions {
            @Option(names = "--radio-id", paramLabel = "HEX16", required = true,
                    description = "the radio's 64-bit device id (16 hex digits, e.g. its XBee EUI-64)")
            String id;

            @Option(names = "--radio-key", paramLabel = "HEX32", required = true,
                    description = "its 16-byte radio root key (32 hex digits), as provisioned in its firmware")
            String key;
        }

        // Set by problem(), from the command line.
        private RadioKey radioKey;
        private byte[] key;
        private String fingerprint;

        @Override
        boolean createsStore() {
            return true;
        }

        @Override
        String problem() {
            String problem = clientIdProblem(clientId);
            if (problem == null && psk != null && psk.hex != null) {
                problem = pskProblem(psk.hex);
                key = problem == null ? HexFormat.of().parseHex(psk.hex) : null;
            }
            if (problem == null && certificate != null) {
                problem = certificate.file != null ? readCertificate(certificate.file)
                        : fingerprintProblem(certificate.fingerprint);
            }
            if (problem == null && radio != null) {
                problem = RadioOptionsCheck.problem(radio.id, radio.key);
            }
            if (problem == null) {
                problem = patternsProblem("--publish", publish);
            }
            if (problem == null) {
                problem = patternsProblem("--subscribe", subscribe);
            }
            return problem;
        }

        private String fingerprintProblem(String given) {
            String hex = given.replace(":", "").toLowerCase(java.util.Locale.ROOT);
            if (hex.length() != 64 || !isHex(hex)) {
                return "--cert-fingerprint: " + ConfigException.describe(given) + " is not valid: expected "
                        + FINGERPRINT_EXPECTED;
            }
            fingerprint = hex;
            return null;
        }

        private String readCertificate(Path file) {
            try (InputStream in = Files.newInputStream(file)) {
                byte[] der = CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded();
                fingerprint = Device.fingerprintOf(der);
                return null;
            } catch (NoSuchFileException e) {
                return "--cert: " + file + ": no such file";
            } catch (IOException e) {
                return "--cert: cannot read " + file + ": " + e;
            } catch (CertificateException e) {
                return "--cert: " + file + " is not valid: expected an X.509 certificate, PEM or DER ("
                        + e.getMessage() + ")";
            }
        }

        @Override
        int run(SqliteStore store, Path db) {
            Optional<Device> existing = store.find(clientId);
            if (existing.isPresent() && !replace) {
                err.println("sngw: device " + ConfigException.describe(clientId) + " exists in " + db
                        + "; add --replace to replace its credentials and patterns");
                return 1;
            }
            boolean generated = psk != null && psk.generate;
            if (generated) {
                key = new byte[GENERATED_PSK_BYTES];
                new SecureRandom().nextBytes(key);
            }
            boolean everything = publish.isEmpty() && subscribe.isEmpty();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Device device = new Device(clientId, key, fingerprint, everything ? List.of("#") : publish,
                    everything ? List.of("#") : subscribe, true,
                    existing.map(Device::created).orElse(now), existing.map(Device::lastSeen).orElse(null));
            store.put(device);
            if (radio != null) {
                store.radioKeys().put(RadioKey.fresh(RadioFrame.parseDevid(radio.id),
                        HexFormat.of().parseHex(radio.key), clientId, RadioKey.Pairing.PROVISIONED, now));
            }
            if (!committed(store, db)) {
                return 1;
            }
            out.println((existing.isPresent() ? "replaced " : "added ") + clientId + " in " + db + ": "
                    + credentials(device) + (radio != null ? ", radio " + radio.id.toLowerCase(java.util.Locale.ROOT)
                    : "") + "; publish " + patterns(device.publishPatterns()) + "; subscribe "
                    + patterns(device.subscribePatterns()));
            if (generated) {
                out.println("psk: " + HexFormat.of().formatHex(key));
                out.println("This key will not be shown again: configure the device with it now.");
            }
            if (!everything && !authRequired()) {
                err.println("sngw: warning: the publish/subscribe patterns of " + clientId + " are not enforced:"
                        + " security.require-auth is off in " + configName() + "; set it to true to apply them");
            }
            return 0;
        }

        @Override
        int runWithoutStore(Path db) {
            throw new IllegalStateException("add creates the store");
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

    static String clientIdProblem(String clientId) {
        String problem = ClientIds.problem(clientId, ClientIds.MAX_SENSOR_ID_BYTES);
        if (problem == null) {
            return null;
        }
        return "client id " + ConfigException.describe(clientId) + " (" + problem + ") is not valid: expected "
                + CLIENT_ID_EXPECTED;
    }

    /** Never shows the key, not even a part of it: only what is wrong with its shape. */
    static String pskProblem(String hex) {
        String found;
        int bad = firstNonHex(hex);
        if (bad >= 0) {
            found = "a character other than 0-9, a-f, A-F at position " + (bad + 1);
        } else if (hex.isEmpty()) {
            found = "empty";
        } else if (hex.length() % 2 != 0) {
            found = "an odd number of hex digits, " + hex.length();
        } else if (hex.length() / 2 < MIN_PSK_BYTES || hex.length() / 2 > MAX_PSK_BYTES) {
            found = hex.length() / 2 + (hex.length() == 2 ? " byte" : " bytes");
        } else {
            return null;
        }
        return "--psk: not valid (" + found + "): expected " + PSK_EXPECTED;
    }

    /** The first pattern that is not a valid ACL pattern, said; null when all are. */
    static String patternsProblem(String option, List<String> patterns) {
        for (String pattern : patterns) {
            boolean plain = pattern.chars().noneMatch(Character::isISOControl);
            if (!plain || !TopicFilter.isValidFilter(pattern)
                    || pattern.getBytes(StandardCharsets.UTF_8).length > 65535) {
                return option + ": " + ConfigException.describe(pattern) + " is not valid: expected "
                        + PATTERN_EXPECTED;
            }
        }
        return null;
    }

    private static boolean isHex(String text) {
        return firstNonHex(text) < 0;
    }

    private static int firstNonHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            if ("0123456789abcdefABCDEF".indexOf(text.charAt(i)) < 0) {
                return i;
            }
        }
        return -1;
    }

    /** What the device proves itself with; never the key. */
    static String credentials(Device device) {
        List<String> kinds = new ArrayList<>();
        if (device.psk() != null) {
            kinds.add("psk");
        }
        if (device.certFingerprint() != null) {
            kinds.add("cert " + device.certFingerprint().substring(0, FINGERPRINT_SHOWN) + "...");
        }
        return kinds.isEmpty() ? "none" : String.join(", ", kinds);
    }

    static String patterns(List<String> patterns) {
        return patterns.isEmpty() ? "nothing" : String.join(",", patterns);
    }
}

package io.sngw.deploy;

import io.sngw.core.linksec.RadioFrame;
import io.sngw.core.linksec.RadioKey;
import io.sngw.core.security.Device;
import io.sngw.store.sqlite.SqliteStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@code sngw devices add}: a device with its credential (PSK, certificate fingerprint, radio key) and its topic
 * patterns, written to the store the running gateway reads.
 */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Adds a device, enabled. Without --publish and --subscribe it may publish and subscribe to"
                + " every topic (#); with either, it may use exactly the patterns given (none for a direction"
                + " not given).",
                "A generated key is printed once and never again."})
final class AddDeviceCommand extends StoreCommand {
    static final int GENERATED_PSK_BYTES = 32;
    private static final String FINGERPRINT_EXPECTED = "a SHA-256 fingerprint: 64 hex digits, colons between bytes"
            + " allowed (as openssl x509 -fingerprint -sha256 prints it)";

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
        String problem = DeviceInputs.clientIdProblem(clientId);
        if (problem == null && psk != null && psk.hex != null) {
            problem = DeviceInputs.pskProblem(psk.hex);
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
            problem = DeviceInputs.patternsProblem("--publish", publish);
        }
        if (problem == null) {
            problem = DeviceInputs.patternsProblem("--subscribe", subscribe);
        }
        return problem;
    }

    private String fingerprintProblem(String given) {
        String hex = given.replace(":", "").toLowerCase(java.util.Locale.ROOT);
        if (hex.length() != 64 || !DeviceInputs.isHex(hex)) {
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
                + DeviceTable.credentials(device) + (radio != null ? ", radio " + radio.id.toLowerCase(java.util.Locale.ROOT)
                : "") + "; publish " + DeviceTable.patterns(device.publishPatterns()) + "; subscribe "
                + DeviceTable.patterns(device.subscribePatterns()));
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

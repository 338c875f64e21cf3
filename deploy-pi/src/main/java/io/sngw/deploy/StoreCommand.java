package io.sngw.deploy;

import io.sngw.core.store.StoreException;
import io.sngw.store.sqlite.SqliteStore;
import io.sngw.store.sqlite.StoreOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every command on the store (devices, pair) does around its own work: configuration, store directory, store.
 */
abstract class StoreCommand implements Callable<Integer> {

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

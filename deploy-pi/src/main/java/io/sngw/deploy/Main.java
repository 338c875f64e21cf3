package io.sngw.deploy;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The command line: {@code sngw run [--config FILE]}, {@code sngw check-config FILE}, {@code sngw version},
 * {@code sngw status} and {@code sngw clients} (the running gateway's endpoint: {@link StatusCommands}),
 * {@code sngw devices add|list|remove|disable|enable} ({@link DevicesCommand}), {@code sngw pair} ({@link PairCommand})
 * and {@code sngw simulate} ({@link SimulateCommand}).
 *
 * <p>Exit codes: 0 done; 1 the gateway could not start, or check-config found a problem; 2 a bad configuration at
 * {@code run}, or bad command-line usage.
 */
@Command(name = "sngw", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "MQTT-SN gateway: bridges sensors speaking MQTT-SN over UDP to an MQTT broker.",
        subcommands = {Main.Run.class, Main.CheckConfig.class, StatusCommands.Status.class, StatusCommands.Clients.class,
                DevicesCommand.class, PairCommand.class, SimulateCommand.class, Main.PrintVersion.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** A configuration that cannot be used: distinct from 1 so that systemd units and scripts can tell. */
    public static final int EXIT_BAD_CONFIG = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // Before anything logs: keeps the JDK's shutdown hook from silencing the gateway's own shutdown lines.
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", GatewayLogManager.class.getName());
        }
        int code = execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        // Always exit explicitly: a library thread that is not a daemon must not keep a finished command alive.
        // (After run, the JVM is already shutting down; exit then simply waits for the hooks.)
        System.exit(code);
    }

    /** Runs one command line with the given output streams and returns its exit code; for tests. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new Main()).setOut(out).setErr(err).execute(args);
    }

    @Override
    public void run() {
        // No subcommand: show what there is.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The configuration {@code --config} names, or the defaults without one; null after printing why it cannot be
     * used (the caller exits with {@link #EXIT_BAD_CONFIG}).
     */
    static GatewayConfig loadConfig(Path config, PrintWriter err) {
        try {
            return config == null ? GatewayConfig.defaults() : ConfigLoader.load(config);
        } catch (ConfigException e) {
            err.println("sngw: bad configuration " + (config == null ? "" : config + ": ") + e.getMessage());
            return null;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs the gateway in the foreground until SIGTERM or SIGINT.")
    static final class Run implements Callable<Integer> {
        private static final String NETTY_LEAK_DETECTION = "io.netty.leakDetection.level";

        @Spec
        CommandSpec spec;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "YAML configuration file; without it every setting has its default"
                        + " (UDP 0.0.0.0:1884, embedded broker on 127.0.0.1:1883).")
        Path config;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter err = spec.commandLine().getErr();
            GatewayConfig cfg = loadConfig(config, err);
            if (cfg == null) {
                return EXIT_BAD_CONFIG;
            }
            LoggingSetup.apply(cfg.logging());
            System.Logger log = System.getLogger(Main.class.getName());
            // Netty samples buffers for leak reports by default, recording a stack trace for one in 128: a cost on
            // every message path that the tests (which keep it) are there to pay. Read once, when Netty first loads.
            if (System.getProperty(NETTY_LEAK_DETECTION) == null) {
                System.setProperty(NETTY_LEAK_DETECTION, "disabled");
            }
            GatewayApp app = new GatewayApp(cfg);
            SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
            // Registered before start, so that a signal during start still closes what has started.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                systemd.stopping();
                app.close();
            }, "sngw-shutdown"));
            try {
                app.start();
            } catch (Exception e) {
                err.println("sngw: cannot start: " + e.getMessage());
                log.log(System.Logger.Level.DEBUG, "start failure", e);
                app.close();
                return 1;
            }
            // Most of the heap is start-up garbage by now (configuration, class loading, the SQLite library's
            // extraction, the store's load). One collection gives it back to the OS, so that an idle gateway on a Pi
            // holds its live set (~10 MB) rather than the young generation that start-up filled: ~20 MB less RSS.
            System.gc();
            // Type=notify: systemd counts the service as started only now, with every listener and the bridge up.
            systemd.ready("sngw " + Version.get() + " running");
            Runnable stopWatchdog = systemd.startWatchdog();
            app.awaitClosed();
            stopWatchdog.run();
            return 0;
        }
    }

    @Command(name = "check-config", mixinStandardHelpOptions = true,
            description = "Checks a configuration file; prints OK or the problem. Exit code 0 when valid, 1 when not.")
    static final class CheckConfig implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "YAML configuration file")
        Path file;

        @Override
        public Integer call() {
            try {
                GatewayConfig cfg = ConfigLoader.load(file);
                String udp = cfg.udp().enabled() ? "udp " + cfg.udp().bind() + ":" + cfg.udp().port() : "udp off";
                String dtls = cfg.dtls().enabled() ? ", dtls " + cfg.dtls().bind() + ":" + cfg.dtls().port() : "";
                spec.commandLine().getOut().println("OK: " + file + " (upstream " + cfg.upstream().url() + ", " + udp
                        + dtls + ", " + cfg.predefinedTopics().size() + " predefined topics)");
                return 0;
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(file + ": " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "version", description = "Prints the version.")
    static final class PrintVersion implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println("sngw " + Version.get());
            return 0;
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sngw " + Version.get()};
        }
    }
}

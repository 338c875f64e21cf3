package io.sngw.deploy;

import io.sngw.broker.embedded.EmbeddedBroker;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Configures java.util.logging for the running gateway: one console handler on stderr (which systemd puts in the
 * journal) with {@link OneLineFormatter}, the root at {@code logging.level}, and Moquette at
 * {@code logging.broker-level}. Moquette's and Netty's SLF4J calls reach JUL through slf4j-jdk14.
 */
public final class LoggingSetup {

    // Strong references: JUL holds loggers weakly, and a collected logger loses its level.
    private static final Logger ROOT = Logger.getLogger("");
    private static final Logger NETTY = Logger.getLogger("io.netty");
    private static final Logger PI4J = Logger.getLogger("com.pi4j");
    private static final Logger PI4J_BOARD_INFO = Logger.getLogger("com.pi4j.boardinfo");

    private LoggingSetup() {
    }

    /**
     * Replaces the root handlers. Only the command line calls this: the gateway's classes never touch global logging
     * configuration, so tests and embedders keep theirs. A {@code java.util.logging.config.file} given on the command
     * line wins over the configuration file.
     */
    public static void apply(GatewayConfig.LoggingSettings settings) {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        LogManager manager = LogManager.getLogManager();
        if (manager instanceof GatewayLogManager ours) {
            ours.forceReset();
        } else {
            manager.reset();
        }
        Handler console = new ConsoleHandler();  // writes to System.err
        console.setFormatter(new OneLineFormatter());
        console.setLevel(Level.ALL);
        ROOT.addHandler(console);
        ROOT.setLevel(settings.level());
        EmbeddedBroker.setLogLevel(settings.brokerLevel());
        // Netty's debug output (leak detector settings, native library probing) is noise at the gateway's debug level.
        NETTY.setLevel(settings.level().intValue() < Level.INFO.intValue() ? Level.INFO : settings.level());
        // Pi4J's start-up report (OS, Java, board detection, chip) at INFO: the gateway's one gpio line says what counts.
        PI4J.setLevel(settings.level().intValue() == Level.INFO.intValue() ? Level.WARNING : settings.level());
        // Its board detection reports SEVERE on any machine that is not a Pi (gpio.provider: mock off a Pi, say).
        PI4J_BOARD_INFO.setLevel(settings.level().intValue() < Level.INFO.intValue() ? settings.level() : Level.OFF);
        if (manager instanceof GatewayLogManager ours) {
            ours.keepConfiguration();  // so that the shutdown hook's lines still reach the console
        }
    }
}

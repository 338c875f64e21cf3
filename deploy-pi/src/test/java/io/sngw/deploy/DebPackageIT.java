package io.sngw.deploy;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The .deb {@code mvn package} builds, read with dpkg-deb: its control data, its files, the jar it carries, its
 * systemd unit (checked by {@code systemd-analyze verify}) and its conffile. Runs after {@code package} (an IT).
 */
class DebPackageIT {

    @TempDir
    Path root;

    @Test
    void controlDataNamesTheRuntimeItNeedsAndTheScriptsThatManageTheUser() {
        String deb = DebPackage.file().toString();
        String fields = Commands.run("dpkg-deb", "-f", deb, "Package", "Architecture", "Depends").ok().out();

        assertEquals("Package: sngw\nArchitecture: all\nDepends: java17-runtime-headless, adduser\n", fields);
        assertTrue(Commands.run("dpkg-deb", "-f", deb, "Version").ok().out().startsWith(
                Version.get().replace("-SNAPSHOT", "").toLowerCase()));
        assertEquals("/etc/sngw/sngw.yaml\n", Commands.run("dpkg-deb", "-I", deb, "conffiles").ok().out());
        String postinst = Commands.run("dpkg-deb", "-I", deb, "postinst").ok().out();
        assertTrue(postinst.contains("adduser --system"), postinst);
        assertTrue(postinst.contains("for group in dialout gpio"), postinst);
        String postrm = Commands.run("dpkg-deb", "-I", deb, "postrm").ok().out();
        assertTrue(postrm.contains("if [ \"$1\" = purge ]; then"), postrm);
        assertTrue(postrm.indexOf("rm -rf /var/lib/sngw") > postrm.indexOf("if [ \"$1\" = purge ]"), postrm);
    }

    @Test
    void filesAreTheJarTheLauncherTheConffileTheUnitAndTheReadme() {
        Map<String, String> files = new LinkedHashMap<>();
        for (String line : Commands.run("dpkg-deb", "-c", DebPackage.file().toString()).ok().out().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (!f[0].startsWith("d")) {
                files.put(f[f.length - 1], f[0] + " " + f[1]);
            }
        }

        assertEquals(Map.of(
                "./usr/share/sngw/sngw.jar", "-rw-r--r-- root/root",
                "./usr/bin/sngw", "-rwxr-xr-x root/root",
                "./etc/sngw/sngw.yaml", "-rw-r--r-- root/root",
                "./lib/systemd/system/sngw.service", "-rw-r--r-- root/root",
                "./usr/share/doc/sngw/README.md", "-rw-r--r-- root/root"), files);
    }

    @Test
    void theJarIsTheRunnableJarTheBuildMade() throws Exception {
        DebPackage.extract(root);

        assertEquals(-1, Files.mismatch(root.resolve("usr/share/sngw/sngw.jar"), DebPackage.TARGET.resolve("sngw.jar")));
    }

    @Test
    void theUnitPassesSystemdAnalyzeVerify() throws Exception {
        Assumptions.assumeTrue(Commands.exists("systemd-analyze"),
                "systemd-analyze is not installed (Debian package systemd): the unit is not verified");
        DebPackage.extract(root);
        // verify checks that ExecStart's program exists: point it at the unpacked launcher.
        String unit = Files.readString(root.resolve("lib/systemd/system/sngw.service"), StandardCharsets.UTF_8)
                .replace("ExecStart=/usr/bin/sngw ", "ExecStart=" + root.resolve("usr/bin/sngw") + " ");
        Path copy = root.resolve("sngw.service");
        Files.writeString(copy, unit, StandardCharsets.UTF_8);

        Commands verify = Commands.run("systemd-analyze", "verify", copy.toString());

        assertEquals(0, verify.exitCode(), verify.err());
        assertEquals("", verify.err() + verify.out(), "systemd-analyze verify warned");
    }

    @Test
    void theUnitNotifiesRestartsAndKeepsSerialAndGpioDevicesReachable() throws Exception {
        Set<String> lines = new TreeSet<>(Files.readAllLines(DebPackage.UNIT_SOURCE));

        for (String expected : List.of("Type=notify", "NotifyAccess=main", "WatchdogSec=30s", "Restart=on-failure",
                "User=sngw", "ProtectSystem=strict", "ReadWritePaths=/var/lib/sngw", "StateDirectory=sngw sngw/tmp",
                "ExecStart=/usr/bin/sngw run --config /etc/sngw/sngw.yaml", "RestartPreventExitStatus=2",
                "SuccessExitStatus=143")) {
            assertTrue(lines.contains(expected), "no " + expected + " in the unit");
        }
        for (String line : lines) {
            for (String forbidden : List.of("PrivateDevices=", "MemoryDenyWriteExecute=", "DevicePolicy=",
                    "ProtectKernelTunables=", "DeviceAllow=")) {
                assertFalse(line.startsWith(forbidden), line + ": keeps devices or the JIT from working");
            }
        }
        String opts = DebPackage.unitJavaOpts(DebPackage.UNIT_SOURCE);
        assertTrue(opts.contains("-Xmx40m") && opts.contains("-Djava.io.tmpdir=/var/lib/sngw/tmp"), opts);
        assertTrue(lines.contains("Environment=MALLOC_ARENA_MAX=2"), "no MALLOC_ARENA_MAX in the unit");
    }

    @Test
    void theConffileIsAnEmptyConfigurationThatLoads() throws Exception {
        Path conffile = extractedConffile();

        assertEquals(GatewayConfig.defaults(), ConfigLoader.load(conffile));
    }

    @Test
    void theConffileHasEveryKeyOfTheReadmesReferenceCommentedOutAndValidWhenUncommented() throws Exception {
        String text = Files.readString(extractedConffile(), StandardCharsets.UTF_8);
        // Settings are "#key:" or "#  key:" (two or more spaces); explanations are "# text" (one space).
        String uncommented = text.replaceAll("(?m)^#(?=[a-z]|  +(?:- )?[a-z0-9])", "");

        ConfigLoader.parse(uncommented);  // throws ConfigException naming any key that is wrong
        assertEquals(readmeKeys(), keysOf(new Yaml().load(uncommented)));
    }

    private Path extractedConffile() {
        DebPackage.extract(root);
        return root.resolve("etc/sngw/sngw.yaml");
    }

    /** The keys in the README's configuration reference tables (the serial table's under {@code serial.}). */
    static Set<String> readmeKeys() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Configuration reference");
        int end = readme.indexOf("\n## ", start + 1);
        Set<String> keys = new TreeSet<>();
        String prefix = "";
        Matcher row = Pattern.compile("(?m)^\\| (key \\(in each entry\\)|`([a-z0-9.-]+)`) \\|").matcher(
                readme.substring(start, end));
        while (row.find()) {
            if (row.group(2) == null) {
                prefix = "serial.";  // the serial table's keys are those of each list entry
            } else {
                // A dotted key is a whole key wherever its table is; a bare one belongs to the serial table's entries.
                keys.add(row.group(2).contains(".") ? row.group(2) : prefix + row.group(2));
            }
        }
        return keys;
    }

    private static Set<String> keysOf(Map<String, Object> yaml) {
        Set<String> keys = new TreeSet<>();
        yaml.forEach((key, value) -> {
            if (key.equals("predefined-topics")) {
                keys.add(key);  // a map of ids to names, not keys
            } else if (value instanceof Map<?, ?> section) {
                section.forEach((k, v) -> {
                    if (v instanceof Map<?, ?> subsection) {
                        subsection.keySet().forEach(sub -> keys.add(key + "." + k + "." + sub)); // upstream.tls
                    } else {
                        keys.add(key + "." + k);
                    }
                });
            } else if (value instanceof List<?> list && list.get(0) instanceof Map<?, ?> entry) {
                entry.keySet().forEach(k -> keys.add(key + "." + k));
            } else {
                keys.add(key);
            }
        });
        return keys;
    }
}

package io.sngw.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.sngw.deploy.CliRun.sngw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's exit codes and output; {@code run} only with configurations it must refuse. */
class MainTest {

    @TempDir
    Path dir;

    @Test
    void checkConfigAcceptsAValidFile() throws Exception {
        Path file = Files.writeString(dir.resolve("ok.yaml"), "udp: { port: 1884 }\npredefined-topics: { 1: a }\n");
        CliRun r = sngw("check-config", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("OK: " + file), r.out());
        assertEquals("", r.err());
    }

    @Test
    void checkConfigAcceptsAnEmptyFile() throws Exception {
        Path file = Files.writeString(dir.resolve("empty.yaml"), "");
        assertEquals(0, sngw("check-config", file.toString()).code());
    }

    @Test
    void checkConfigRefusesABadFileWithTheMessage() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "udp: { port: 70000 }\n");
        CliRun r = sngw("check-config", file.toString());
        assertEquals(1, r.code());
        assertEquals(file + ": udp.port: 70000 is not valid: expected an integer 0..65535", r.err().strip());
        assertEquals("", r.out());
    }

    @Test
    void checkConfigRefusesAMissingFile() {
        Path file = dir.resolve("missing.yaml");
        CliRun r = sngw("check-config", file.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no such file"), r.err());
    }

    @Test
    void checkConfigWithoutFileIsAUsageError() {
        CliRun r = sngw("check-config");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Missing required parameter: 'FILE'"), r.err());
    }

    @Test
    void runWithABadConfigExitsWithTwoAndNoStackTrace() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "udp: { prot: 1884 }\n");
        CliRun r = sngw("run", "--config", file.toString());
        assertEquals(Main.EXIT_BAD_CONFIG, r.code());
        assertEquals("sngw: bad configuration " + file + ": udp.prot: unknown key; expected one of: enabled, bind,"
                + " port, broadcast, io, link-security", r.err().strip());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    /** What run refuses, check-config refuses too; and run refuses it before it has created anything. */
    @Test
    void aConfigurationRunRefusesIsRefusedByCheckConfigAndRunWritesNothing() throws Exception {
        Path store = dir.resolve("new-store");
        String huge = "x".repeat(200_000);
        for (String yaml : List.of(
                "store: { dir: \"" + store + "\" }\nupstream: { client-id: \"" + huge + "\" }\n",
                "store: { dir: \"" + store + "/../etc\" }\n",
                "store: { dir: none }\ndtls: { enabled: true }\n")) {
            Path file = Files.writeString(dir.resolve("refused.yaml"), yaml);
            assertEquals(1, sngw("check-config", file.toString()).code(), yaml.substring(0, 40));
            CliRun run = sngw("run", "--config", file.toString());
            assertEquals(Main.EXIT_BAD_CONFIG, run.code(), run.err());
            assertTrue(run.err().length() < 1000, "a huge value is not echoed whole");
            assertFalse(Files.exists(store), "no store directory, no lock: " + yaml.substring(0, 40));
        }
    }

    @Test
    void runWithAMissingConfigExitsWithTwo() {
        CliRun r = sngw("run", "-c", dir.resolve("missing.yaml").toString());
        assertEquals(Main.EXIT_BAD_CONFIG, r.code());
        assertTrue(r.err().contains("no such file"), r.err());
    }

    @Test
    void versionPrintsTheProjectVersion() {
        CliRun r = sngw("version");
        assertEquals(0, r.code());
        assertTrue(r.out().matches("sngw \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"), r.out());
        assertEquals(r.out(), sngw("--version").out());
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRun r = sngw("fly");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unmatched argument"), r.err());
    }

    @Test
    void noCommandPrintsUsage() {
        CliRun r = sngw();
        assertEquals(0, r.code());
        assertTrue(r.out().contains("check-config"), r.out());
    }

    @Test
    void runRefusesACorruptDatabaseWhenToldToFailAndLeavesItInPlace() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path db = Files.writeString(data.resolve("sngw.db"), "this is not a database, but it might be evidence");
        Path file = Files.writeString(dir.resolve("corrupt.yaml"), "udp: { bind: \"127.0.0.1\", port: 0 }\n"
                + "upstream: { embedded-port: 0 }\n"
                + "store: { dir: \"" + data + "\", on-corrupt: fail }\n");
        CliRun r = sngw("run", "--config", file.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("sngw: cannot start: "), r.err());
        assertTrue(r.err().contains(db.toString()), r.err());
        assertEquals("this is not a database, but it might be evidence", Files.readString(db));
    }
}

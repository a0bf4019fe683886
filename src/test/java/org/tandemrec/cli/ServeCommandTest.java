package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tandem serve} refuses, in one line and before binding, what it cannot serve. */
class ServeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void refusesARunWithoutItsCascadeAndBadSettings() throws Exception {
        Files.createDirectories(tmp.resolve("run/corella"));
        CliRun r = CliRun.of("serve", tmp.resolve("run").toString(), "--port", "0");
        assertEquals(1, r.code(), "a run directory without a cascade is bad input: " + r.err());
        assertTrue(r.err().contains("no CoReLLa cascade here") && r.err().strip().lines().count() == 1, r.err());
        Path config = tmp.resolve("serve.yaml");
        Files.writeString(config, "max_wait_ms: -1\n");
        r = CliRun.of("serve", tmp.resolve("run").toString(), "--config", config.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("max_wait_ms must be >= 0, got -1"), r.err());
        // A CoReLLa run named outside RUNDIR is refused: the server reads nothing outside it.
        r = CliRun.of("serve", tmp.resolve("run").toString(), "--corella", tmp.toString(), "--port", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("points outside"), r.err());
        r = CliRun.of("serve", tmp.resolve("run").toString(), "--port", "70000");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--port must be in [0, 65535]"), r.err());
    }
}

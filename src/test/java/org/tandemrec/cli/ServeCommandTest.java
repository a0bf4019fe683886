package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.eval.RunDirectory;

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

    @Test
    void refusesACorellaRunWithoutItsCompletionMarker() throws Exception {
        Path run = tmp.resolve("run");
        Path cascade = run.resolve("corella/corella-llm/cascade.json");
        Files.createDirectories(cascade.getParent());
        Files.writeString(cascade, "{}");
        CliRun r = CliRun.of("serve", run.toString(), "--port", "0");
        assertEquals(1, r.code(), r.err());
        assertEquals("tandem: " + run.resolve("corella") + ": no COMPLETE marker: the run did not finish (resume it"
                + " with the command that wrote it and --resume)", r.err().strip());
        // The demo marks its whole run directory, which holds the CoReLLa run: that marker covers it
        // (the cascade file here is not a real one, so the loader refuses it next, for another reason).
        RunDirectory.markComplete(run);
        r = CliRun.of("serve", run.toString(), "--port", "0");
        assertTrue(r.code() != 0 && !r.err().contains("COMPLETE"), r.err());
        Files.delete(run.resolve("COMPLETE"));
        RunDirectory.markComplete(run.resolve("corella"));
        r = CliRun.of("serve", run.toString(), "--corella", run.resolve("corella").toString(), "--port", "0");
        assertTrue(r.code() != 0 && !r.err().contains("COMPLETE"), r.err());
    }

    @Test
    void refusesACascadeWhoseSplitIsNotTheOneItsRunTrainedOn() throws Exception {
        Path run = tmp.resolve("tiny");
        org.tandemrec.collab.corella.TinyCorellaRun.build(run);
        Path corella = run.resolve("corella");
        RunDirectory.markComplete(corella);
        Files.writeString(corella.resolve("run.json"), "{\"format\": \"tandem-run\", \"version\": 1, \"kind\": \"corella\","
                + " \"split\": \"" + run.resolve("split-other") + "\", \"split_ids_sha256\": \"" + "0".repeat(64) + "\"}");
        CliRun r = CliRun.of("serve", run.toString(), "--port", "0");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("tandem: " + corella + ": the split its cascade.json names holds other users and items"
                + " than the run trained on (id maps sha256 "), r.err());
        assertTrue(r.err().strip().endsWith("run.json records 000000000000…)") && r.err().strip().lines().count() == 1,
                r.err());
    }
}

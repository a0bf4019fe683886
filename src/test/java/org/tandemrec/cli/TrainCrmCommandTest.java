package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.crm.CrmCatalog;
import org.tandemrec.crm.Recommender;
import org.tandemrec.crm.ctr.CtrModel;
import org.tandemrec.crm.ctr.PlattScaling;
import org.tandemrec.eval.Calibration;
import org.tandemrec.eval.Curve;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunResults;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
import org.tandemrec.split.SplitIdentity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

class TrainCrmCommandTest {
    @TempDir
    static Path tmp;
    static Path split;

    static int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @BeforeAll
    static void world() {
        Path world = tmp.resolve("world");
        assertEquals(0, run(new StringWriter(), "data", "synth", "--out", world.toString(), "--users", "400",
                "--items", "300"));
        split = tmp.resolve("split");
        assertEquals(0, run(new StringWriter(), "split", "--format", "tandem", world.toString(), "--out",
                split.toString(), "--sampler", "uniform", "--negatives", "19"));
    }

    @Test
    void trainsEvaluatesAndReEvaluatesToTheSameMetrics() throws Exception {
        Path runDir = tmp.resolve("run-mf");
        Path cfg = tmp.resolve("mf.yaml");
        Files.writeString(cfg, "epochs: 5\ndim: 16\n");
        assertEquals(0, run(new StringWriter(), "train", "crm", "--model", "mf-bpr", "--data", split.toString(),
                "--out", runDir.toString(), "--config", cfg.toString()));
        assertTrue(Files.exists(runDir.resolve("model.bin")));
        assertTrue(Files.exists(runDir.resolve("report.html")));
        assertFalse(Files.exists(runDir.resolve("checkpoint.bin")), "checkpoint removed once the run is complete");
        RunResults first = MetricsFile.read(runDir.resolve("metrics.json"));
        double hr10 = find(first, "topk", "all").get("hr@10");
        // 19 uniform negatives: a random scorer's expected HR@10 is 10/20.
        assertTrue(hr10 > 0.6, "MF-BPR HR@10 " + hr10 + " should beat random (0.5)");

        assertFalse(Files.exists(runDir.resolve("epochs.log")), "epoch log removed once the run is complete");
        assertEquals("5", first.settings().get("mf-bpr").get("epochs"), "the model's settings under its name");
        assertEquals("16", first.settings().get("mf-bpr").get("dim"));
        assertEquals(Map.of("model", "mf-bpr", "split", split.toString()), first.run().config());
        Curve loss = curve(first, "training loss by epoch");
        Curve valid = curve(first, "validation hr@10 by epoch");
        assertEquals("mf-bpr", loss.name());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4}, loss.x(), "one point per epoch");
        assertTrue(loss.y()[4] < loss.y()[0], "the BPR loss falls: " + java.util.Arrays.toString(loss.y()));
        assertEquals(5, valid.x().length);
        for (double v : valid.y()) {
            assertTrue(v >= 0 && v <= 1, "HR@10 is a share, got " + v);
        }
        assertTrue(Files.readString(runDir.resolve("report.html")).contains("validation hr@10 by epoch"));

        assertEquals(0, run(new StringWriter(), "eval", runDir.toString()));
        RunResults again = MetricsFile.read(runDir.resolve("metrics.json"));
        assertEquals(hr10, find(again, "topk", "all").get("hr@10"), 0.0);
        assertEquals(first.curves(), again.curves(), "re-scoring keeps the training curves");
        assertEquals(first.settings(), again.settings());
    }

    @Test
    void evalAndReportRefuseARunThatDidNotFinish() throws Exception {
        Path runDir = tmp.resolve("run-pop");
        assertEquals(0, run(new StringWriter(), "train", "crm", "--model", "pop", "--data", split.toString(),
                "--out", runDir.toString()));
        assertTrue(Files.isRegularFile(runDir.resolve("COMPLETE")), "the completion marker, written last");
        Files.delete(runDir.resolve("COMPLETE"));
        byte[] metrics = Files.readAllBytes(runDir.resolve("metrics.json"));
        for (String command : List.of("eval", "report")) {
            StringWriter err = new StringWriter();
            assertEquals(1, run(err, command, runDir.toString()), err.toString());
            assertEquals("tandem: " + runDir + ": no COMPLETE marker: the run did not finish (resume it with tandem train"
                    + " crm ... --out " + runDir + " --resume)", err.toString().strip(), command);
        }
        assertArrayEquals(metrics, Files.readAllBytes(runDir.resolve("metrics.json")), "metrics.json left as it was");
        // Training again in place removes the marker first and writes it again last.
        assertEquals(0, run(new StringWriter(), "train", "crm", "--model", "pop", "--data", split.toString(),
                "--out", runDir.toString()));
        assertEquals(0, run(new StringWriter(), "eval", runDir.toString()));
    }

    @Test
    void evalRefusesASplitOfOtherDataAndKeepsTheRunsMetrics() throws Exception {
        Path runDir = tmp.resolve("run-pop-ids");
        assertEquals(0, run(new StringWriter(), "train", "crm", "--model", "pop", "--data", split.toString(),
                "--out", runDir.toString()));
        JsonNode info = new ObjectMapper().readTree(runDir.resolve("run.json").toFile());
        SplitData trained = SplitDirectory.read(split);
        assertEquals(SplitIdentity.of(split, trained), new SplitIdentity(info.path("split_manifest_sha256").asText(),
                info.path("split_ids_sha256").asText()), "run.json records the split's manifest and id maps");

        Path otherWorld = tmp.resolve("world-other");
        assertEquals(0, run(new StringWriter(), "data", "synth", "--out", otherWorld.toString(), "--users", "300",
                "--items", "250", "--seed", "9"));
        Path other = tmp.resolve("split-other");
        assertEquals(0, run(new StringWriter(), "split", "--format", "tandem", otherWorld.toString(), "--out",
                other.toString(), "--sampler", "uniform", "--negatives", "19"));
        byte[] metrics = Files.readAllBytes(runDir.resolve("metrics.json"));
        StringWriter err = new StringWriter();
        assertEquals(1, run(err, "eval", runDir.toString(), "--data", other.toString()), err.toString());
        String line = err.toString().strip();
        assertEquals(1, line.lines().count(), line);
        String refused = "tandem: " + other + ": its users and items are not those the model in " + runDir.resolve("model.bin")
                + " was trained on (id maps sha256 " + SplitIdentity.idsSha256(SplitDirectory.read(other)).substring(0, 12)
                + "… of " + other + ", " + SplitIdentity.idsSha256(trained).substring(0, 12) + "… recorded in model.bin);"
                + " score it on a split of the same data";
        assertEquals(refused, line);
        assertArrayEquals(metrics, Files.readAllBytes(runDir.resolve("metrics.json")), "metrics.json not overwritten");

        // model.bin's own record refuses, whatever run.json says: here the run.json of a run trained on the other split.
        Path otherRun = tmp.resolve("run-pop-other");
        assertEquals(0, run(new StringWriter(), "train", "crm", "--model", "pop", "--data", other.toString(),
                "--out", otherRun.toString()));
        byte[] ownRun = Files.readAllBytes(runDir.resolve("run.json"));
        Files.copy(otherRun.resolve("run.json"), runDir.resolve("run.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        err = new StringWriter();
        assertEquals(1, run(err, "eval", runDir.toString(), "--data", other.toString()), err.toString());
        assertEquals(refused, err.toString().strip());
        err = new StringWriter();
        assertEquals(1, run(err, "eval", runDir.toString()), err.toString());
        assertEquals(refused, err.toString().strip(), "the swapped run.json names the other split: still refused");
        assertArrayEquals(metrics, Files.readAllBytes(runDir.resolve("metrics.json")), "metrics.json not overwritten");
        Files.delete(runDir.resolve("run.json"));
        err = new StringWriter();
        assertEquals(1, run(err, "eval", runDir.toString(), "--data", other.toString()), err.toString());
        assertEquals("tandem: " + runDir.resolve("run.json") + ": not a run directory: run.json is missing",
                err.toString().strip());
        Files.write(runDir.resolve("run.json"), ownRun);

        // Another split of the same data (other negatives) has the same ids: the run may be scored on it.
        Path same = tmp.resolve("split-popularity");
        assertEquals(0, run(new StringWriter(), "split", "--format", "tandem", tmp.resolve("world").toString(), "--out",
                same.toString(), "--sampler", "popularity", "--negatives", "19"));
        assertEquals(SplitIdentity.idsSha256(trained), SplitIdentity.idsSha256(SplitDirectory.read(same)));
        assertEquals(0, run(new StringWriter(), "eval", runDir.toString(), "--data", same.toString()));
    }

    private static Curve curve(RunResults r, String group) {
        return r.curves().stream().filter(c -> c.group().equals(group)).findFirst()
                .orElseThrow(() -> new AssertionError("no curve '" + group + "' in " + r.curves()));
    }

    @Test
    void invalidSettingsAreRefusedBeforeAnyWorkNamingTheField() throws Exception {
        Path cfg = tmp.resolve("bad.yaml");
        Files.writeString(cfg, "epochs: 0\n");
        StringWriter err = new StringWriter();
        Path runDir = tmp.resolve("run-bad");
        assertEquals(2, run(err, "train", "crm", "--model", "mf-bpr", "--data", split.toString(), "--out",
                runDir.toString(), "--config", cfg.toString()));
        assertTrue(err.toString().contains("epochs"), err.toString());
        assertFalse(Files.exists(runDir), "nothing written for a refused config");

        StringWriter err2 = new StringWriter();
        assertEquals(2, run(err2, "train", "crm", "--model", "word2vec", "--data", split.toString(), "--out",
                runDir.toString()));
        assertTrue(err2.toString().contains("model must be one of"), err2.toString());
    }

    @Test
    void clickModelsTrainOnALabelledTimeSplitIntoCalibratedModelFiles() throws Exception {
        Path time = tmp.resolve("time");
        assertEquals(0, run(new StringWriter(), "split", "--format", "tandem", tmp.resolve("world").toString(), "--out",
                time.toString(), "--protocol", "time", "--task", "ctr", "--label-rule", ">=4"));
        Map<String, String> settings = Map.of("autoint", "epochs: 2\nbatch_size: 512\n",
                "xdeepfm", "epochs: 2\nbatch_size: 512\ncin_layers: [16, 16]\ndeep_layers: [32]\n",
                "fibinet", "epochs: 2\nbatch_size: 512\n");
        for (String model : List.of("autoint", "xdeepfm", "fibinet")) {
            Path cfg = tmp.resolve(model + ".yaml");
            Files.writeString(cfg, settings.get(model));
            Path runDir = tmp.resolve("run-" + model);
            StringWriter err = new StringWriter();
            assertEquals(0, run(err, "train", "crm", "--model", model, "--data", time.toString(), "--out",
                    runDir.toString(), "--config", cfg.toString()), err.toString());
            Recommender m = CrmCatalog.load(runDir.resolve("model.bin"));
            assertEquals(model, m.kind());
            assertEquals(Recommender.ScoreKind.PROBABILITY, m.scoreKind());
            assertNotEquals(PlattScaling.identity(), ((CtrModel<?, ?>) m).calibration(), model + " calibrated");
            RunResults results = MetricsFile.read(runDir.resolve("metrics.json"));
            MetricRecord ctr = find(results, "ctr", "all");
            assertEquals(model, ctr.model());
            // The synthetic world's clicks follow users' tastes: even two short epochs rank above chance.
            assertTrue(ctr.get("auc") > 0.55, model + " test AUC " + ctr.get("auc"));
            assertTrue(ctr.get("logloss") < 0.693, model + " test LogLoss " + ctr.get("logloss"));
            if (model.equals("xdeepfm")) {
                assertEquals("[16,16]", results.settings().get(model).get("cin_layers"), "layer sizes recorded as a list");
            }
            // A click model's probabilities come with their reliability diagram over the same rows.
            long binned = ctr.calibration().bins().stream().mapToLong(Calibration.Bin::count).sum();
            assertEquals(ctr.count(), binned, model + " calibration covers every row");
            assertEquals(2, curve(results, "validation auc by epoch").x().length, model + ": one AUC per epoch");
        }
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "train", "crm", "--model", "fibinet", "--data", time.toString(), "--out",
                tmp.resolve("run-bad-fibinet").toString(), "--config", writeConfig("cin_layers: [8]\n")));
        assertTrue(err.toString().contains("setting 'cin_layers' applies to [xdeepfm], not to fibinet"), err.toString());
    }

    /**
     * A checkpoint write the system refuses midway: a process of its own under {@code ulimit -f}
     * (a real failed write, EFBIG, as ENOSPC on a full disk) whose limit lets the first
     * checkpoints through (values and Adam's moments) but not the one that adds the best epoch's
     * values. One line naming the file and the reason, exit 1; the previous checkpoint stays, and
     * {@code --resume} ends with the uninterrupted run's model, byte for byte.
     */
    @Test
    void aCheckpointTheDiskRefusesIsOneLineAndTheRunResumesFromThePreviousOne() throws Exception {
        Path bash = Path.of("/bin/bash");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(bash), "needs bash for ulimit");
        String cfg = writeConfig("epochs: 2\ndim: 64\ncheckpoint_every: 5\n");
        Path runDir = tmp.resolve("run-full-disk");
        Path log = tmp.resolve("full-disk.log");
        // 3 copies of the 700 × 64 tables are 525 KiB, 4 copies 700 KiB.
        Process p = new ProcessBuilder(bash.toString(), "-c", "ulimit -f 600 && exec \"$0\" \"$@\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-XX:+UseSerialGC",
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "crm",
                "--model", "mf-bpr", "--data", split.toString(), "--out", runDir.toString(), "--config", cfg)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "the run did not finish");
        String said = Files.readString(log);
        assertEquals(1, p.exitValue(), said);
        Path checkpoint = runDir.resolve("checkpoint.bin");
        assertEquals("tandem: " + checkpoint + ": File too large (not written: the previous version is unchanged)",
                said.lines().filter(l -> l.startsWith("tandem:")).findFirst().orElse(said));
        assertEquals(1, said.lines().filter(l -> l.startsWith("tandem:")).count(), said);
        assertFalse(said.contains("Exception") || said.contains("\tat "), said);
        try (var files = Files.list(runDir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
        assertTrue(Files.size(checkpoint) > 3 * 700 * 64 * 4, "the previous checkpoint, whole");

        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "train", "crm", "--model", "mf-bpr", "--data", split.toString(), "--out",
                runDir.toString(), "--config", cfg, "--resume"), err.toString());
        Path whole = tmp.resolve("run-whole-disk");
        assertEquals(0, run(new StringWriter(), "train", "crm", "--model", "mf-bpr", "--data", split.toString(), "--out",
                whole.toString(), "--config", cfg));
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.bin")), Files.readAllBytes(runDir.resolve("model.bin")));
    }

    private static String writeConfig(String text) throws Exception {
        Path cfg = Files.createTempFile(tmp, "cfg", ".yaml");
        Files.writeString(cfg, text);
        return cfg.toString();
    }

    private static MetricRecord find(RunResults r, String task, String segment) {
        return r.results().stream().filter(m -> m.task().equals(task) && m.segment().equals(segment)).findFirst()
                .orElseThrow();
    }
}

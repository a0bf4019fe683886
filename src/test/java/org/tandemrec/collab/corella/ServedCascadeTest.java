package org.tandemrec.collab.corella;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.base.UnusableFileException;
import org.tandemrec.crm.ModelFile;
import org.tandemrec.crm.ctr.DcnV2;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.LabelRule;
import org.tandemrec.data.synthetic.SyntheticConfig;
import org.tandemrec.data.synthetic.SyntheticWorld;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.Auc;
import org.tandemrec.eval.LogLoss;
import org.tandemrec.split.SplitConfig;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
import org.tandemrec.split.SplitIdentity;
import org.tandemrec.split.SplitPlan;
import org.tandemrec.split.SplitSource;

/**
 * The cascade a run evaluated, rebuilt from {@code cascade.json}, answers as the run did; paths
 * stay inside the run; its model files' record of their split refuses another one, served or resumed.
 */
class ServedCascadeTest {
    @TempDir
    Path tmp;

    @Test
    void rebuildsTheEvaluatedCascadeAndStaysInsideTheRunDirectory() throws Exception {
        CorellaRun.Result r = TinyCorellaRun.build(tmp);
        Path json = tmp.resolve("corella/corella-llm/cascade.json");
        CascadeFile f = CascadeFile.read(json);
        assertEquals("../llm", f.llmDir());
        assertEquals("../split-time", f.splitDir());
        assertEquals(0.3, f.budget());
        MetricRecord corella = r.records().stream().filter(m -> m.model().equals("corella")
                && m.segment().equals(MetricRecord.ALL)).findFirst().orElseThrow();
        try (ServedCascade served = ServedCascade.load(tmp, tmp.resolve("corella"))) {
            ClickExamples test = ClickExamples.of(SplitDirectory.read(tmp.resolve("split-time")), f.historyItems(),
                    f.minHistory()).test();
            assertEquals(corella.count(), test.size());
            Cascade.Scored s = served.cascade().score(test);
            assertTrue(s.llmCalls() > 0 && s.llmCalls() < test.size(), "routed " + s.llmCalls());
            // The same rows through the rebuilt cascade: the run's figures to float precision.
            assertEquals(corella.get("logloss"), LogLoss.of(test.labels(), s.probabilities()), 1e-5);
            assertEquals(corella.get("auc"), Auc.of(test.labels(), s.probabilities()), 1e-5);
            // The request path's plain-Java CRM answers as the run's native DCNv2 does.
            float[] crm = served.crm(test);
            float[] expected = CalibratedScorers.scaled(f.crmCalibration(), DcnV2.load(tmp.resolve("corella")
                    .resolve(f.crmFile())).logits(test.users(), test.items(), test.histories()));
            float lo = 1;
            float hi = 0;
            for (int k = 0; k < crm.length; k++) {
                assertEquals(expected[k], crm[k], 1e-5, "row " + k);
                lo = Math.min(lo, crm[k]);
                hi = Math.max(hi, crm[k]);
            }
            assertTrue(hi - lo > 1e-3, "the CRM's answers differ between rows: " + lo + " .. " + hi);
            int u = test.users()[0];
            float[] one = served.crm(u, new int[] {3, 0, 7});
            float[] viaExamples = served.crm(served.requests(u, new int[] {3, 0, 7}));
            assertEquals(viaExamples[0], one[0], 1e-6);
            assertEquals(viaExamples[2], one[2], 1e-6);
        }

        // The DCNv2 file records the split it was trained on; a cascade.json naming a split of other
        // users and items is refused from that record, before the LLM is loaded.
        Path crmFile = tmp.resolve("corella").resolve(f.crmFile());
        assertEquals(java.util.Optional.of(SplitIdentity.of(tmp.resolve("split-time"), SplitDirectory.read(tmp.resolve(
                "split-time")))), ModelFile.trainedOn(crmFile));
        Dataset d = SyntheticWorld.generate(SyntheticConfig.defaults().withSeed(8).withSize(81, 150, 2000)).dataset();
        LabelRule liked = LabelRule.atLeast(4);
        SplitData other = SplitPlan.run(d.withInteractions(liked.apply(d.interactions())), new SplitSource(d.name(), "data",
                "tandem", java.util.List.of(), liked), SplitConfig.corella().withSeed(8), tmp.resolve("split-other"),
                d.interactions());
        String text = Files.readString(json);
        Files.writeString(json, text.replace("\"../split-time\"", "\"../split-other\""));
        UnusableFileException swapped = assertThrows(UnusableFileException.class,
                () -> ServedCascade.load(tmp, tmp.resolve("corella")));
        assertEquals(tmp.resolve("split-other") + ": its users and items are not those the model in " + crmFile
                + " was trained on (id maps sha256 " + SplitIdentity.idsSha256(other).substring(0, 12) + "… of "
                + tmp.resolve("split-other") + ", " + ModelFile.trainedOn(crmFile).orElseThrow().idsSha256().substring(0, 12)
                + "… recorded in corella-dcnv2.bin); score it on a split of the same data", swapped.getMessage());
        // Resumed on that split, the run refuses its kept stage-1 DCNv2 the same way, before any training.
        UnusableFileException resumed = assertThrows(UnusableFileException.class, () -> new CorellaRun(
                CorellaSettings.defaults(), tmp.resolve("split-other"), tmp.resolve("llm"), tmp.resolve("corella"), true,
                false, new java.io.PrintWriter(new java.io.StringWriter())).run());
        assertTrue(resumed.getMessage().startsWith(tmp.resolve("split-other") + ": its users and items are not those the"
                + " model in " + tmp.resolve("corella/dcnv2.bin") + " was trained on"), resumed.getMessage());

        // A cascade file that points outside the directory served is refused before anything is read.
        Files.writeString(json, text.replace("\"../llm\"", "\"../../outside\""));
        Files.createDirectories(tmp.getParent().resolve("outside"));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> ServedCascade.load(tmp, tmp.resolve("corella")));
        assertTrue(e.getMessage().contains("llm_dir ../../outside points outside"), e.getMessage());
        Files.writeString(json, text.replace("\"version\" : 1", "\"version\" : 9"));
        e = assertThrows(DataFormatException.class, () -> ServedCascade.load(tmp, tmp.resolve("corella")));
        assertTrue(e.getMessage().contains("cascade.json: version 9 is not supported"), e.getMessage());
    }

    @Test
    void aRunWithoutItsCascadeIsRefusedInOneLine() throws Exception {
        Files.createDirectories(tmp.resolve("crm-only/corella"));
        Files.writeString(tmp.resolve("crm-only/corella/dcnv2.bin"), "");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> ServedCascade.loadRun(tmp.resolve("crm-only")));
        assertTrue(e.getMessage().contains("no CoReLLa cascade here") && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void anExperimentsCorellaModelIsFoundInItsModelsDirectory() throws Exception {
        Path run = tmp.resolve("experiment");
        Path a = Files.createDirectories(run.resolve("models/corella-a/corella-llm"));
        Files.createDirectories(run.resolve("models/dcnv2"));
        Files.writeString(a.resolve("cascade.json"), "{}");
        // the one CoReLLa model is the one loaded: its (here empty) cascade file is what gets read
        Exception one = assertThrows(Exception.class, () -> ServedCascade.loadRun(run));
        assertTrue(one.getMessage().contains(a.resolve("cascade.json").toString()), one.getMessage());
        Path b = Files.createDirectories(run.resolve("models/corella-b/corella-llm"));
        Files.writeString(b.resolve("cascade.json"), "{}");
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class, () -> ServedCascade.loadRun(run));
        assertEquals(run + ": 2 CoReLLa runs here (models/corella-a, models/corella-b); choose one with --corella",
                two.getMessage());
    }
}

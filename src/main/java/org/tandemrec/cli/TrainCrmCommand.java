package org.tandemrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.tandemrec.base.DirectoryLock;
import org.tandemrec.base.FreeSpace;
import org.tandemrec.crm.CrmCatalog;
import org.tandemrec.crm.CrmEvaluation;
import org.tandemrec.crm.CrmFootprint;
import org.tandemrec.crm.CrmSpec;
import org.tandemrec.crm.Recommender;
import org.tandemrec.eval.Curve;
import org.tandemrec.eval.HtmlReport;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunDirectory;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
import org.tandemrec.split.SplitIdentity;
import org.tandemrec.train.EpochLog;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code tandem train crm}: trains one conventional recommender on a split directory, writes its
 * model and evaluates it on the split's fixed test sets.
 */
@Command(name = "crm", mixinStandardHelpOptions = true,
        description = "Train a conventional recommender (random, pop, mf-bpr, mf-bce, gmf, mlp, neumf, lightgcn, "
                + "dcnv2, autoint, xdeepfm, fibinet, sasrec, gru4rec, bert4rec) on SPLITDIR; writes RUNDIR/model.bin, run.json, metrics.json and report.html.")
public final class TrainCrmCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "model name")
    String model;

    @Option(names = "--data", required = true, paramLabel = "SPLITDIR", description = "split directory")
    Path data;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        // Validate everything before any work: the model name and settings, then the split.
        CrmSpec given = CrmSpec.load(model, run.config);
        Path out = run.out;
        SplitData split = SplitDirectory.read(data);
        // Size-dependent defaults (LightGCN's batch) fixed here, so run.json records what trains.
        CrmSpec crm = given.forTrainingRows(CrmCatalog.positiveRows(split));
        List<MetricRecord> records;
        try (DirectoryLock lock = DirectoryLock.acquire(out)) {
            // A run re-trained in place must not keep looking finished with an earlier run's results.
            for (String f : new String[] {RunDirectory.COMPLETE, MetricsFile.FILE_NAME, HtmlReport.FILE_NAME, RunFiles.MODEL}) {
                Files.deleteIfExists(out.resolve(f));
            }
            records = trainInto(out, out.getFileName().toString(), crm.model(), crm, split, data, run.resume,
                    m -> CrmEvaluation.evaluate(m, crm.model(), split));
        }
        PrintWriter w = spec.commandLine().getOut();
        for (MetricRecord r : records) {
            if (r.segment().equals("all")) {
                w.printf(Locale.ROOT, "%s %s %s%n", r.task(), r.model(), r.metrics());
            }
        }
        w.flush();
        return 0;
    }

    /**
     * A CRM's run in {@code out}, shared by {@code train crm} and {@code tandem run}: run.json, the
     * checkpoint and epoch log while training (resumed when asked and present), model.bin, then
     * metrics.json and report.html with the records {@code score} gives, the epoch curves and the
     * settings under {@code name}; the checkpoint and epoch log go once the results are written,
     * and the completion marker comes last.
     */
    static List<MetricRecord> trainInto(Path out, String runName, String name, CrmSpec crm, SplitData split, Path splitDir,
                                        boolean resume, Function<Recommender, List<MetricRecord>> score) throws IOException {
        // Before any table is allocated or file written: a run that cannot fit fails now, with the figures.
        CrmFootprint footprint = CrmFootprint.of(crm, split.numUsers(), split.numItems());
        footprint.checkHeap(CrmFootprint.freeHeapNow());
        footprint.checkDisk(out, FreeSpace.SYSTEM.bytes(out));
        SplitIdentity trainedOn = SplitIdentity.of(splitDir, split);
        RunFiles.writeRun(out, "crm", crm.model(), splitDir, trainedOn, settingsJson(crm));
        Path checkpoint = out.resolve(RunFiles.CHECKPOINT);
        EpochLog epochs = new EpochLog(out.resolve(RunFiles.EPOCH_LOG));
        if (!(resume && Files.exists(checkpoint))) {
            epochs.delete();
        }
        Recommender m = CrmCatalog.train(crm, split, epochs.hooks(new TrainHooks(null, checkpoint, resume, true)));
        m.save(out.resolve(RunFiles.MODEL), Optional.of(trainedOn));
        List<MetricRecord> records = score.apply(m);
        List<Curve> curves = epochs.curves("", name, crm.train().epochs(), CrmCatalog.validationMetric(crm.model(), split));
        RunFiles.writeResults(out, runName, runConfig(crm, splitDir), records, curves,
                Map.of(name, RunFiles.settingsText(settingsJson(crm))));
        Files.deleteIfExists(checkpoint);
        epochs.delete();
        RunDirectory.markComplete(out);
        return records;
    }

    static ObjectNode settingsJson(CrmSpec crm) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        TrainConfig t = crm.train();
        o.put("dim", crm.dim());
        o.put("epochs", t.epochs());
        o.put("batch_size", t.batchSize());
        o.put("learning_rate", t.learningRate());
        o.put("weight_decay", t.weightDecay());
        o.put("optimizer", t.optimizer().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        o.put("schedule", t.schedule().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        o.put("warmup_steps", t.warmupSteps());
        o.put("clip_norm", t.clipNorm());
        o.put("patience", t.patience());
        o.put("checkpoint_every", t.checkpointEvery());
        o.put("seed", t.seed());
        o.put("threads", t.threads());
        crm.options().settings().forEach((k, v) -> o.set(k, new ObjectMapper().valueToTree(v)));
        return o;
    }

    /** The run's configuration: the model and the split (its settings are recorded under its name). */
    static Map<String, String> runConfig(CrmSpec crm, Path split) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("model", crm.model());
        c.put("split", split.toString());
        return c;
    }
}

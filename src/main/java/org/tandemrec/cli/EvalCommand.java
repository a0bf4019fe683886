package org.tandemrec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.CrmCatalog;
import org.tandemrec.crm.CrmEvaluation;
import org.tandemrec.crm.ModelFile;
import org.tandemrec.crm.Recommender;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.eval.Curve;
import org.tandemrec.eval.MetricRecord;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
import org.tandemrec.split.SplitIdentity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tandem eval RUNDIR}: re-evaluates a trained run on its split (or another) and rewrites its metrics. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate the model of RUNDIR on its split's fixed test sets; writes metrics.json and report.html.")
public final class EvalCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUNDIR", description = "run directory written by 'tandem train'")
    Path run;

    @Option(names = "--data", paramLabel = "SPLITDIR", description = "split directory (default: the one the run used)")
    Path data;

    @Override
    public Integer call() throws Exception {
        JsonNode info = RunFiles.readRun(run);
        String kind = info.path("kind").asText("crm");
        if (!kind.equals("crm")) {
            throw new UsageException(run + " is a " + kind + " run: tandem eval re-scores the model of a train crm"
                    + " run (tandem report " + run + " rebuilds its report)");
        }
        RunFiles.requireComplete(run);
        Path splitDir = data != null ? data : Path.of(info.path("split").asText());
        SplitData split = SplitDirectory.read(splitDir);
        Path model = run.resolve(RunFiles.MODEL);
        // Checked before anything is written: scores of another data set's ids would replace the run's metrics.
        // The model file's own record first: run.json may be another run's (copied or swapped in).
        ModelFile.requireSameIds(model, splitDir, SplitIdentity.idsSha256(split));
        Recommender m = CrmCatalog.load(model);
        RunFiles.requireSameIds(run, info, splitDir, split, m.numUsers(), m.numItems());
        String name = info.path("model").asText(m.kind());
        List<MetricRecord> records = CrmEvaluation.evaluate(m, name, split);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("model", name);
        config.put("split", splitDir.toString());
        // Training curves are not re-measured by scoring: the earlier results' curves are kept.
        Path earlier = run.resolve(MetricsFile.FILE_NAME);
        List<Curve> curves = List.of();
        try {
            curves = Files.isRegularFile(earlier) ? MetricsFile.read(earlier).curves() : List.of();
        } catch (DataFormatException unreadable) {
            // a damaged earlier file has no curves worth keeping; it is replaced below
        }
        RunFiles.writeResults(run, run.toAbsolutePath().normalize().getFileName().toString(), config, records, curves,
                Map.of(name, RunFiles.settingsText(info.path("settings"))));
        PrintWriter w = spec.commandLine().getOut();
        for (MetricRecord r : records) {
            w.printf(Locale.ROOT, "%s %s %s %s%n", r.task(), r.model(), r.segment(), r.metrics());
        }
        w.flush();
        return 0;
    }
}

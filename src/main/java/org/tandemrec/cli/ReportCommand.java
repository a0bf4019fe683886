package org.tandemrec.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.eval.HtmlReport;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunResults;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tandem report RUNDIR}: rebuilds a run's {@code report.html} from its {@code metrics.json}
 * alone (no model is loaded), so a report follows the current renderer for runs of any age.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Rebuild RUNDIR/report.html (or --out FILE) from RUNDIR/metrics.json: tables, charts, curves,"
                + " calibration and every model's settings in one self-contained page.")
public final class ReportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUNDIR", description = "a run directory holding metrics.json")
    Path run;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the page (default: RUNDIR/report.html)")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path metrics = run.resolve(MetricsFile.FILE_NAME);
        if (!Files.isRegularFile(metrics)) {
            throw new DataFormatException(run + " holds no " + MetricsFile.FILE_NAME + ": nothing to report");
        }
        RunFiles.requireComplete(run);
        // An unknown version or a malformed field is a DataFormatException naming the file and field.
        RunResults results = MetricsFile.read(metrics);
        Path target = out != null ? out : run.resolve(HtmlReport.FILE_NAME);
        HtmlReport.write(target, results);
        PrintWriter w = spec.commandLine().getOut();
        w.println(target);
        w.flush();
        return 0;
    }
}

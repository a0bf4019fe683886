package org.tandemrec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tandem run EXPERIMENT.yaml}: an experiment from one file (see {@link ExperimentFile}),
 * validated whole before any work, run into one directory (see {@link ExperimentRun}).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an experiment from one file (data set, filters, splits, models, seeds): every problem of "
                + "the file is reported before any work; writes RUNDIR/experiment.yaml, manifest.json, splits/, models/, "
                + "metrics.json, report.html and COMPLETE last.")
public final class RunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "experiment file (YAML, or JSON by its extension)")
    Path experiment;

    @Option(names = "--out", paramLabel = "RUNDIR", description = "run directory (default: runs/NAME)")
    Path out;

    @Option(names = "--resume", description = "continue an interrupted run in RUNDIR: finished models are skipped")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        // Every problem of the file is one line of the report Main prints (with the trace under --debug).
        Experiment e = ExperimentFile.read(experiment);
        Path dir = out != null ? out : Path.of("runs", e.name());
        new ExperimentRun(e, dir, resume, spec.commandLine().getOut()).run();
        return 0;
    }
}

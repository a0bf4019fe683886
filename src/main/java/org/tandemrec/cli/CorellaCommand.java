package org.tandemrec.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tandemrec.base.DirectoryLock;
import org.tandemrec.base.FreeSpace;
import org.tandemrec.collab.corella.CorellaRun;
import org.tandemrec.collab.corella.CorellaSettings;
import org.tandemrec.eval.HtmlReport;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tandem corella}: CoReLLa and the models it is compared with, on one CTR split (see {@link CorellaRun}). */
@Command(name = "corella", mixinStandardHelpOptions = true,
        description = "CoReLLa on a CTR time split: DCNv2 alone, then the LLM (LoRA) and DCNv2 trained together with"
                + " layer-wise alignment, then the LLM alone; the DCNv2's least confident requests routed to the LLM."
                + " Scored against DCNv2 and TALLRec on the same rows; writes RUNDIR/metrics.json, report.html,"
                + " corella-llm/ (PEFT adapter and the DCNv2), dcnv2.bin and checkpoints/.")
public final class CorellaCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "SPLITDIR",
            description = "a CTR split with labels from ratings (--protocol time --task ctr --label-rule '>=4')")
    Path data;

    @Option(names = "--llm", required = true, paramLabel = "HF_DIR",
            description = "a Hugging Face Llama, Mistral or Qwen2 directory; a BDLM-tuned one brings its ID tokens")
    Path llm;

    @Mixin
    RunOptions run;

    /** Where the run directory's free disk comes from (tests give a figure of their own). */
    private final FreeSpace freeSpace;

    public CorellaCommand() {
        this(FreeSpace.SYSTEM);
    }

    CorellaCommand(FreeSpace freeSpace) {
        this.freeSpace = freeSpace;
    }

    @Override
    public Integer call() throws Exception {
        CorellaSettings settings = CorellaSettings.load(run.config);
        Path out = run.out;
        try (DirectoryLock lock = DirectoryLock.acquire(out)) {
            for (String f : new String[] {RunDirectory.COMPLETE, MetricsFile.FILE_NAME, HtmlReport.FILE_NAME}) {
                Files.deleteIfExists(out.resolve(f));
            }
            PrintWriter w = spec.commandLine().getOut();
            CorellaRun.Result r = new CorellaRun(settings, data, llm, out, run.resume, true, w, freeSpace).run();
            RunFiles.finishMethodRun(out, "corella", data, llm, settings.toJson(), r.summary(), r.timings(),
                    r.records(), r.curves(), w);
        }
        return 0;
    }
}

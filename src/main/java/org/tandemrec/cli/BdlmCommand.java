package org.tandemrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tandemrec.base.DirectoryLock;
import org.tandemrec.base.FreeSpace;
import org.tandemrec.collab.bdlm.BdlmRun;
import org.tandemrec.collab.bdlm.BdlmSettings;
import org.tandemrec.eval.HtmlReport;
import org.tandemrec.eval.MetricsFile;
import org.tandemrec.eval.RunDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tandem bdlm}: BDLM and the models it is compared with, on one split (see {@link BdlmRun}). */
@Command(name = "bdlm", mixinStandardHelpOptions = true,
        description = "BDLM on a leave-one-out split: the CRM's embeddings pre-loaded as ID tokens of the LLM, the LLM "
                + "and the feature-enhanced CRM trained in turns, scored against the CRM baselines, LLM-Rec, GPT4SM and "
                + "InstructRec on the same lists; writes RUNDIR/metrics.json, report.html, bdlm-llm/ and checkpoints/.")
public final class BdlmCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "SPLITDIR", description = "a leave-one-out split with top-K lists")
    Path data;

    @Option(names = "--llm", required = true, paramLabel = "HF_DIR",
            description = "a Hugging Face Llama, Mistral or Qwen2 directory (config.json, model.safetensors, tokenizer.json)")
    Path llm;

    @Option(names = "--crm", paramLabel = "NAME", description = "the CRM whose embeddings become the ID tokens: lightgcn"
            + " (default), neumf or gmf; overrides the settings file")
    String crm;

    @Mixin
    RunOptions run;

    /** Where the run directory's free disk comes from (tests give a figure of their own). */
    private final FreeSpace freeSpace;

    public BdlmCommand() {
        this(FreeSpace.SYSTEM);
    }

    BdlmCommand(FreeSpace freeSpace) {
        this.freeSpace = freeSpace;
    }

    @Override
    public Integer call() throws Exception {
        BdlmSettings settings = BdlmSettings.load(run.config);
        if (crm != null) {
            settings = settings.with("--crm", new ObjectMapper().createObjectNode().put("crm", crm));
        }
        Path out = run.out;
        try (DirectoryLock lock = DirectoryLock.acquire(out)) {
            for (String f : new String[] {RunDirectory.COMPLETE, MetricsFile.FILE_NAME, HtmlReport.FILE_NAME}) {
                Files.deleteIfExists(out.resolve(f));
            }
            PrintWriter w = spec.commandLine().getOut();
            BdlmRun.Result r = new BdlmRun(settings, data, llm, out, run.resume, true, w, freeSpace).run();
            RunFiles.finishMethodRun(out, "bdlm", data, llm, settings.toJson(), r.summary(), r.timings(),
                    r.records(), r.curves(), w);
        }
        return 0;
    }
}

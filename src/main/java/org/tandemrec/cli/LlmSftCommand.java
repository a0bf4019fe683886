package org.tandemrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tandemrec.base.DirectoryLock;
import org.tandemrec.base.FreeSpace;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.sft.SftConfig;
import org.tandemrec.llm.sft.SftJob;
import org.tandemrec.llm.sft.SftRunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code tandem llm sft}: supervised fine-tuning (LoRA or full) of a Hugging Face checkpoint on prompt/answer pairs. */
@Command(name = "sft", mixinStandardHelpOptions = true,
        description = "Supervised fine-tuning of a Hugging Face checkpoint on prompt/answer pairs (JSON lines: prompt, answer, "
                + "optional id), loss on the answer tokens only. Writes RUNDIR/adapter (PEFT LoRA) or RUNDIR/model "
                + "(full fine-tuning) and RUNDIR/sft-run.json with the loss curve; prints one JSON line.")
final class LlmSftCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "HF_DIR", description = "Base checkpoint directory.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "SFT_JSONL", description = "Training examples.")
    Path data;

    @Option(names = "--valid", paramLabel = "SFT_JSONL", description = "Validation examples: loss after each epoch, early stopping (patience).")
    Path valid;

    @Mixin
    RunOptions run;

    @Mixin
    TorchThreadsOption threads;

    /** Where the run directory's free disk comes from (tests give a figure of their own). */
    private final FreeSpace freeSpace;

    LlmSftCommand() {
        this(FreeSpace.SYSTEM);
    }

    LlmSftCommand(FreeSpace freeSpace) {
        this.freeSpace = freeSpace;
    }

    @Override
    public Integer call() throws Exception {
        // Settings first: a bad key fails before anything is read or loaded.
        SftConfig cfg = SftConfig.load(run.config);
        Path out = run.out;
        if (!Files.isRegularFile(data)) {
            throw new DataFormatException("--data " + data + " is not a file");
        }
        if (valid != null && !Files.isRegularFile(valid)) {
            throw new DataFormatException("--valid " + valid + " is not a file");
        }
        threads.apply();
        SftRunRecord r;
        try (DirectoryLock lock = DirectoryLock.acquire(out)) {
            r = new SftJob(model, data, valid, out, cfg).run(run.resume, true, freeSpace);
        }
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("out", out.toString());
        n.put("mode", cfg.mode().key());
        n.put("examples", r.examples());
        n.put("trainable_parameters", r.trainableParameters());
        n.put("steps", r.steps());
        n.put("resumed_from_step", r.resumedFromStep());
        double[] loss = r.loss();
        n.put("first_loss", loss.length == 0 ? Double.NaN : loss[0]);
        n.put("last_loss", loss.length == 0 ? Double.NaN : loss[loss.length - 1]);
        if (r.validLoss().length > 0) {
            n.put("best_valid_loss", r.validLoss()[Math.max(0, r.bestEpoch())]);
            n.put("best_epoch", r.bestEpoch());
        }
        n.put("seconds", r.seconds());
        n.put("tokens_per_second", r.tokensPerSecond());
        if (r.adapterDir() != null) {
            n.put("adapter", out.resolve(r.adapterDir()).toString());
        }
        if (r.modelDir() != null) {
            n.put("model", out.resolve(r.modelDir()).toString());
        }
        spec.commandLine().getOut().println(n.toString());
        spec.commandLine().getOut().flush();
        return 0;
    }
}

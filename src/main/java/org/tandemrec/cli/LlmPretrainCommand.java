package org.tandemrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tandemrec.base.DirectoryLock;
import org.tandemrec.base.FreeSpace;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.pretrain.PretrainConfig;
import org.tandemrec.llm.pretrain.Pretrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code tandem llm pretrain}: trains the demo's small Llama-architecture model from scratch on a
 * corpus, for a number of steps (the same seed gives the same model) or within a time budget.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true, description = "Train a small Llama-architecture model from scratch on a text corpus "
        + "(one document per line; byte-level BPE vocabulary learned on it) and save it in the Hugging Face layout. "
        + "Runs a number of steps (default " + PretrainConfig.DEMO_STEPS + "); --minutes adds a time budget; --resume "
        + "continues an interrupted run in OUT from its checkpoint exactly.")
final class LlmPretrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--corpus", required = true, description = "UTF-8 text file, one document per line.")
    Path corpus;

    @Option(names = "--out", required = true, description = "Output checkpoint directory.")
    Path out;

    @Option(names = "--steps", paramLabel = "N", description = "Optimiser steps, the schedule's length (default "
            + PretrainConfig.DEMO_STEPS + "; with --minutes alone: planned from a timed estimate to fit the budget).")
    Integer steps;

    @Option(names = "--minutes", paramLabel = "M", description = "Wall-time budget: training also stops at this deadline "
            + "(default: none; 0: none).")
    Double minutes;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Optimiser steps between checkpoints "
            + "(default 100; 0: at the end only).")
    Integer checkpointEvery;

    @Option(names = "--resume", description = "Continue from OUT/checkpoint.bin when present (same corpus and settings).")
    boolean resume;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initial weights and the training windows (default ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--hidden", description = "Hidden size (default: the demo's 256; intermediate 4 × hidden).") Integer hidden;
    @Option(names = "--layers", description = "Layers (default 4).") Integer layers;
    @Option(names = "--vocab", description = "Vocabulary size (default 3000).") Integer vocab;
    @Option(names = "--context", description = "Context length (default 128).") Integer context;

    @Mixin
    TorchThreadsOption threads;

    /** Where the output directory's free disk comes from (tests give a figure of their own). */
    private final FreeSpace freeSpace;

    LlmPretrainCommand() {
        this(FreeSpace.SYSTEM);
    }

    LlmPretrainCommand(FreeSpace freeSpace) {
        this.freeSpace = freeSpace;
    }

    /**
     * The pre-training settings these options give (null: the default): the demo model's, with
     * {@code steps} steps (without steps or minutes {@value PretrainConfig#DEMO_STEPS}; with
     * minutes alone planned to fit them) and intermediate size 4 × hidden.
     */
    static PretrainConfig config(long seed, Integer steps, Double minutes, Integer hidden, Integer layers, Integer vocab,
                                 Integer context) {
        double budget = minutes == null ? 0 : minutes;
        int n = steps != null ? steps : budget > 0 ? 0 : PretrainConfig.DEMO_STEPS;
        PretrainConfig d = PretrainConfig.demo(seed);
        int h = hidden != null ? hidden : d.hidden();
        return new PretrainConfig(h, layers != null ? layers : d.layers(), d.heads(), d.kvHeads(), 4 * h,
                context != null ? context : d.context(), vocab != null ? vocab : d.vocabSize(), d.batchSize(), d.lr(),
                d.weightDecay(), d.warmupSteps(), d.maxGradNorm(), n, budget, d.checkpointEvery(), seed);
    }

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.isRegularFile(corpus)) {
            throw new DataFormatException("--corpus " + corpus + " is not a file");
        }
        if (steps != null && steps <= 0) {
            throw new UsageException("--steps must be > 0, got " + steps);
        }
        if (minutes != null && !(minutes >= 0)) {
            throw new UsageException("--minutes must be >= 0, got " + minutes);
        }
        threads.apply();
        PretrainConfig cfg = config(seed, steps, minutes, hidden, layers, vocab, context);
        if (checkpointEvery != null) {
            cfg = cfg.withCheckpointEvery(checkpointEvery);
        }
        Pretrainer.Result r;
        try (DirectoryLock lock = DirectoryLock.acquire(out)) {
            r = new Pretrainer(cfg, freeSpace).run(Pretrainer.readCorpus(corpus), out, resume, true);
        }
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("out", out.toString());
        o.put("parameters", r.parameters());
        o.put("vocab_size", r.vocabSize());
        o.put("steps", r.steps());
        o.put("planned_steps", r.plannedSteps());
        o.put("deadline_reached", r.deadlineReached());
        o.put("resumed_from_step", r.firstStep());
        o.put("first_loss", r.firstLoss());
        o.put("last_loss", r.lastLoss());
        o.put("skipped_steps", r.skippedSteps());
        o.put("seconds", r.seconds());
        o.put("tokens_per_second", r.tokensPerSecond());
        spec.commandLine().getOut().println(o.toString());
        spec.commandLine().getOut().flush();
        return 0;
    }
}

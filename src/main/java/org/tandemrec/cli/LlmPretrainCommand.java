package org.tandemrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tandemrec.llm.pretrain.PretrainConfig;
import org.tandemrec.llm.pretrain.Pretrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code tandem llm pretrain}: trains the demo's small Llama-architecture model from scratch on a corpus. */
@Command(name = "pretrain", mixinStandardHelpOptions = true, description = "Train a small Llama-architecture model from scratch on a text corpus "
        + "(one document per line; byte-level BPE vocabulary learned on it) and save it in the Hugging Face layout.")
final class LlmPretrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--corpus", required = true, description = "UTF-8 text file, one document per line.")
    Path corpus;

    @Option(names = "--out", required = true, description = "Output checkpoint directory.")
    Path out;

    @Option(names = "--minutes", defaultValue = "2.5", description = "Wall-time budget (default ${DEFAULT-VALUE}); 0: none.")
    double minutes;

    @Option(names = "--steps", defaultValue = "0", description = "Step budget (default: none, the time budget decides).")
    int steps;

    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--hidden", description = "Hidden size (default: the demo's 256).") Integer hidden;
    @Option(names = "--layers", description = "Layers (default 4).") Integer layers;
    @Option(names = "--vocab", description = "Vocabulary size (default 3000).") Integer vocab;
    @Option(names = "--context", description = "Context length (default 128).") Integer context;

    @Mixin
    TorchThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.isRegularFile(corpus)) {
            throw new IllegalArgumentException("--corpus " + corpus + " is not a file");
        }
        threads.apply();
        PretrainConfig d = PretrainConfig.demo(seed);
        int h = hidden != null ? hidden : d.hidden();
        PretrainConfig cfg = new PretrainConfig(h, layers != null ? layers : d.layers(), d.heads(), d.kvHeads(), 4 * h,
                context != null ? context : d.context(), vocab != null ? vocab : d.vocabSize(), d.batchSize(), d.lr(),
                d.weightDecay(), d.warmupSteps(), d.maxGradNorm(), steps, minutes, seed);
        Pretrainer.Result r = new Pretrainer(cfg).run(Pretrainer.readCorpus(corpus), out);
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("out", out.toString());
        n.put("parameters", r.parameters());
        n.put("vocab_size", r.vocabSize());
        n.put("steps", r.steps());
        n.put("first_loss", r.firstLoss());
        n.put("last_loss", r.lastLoss());
        n.put("skipped_steps", r.skippedSteps());
        n.put("seconds", r.seconds());
        n.put("tokens_per_second", r.tokensPerSecond());
        spec.commandLine().getOut().println(n.toString());
        spec.commandLine().getOut().flush();
        return 0;
    }
}

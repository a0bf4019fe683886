package org.tandemrec.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.TensorDevice;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.GoldenCheck;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.HfCheckpoint;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code tandem llm ...}: the LLM side on Hugging Face decoder checkpoints: a pre-training corpus
 * from a data set, pre-training, supervised fine-tuning, merging an adapter, and checks against
 * golden outputs. Benchmarks are under {@code tandem bench llm}.
 */
@Command(name = "llm", mixinStandardHelpOptions = true, description = "Hugging Face decoder checkpoints (Llama, Mistral, Qwen2).",
        subcommands = {LlmCorpusCommand.class, LlmCommand.Check.class, LlmCommand.Merge.class, LlmPretrainCommand.class,
                LlmSftCommand.class})
public final class LlmCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (corpus, check, merge, pretrain, sft)");
    }

    /** Compares a checkpoint (optionally with a LoRA adapter) with a golden file; one JSON line out. */
    @Command(name = "check", mixinStandardHelpOptions = true, description = "Compare a checkpoint's outputs with a golden file; prints one JSON line, "
            + "exits 0 on pass, 1 on mismatch.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", required = true, description = "Checkpoint directory (config.json, safetensors, tokenizer.json).")
        Path model;

        @Option(names = "--golden", required = true, description = "Golden JSON file.")
        Path golden;

        @Option(names = "--adapter", description = "PEFT LoRA adapter directory applied to the model.")
        Path adapter;

        @Mixin
        TorchThreadsOption threads;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(model)) {
                throw new DataFormatException("--model " + model + " is not a directory");
            }
            if (!Files.isRegularFile(golden)) {
                throw new DataFormatException("--golden " + golden + " is not a file");
            }
            if (adapter != null && !Files.isDirectory(adapter)) {
                throw new DataFormatException("--adapter " + adapter + " is not a directory");
            }
            threads.apply();
            try (NDManager m = TensorDevice.newManager();
                 DecoderWeights w = DecoderWeights.load(model, m);
                 LlmTokenizer tok = Files.isRegularFile(model.resolve("tokenizer.json"))
                         ? LlmTokenizer.load(model, w.config().vocabSize()) : null;
                 LoraAdapter lora = adapter == null ? null : LoraAdapter.load(adapter, w, m)) {
                GoldenCheck.Result r = GoldenCheck.run(new Decoder(w, lora), tok, golden, m);
                ObjectNode n = new ObjectMapper().createObjectNode();
                n.put("model", model.toString());
                n.put("golden", golden.toString());
                if (adapter != null) {
                    n.put("adapter", adapter.toString());
                }
                n.put("prompts", r.prompts());
                n.put("tolerance_abs", r.tolerance());
                n.put("token_ids_equal", r.tokenIdsEqual());
                n.put("max_abs_last_logits", r.lastLogits());
                n.put("max_abs_logits_first8", r.logitsFirst8());
                n.put("max_abs_hidden_first8", r.hiddenFirst8());
                n.put("max_abs_loss", r.loss());
                n.put("max_abs_padded_batch_last_logits", r.paddedBatchLastLogits());
                n.put("greedy_ids_equal", r.greedyEqual());
                n.put("pass", r.pass());
                spec.commandLine().getOut().println(n.toString());
                spec.commandLine().getOut().flush();
                return r.pass() ? 0 : 1;
            }
        }
    }

    /** Folds a LoRA adapter into its base model and saves the result in the Hugging Face layout. */
    @Command(name = "merge", mixinStandardHelpOptions = true, description = "Merge a PEFT LoRA adapter into its base model (W + alpha/r * B A) and save "
            + "the merged model in the Hugging Face layout.")
    static final class Merge implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", required = true, description = "Base checkpoint directory.")
        Path model;

        @Option(names = "--adapter", required = true, description = "PEFT LoRA adapter directory.")
        Path adapter;

        @Option(names = "--out", required = true, description = "Output directory for the merged checkpoint.")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(model)) {
                throw new DataFormatException("--model " + model + " is not a directory");
            }
            if (!Files.isDirectory(adapter)) {
                throw new DataFormatException("--adapter " + adapter + " is not a directory");
            }
            if (out.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize())) {
                throw new UsageException("--out must differ from --model (the base weights are memory-mapped)");
            }
            try (NDManager m = TensorDevice.newManager();
                 DecoderWeights w = DecoderWeights.load(model, m);
                 LlmTokenizer tok = Files.isRegularFile(model.resolve("tokenizer.json"))
                         ? LlmTokenizer.load(model, w.config().vocabSize()) : null;
                 LoraAdapter lora = LoraAdapter.load(adapter, w, m);
                 DecoderWeights merged = lora.merge(w, m)) {
                HfCheckpoint.save(out, merged, tok);
                Path gen = model.resolve("generation_config.json");
                if (Files.isRegularFile(gen)) {
                    AtomicFile.writeString(out.resolve("generation_config.json"), Files.readString(gen));
                }
                ObjectNode n = new ObjectMapper().createObjectNode();
                n.put("model", model.toString());
                n.put("adapter", adapter.toString());
                n.put("out", out.toString());
                n.put("merged_matrices", lora.pairs().size());
                n.put("rank", lora.rank());
                n.put("scale", lora.scale());
                spec.commandLine().getOut().println(n.toString());
                spec.commandLine().getOut().flush();
                return 0;
            }
        }
    }
}

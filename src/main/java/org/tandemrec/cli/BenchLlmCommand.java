package org.tandemrec.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tandemrec.bench.LlmBenchmark;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.RopeScaling;
import org.tandemrec.llm.decoder.TorchThreads;
import org.tandemrec.llm.pretrain.PretrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code tandem bench llm}: matmul peak, training and prefill utilisation, KV-cache decoding
 * speed-up and Yes/No scoring throughput, for the demo model's configuration and for a
 * ~100M-parameter Llama configuration (random weights). Keys ending in {@code _100m} belong to
 * the larger model.
 */
@Command(name = "llm", mixinStandardHelpOptions = true,
        description = "Measure LLM throughput and utilisation (demo model and a ~100M-parameter Llama); a few minutes.")
public final class BenchLlmCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "print one JSON object instead of a table")
    boolean json;

    @Option(names = "--threads", description = "PyTorch intra-op threads (default: the engine's).")
    Integer threads;

    @Option(names = "--reps", defaultValue = "5", description = "Timed repetitions per figure, best kept (default ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--skip-100m", description = "Measure only the demo model.")
    boolean skip100m;

    @Option(names = "--no-train-100m", description = "Skip training the ~100M model (prefill and decoding only).")
    boolean noTrain100m;

    /** The demo model of {@code tandem llm pretrain}, with room for a 256-token decoding context. */
    static LlamaConfig demoConfig() {
        PretrainConfig p = PretrainConfig.demo(1);
        LlamaConfig c = p.llamaConfig(p.vocabSize());
        return new LlamaConfig(c.modelType(), c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(),
                c.numKvHeads(), c.headDim(), c.rmsNormEps(), c.rope(), false, true, c.vocabSize(), c.bosTokenId(),
                c.eosTokenId(), c.padTokenId(), 2048);
    }

    /** H 768, L 12, N 12, K 4, I 2048, V 32000, tied: about 100M parameters. */
    static LlamaConfig config100m() {
        return new LlamaConfig("llama", 768, 2048, 12, 12, 4, 64, 1e-5, RopeScaling.plain(10000), false, true, 32000,
                1, 2, 3, 2048);
    }

    @Override
    public Integer call() throws Exception {
        if (reps <= 0) {
            throw new IllegalArgumentException("--reps must be > 0, got " + reps);
        }
        if (threads != null) {
            TorchThreads.set(threads);
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("threads", TorchThreads.get());
        f.put("load_average_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        // The launcher keeps freed tensor memory in the heap (see ./tandem); say whether this run had it.
        f.put("malloc_mmap_threshold", String.valueOf(System.getenv("MALLOC_MMAP_THRESHOLD_")));
        try (NDManager m = NDManager.newBaseManager()) {
            // On a shared machine the peak is measured before and after the models and the higher
            // value kept, so that a busy moment does not inflate every utilisation figure.
            double peakBefore = LlmBenchmark.peakGflops(m, reps + 2);
            f.put("peak_gflops", peakBefore);
            LlmBenchmark.Figures demo = LlmBenchmark.run(demoConfig(),
                    new LlmBenchmark.Settings(8, 128, reps + 2, 8, 128, 256, 32, reps, 1), m);
            LlmBenchmark.Figures big = skip100m ? null : LlmBenchmark.run(config100m(),
                    new LlmBenchmark.Settings(1, 128, noTrain100m ? 0 : 2, 2, 256, 256, 16, reps, 1), m);
            double peakAfter = LlmBenchmark.peakGflops(m, reps + 2);
            double peak = Math.max(peakBefore, peakAfter);
            f.put("peak_gflops", peak);
            f.put("peak_gflops_before", peakBefore);
            f.put("peak_gflops_after", peakAfter);
            put(f, "", demo, peak);
            if (big != null) {
                put(f, "_100m", big, peak);
                if (noTrain100m) {
                    f.put("train_100m_note", "skipped (--no-train-100m): prefill and decoding only");
                }
            }
        }
        f.put("load_average_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper om = new ObjectMapper();
            ObjectNode o = om.valueToTree(f);
            out.println(om.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        } else {
            f.forEach((k, v) -> out.println(v instanceof Double d
                    ? String.format(Locale.ROOT, "%-36s %.4g", k, d) : String.format(Locale.ROOT, "%-36s %s", k, v)));
        }
        out.flush();
        return 0;
    }

    private static void put(Map<String, Object> f, String suffix, LlmBenchmark.Figures r, double peak) {
        f.put("parameters" + suffix, r.parameters());
        if (!Double.isNaN(r.trainTokensPerSecond())) {
            f.put("train_tokens_per_s" + suffix, r.trainTokensPerSecond());
            f.put("train_mfu" + suffix, r.trainMfu(peak));
        }
        f.put("prefill_tokens_per_s" + suffix, r.prefillTokensPerSecond());
        f.put("prefill_mfu" + suffix, r.prefillMfu(peak));
        f.put("decode_full_recompute_tokens_per_s" + suffix, 1 / r.decodeFullSecondsPerToken());
        f.put("decode_cached_tokens_per_s" + suffix, 1 / r.decodeCachedSecondsPerToken());
        f.put("decode_speedup_256" + suffix, r.decodeSpeedup());
        f.put("yesno_prompts_per_s" + suffix, r.yesNoPromptsPerSecond());
        f.put("prefill_prompts_per_s" + suffix, r.prefillPromptsPerSecond());
        f.put("yesno_vs_prefill" + suffix, r.yesNoVsPrefill());
    }
}

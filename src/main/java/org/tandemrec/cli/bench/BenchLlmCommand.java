package org.tandemrec.cli.bench;

import ai.djl.ndarray.NDManager;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tandemrec.base.TensorDevice;
import org.tandemrec.base.UsageException;
import org.tandemrec.bench.LlmBenchmark;
import org.tandemrec.bench.OperatorProfile;
import org.tandemrec.cli.JsonOutput;
import org.tandemrec.cli.TorchThreadsOption;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.TorchThreads;
import org.tandemrec.llm.safetensors.SafetensorsReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code tandem bench llm}: matmul peak, full and LoRA training and prefill utilisation, KV-cache
 * decoding speed-up and Yes/No scoring throughput, for the demo model's configuration and for
 * the peer's ~125M Llama configuration (random weights, untied head, batches of 4 × 256); keys
 * ending in {@code _100m} belong to the larger model. Each model runs at the thread count its
 * commands use ({@link TorchThreads#forModel}: every core from hidden size 256, the demo model's,
 * unless {@code --threads} or {@code TANDEM_TORCH_THREADS} fixes it), and its utilisations divide
 * by the peak measured at that count. With {@code --model} the same figures for that model instead: a checkpoint
 * (not trained: its weights are memory-mapped) or, for a directory holding only a
 * {@code config.json}, random weights of that shape.
 */
@Command(name = "llm", mixinStandardHelpOptions = true,
        description = "Measure LLM throughput and utilisation (demo model and the ~125M Llama of peer_bench.py, or the "
                + "model given with --model); a few minutes.")
public final class BenchLlmCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    JsonOutput output;

    @Mixin
    TorchThreadsOption threads;

    @Option(names = "--reps", defaultValue = "5", description = "Timed repetitions per figure, best kept (default ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--skip-100m", description = "Measure only the demo model.")
    boolean skip100m;

    @Option(names = "--no-train-100m", description = "Skip training the ~100M model (prefill and decoding only).")
    boolean noTrain100m;

    @Option(names = "--model", paramLabel = "HF_DIR",
            description = "Measure this model instead: a checkpoint directory (training skipped), or a directory with "
                    + "only config.json (random weights of that shape, trained too); sequences shortened to its context.")
    Path model;

    @Option(names = "--profile", paramLabel = "DIR",
            description = "Instead of the figures: where one training step's time goes (full and LoRA) and one prefill "
                    + "pass's for the ~125M model "
                    + "(the demo model with --skip-100m): its phases and the engine's operators by self time; the "
                    + "profiler's traces (Chrome trace JSON) are written to DIR.")
    Path profile;

    /** Operators listed per profiled step. */
    static final int PROFILE_TOP = 12;

    @Override
    public Integer call() throws Exception {
        if (reps <= 0) {
            throw new UsageException("--reps must be > 0, got " + reps);
        }
        if (profile != null) {
            if (model != null || noTrain100m) {
                throw new UsageException("--profile applies to the built-in models' training; drop --model and --no-train-100m");
            }
            return profile();
        }
        if (model != null && (skip100m || noTrain100m)) {
            throw new UsageException("--skip-100m and --no-train-100m apply to the built-in models, not to --model");
        }
        if (model != null && !Files.isRegularFile(model.resolve("config.json"))) {
            throw new DataFormatException("--model " + model + " has no config.json");
        }
        threads.apply();
        Map<String, Object> f = new LinkedHashMap<>();
        if (model != null) {
            f.put("model", model.toString());
        }
        LlamaConfig first = model != null ? LlamaConfig.load(model) : LlmBenchmark.demoModel();
        f.put("load_average_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        // The launcher keeps freed tensor memory in the heap (see ./tandem); say whether this run had it.
        f.put("malloc_mmap_threshold", String.valueOf(System.getenv("MALLOC_MMAP_THRESHOLD_")));
        try (NDManager m = TensorDevice.newManager()) {
            // Each model runs at the thread count its commands would use (TorchThreads.forModel).
            try (TorchThreads.Scope scope = TorchThreads.forModel(first)) {
                f.put("threads", scope.threads());
                // On a shared machine each peak is measured before and after its model and the higher
                // value kept, so that a busy moment does not inflate every utilisation figure.
                double peakBefore = LlmBenchmark.peakGflops(m, reps + 2);
                LlmBenchmark.Figures figures = model != null ? measureModel(f, m)
                        : LlmBenchmark.run(first, LlmBenchmark.Settings.demo(reps), m);
                double peakAfter = LlmBenchmark.peakGflops(m, reps + 2);
                double peak = Math.max(peakBefore, peakAfter);
                f.put("peak_gflops", peak);
                f.put("peak_gflops_before", peakBefore);
                f.put("peak_gflops_after", peakAfter);
                put(f, "", figures, peak);
            }
            if (model == null && !skip100m) {
                try (TorchThreads.Scope scope = TorchThreads.forModel(LlmBenchmark.model100m())) {
                    double bigBefore = LlmBenchmark.peakGflops(m, reps + 2);
                    LlmBenchmark.Figures big = LlmBenchmark.run(LlmBenchmark.model100m(),
                            LlmBenchmark.Settings.large(reps, !noTrain100m), m);
                    double bigPeak = Math.max(bigBefore, LlmBenchmark.peakGflops(m, reps + 2));
                    f.put("threads_100m", scope.threads());
                    f.put("peak_gflops_100m", bigPeak);
                    put(f, "_100m", big, bigPeak);
                    if (noTrain100m) {
                        f.put("train_100m_note", "skipped (--no-train-100m): prefill and decoding only");
                    }
                }
            }
        }
        f.put("load_average_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        output.print(spec.commandLine().getOut(), f, 36, "%.4g");
        return 0;
    }

    /** {@code --profile}: each training step's phases and top operators, the traces in the directory. */
    private int profile() throws Exception {
        threads.apply();
        Files.createDirectories(profile);
        Map<String, Object> f = new LinkedHashMap<>();
        LlamaConfig config = skip100m ? LlmBenchmark.demoModel() : LlmBenchmark.model100m();
        LlmBenchmark.Settings s = skip100m ? LlmBenchmark.Settings.demo(reps) : LlmBenchmark.Settings.large(reps, true);
        f.put("model", skip100m ? "demo" : "100m");
        f.put("load_average_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try (TorchThreads.Scope scope = TorchThreads.forModel(config); NDManager m = TensorDevice.newManager();
             DecoderWeights w = DecoderWeights.random(config, s.seed(), 0.02f, m)) {
            f.put("threads", scope.threads());
            for (boolean lora : new boolean[] {false, true}) {
                String kind = lora ? "lora" : "full";
                Path trace = profile.resolve("train-step-" + kind + ".trace.json");
                LlmBenchmark.StepProfile p = LlmBenchmark.profileTrainingStep(w, lora, s, trace, m);
                f.put(kind + "_tokens", p.tokens());
                f.put(kind + "_step_s", p.seconds());
                f.put(kind + "_zero_grad_s", p.zeroGradSeconds());
                f.put(kind + "_forward_backward_s", p.forwardBackwardSeconds());
                f.put(kind + "_clip_s", p.clipSeconds());
                f.put(kind + "_optimizer_s", p.optimizerSeconds());
                f.put(kind + "_profiled_step_s", p.profiledSeconds());
                putOperators(f, kind, p.operators(), 1);
                f.put(kind + "_trace", trace.toString());
            }
            Path trace = profile.resolve("prefill.trace.json");
            LlmBenchmark.PrefillProfile p = LlmBenchmark.profilePrefill(w, s, trace, m);
            f.put("prefill_tokens", p.tokens());
            f.put("prefill_s", p.seconds());
            f.put("prefill_profiled_s", p.profiledSeconds());
            putOperators(f, "prefill", p.operators(), 2);
            f.put("prefill_trace", trace.toString());
        }
        f.put("load_average_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        output.print(spec.commandLine().getOut(), f, 36, "%.4g");
        return 0;
    }

    /**
     * The engine's time and its operators by self time under {@code prefix}, divided by
     * {@code passes} (the profiled passes: per pass).
     */
    private static void putOperators(Map<String, Object> f, String prefix, OperatorProfile ops, int passes) {
        f.put(prefix + "_engine_s", ops.engineSeconds() / passes);
        f.put(prefix + "_operators_self_s", ops.selfSeconds() / passes);
        f.put(prefix + "_matmul_self_s", ops.selfSeconds(List.of("aten::mm", "aten::bmm", "aten::addmm")) / passes);
        List<OperatorProfile.Operator> list = ops.operators();
        for (int k = 0; k < Math.min(PROFILE_TOP, list.size()); k++) {
            OperatorProfile.Operator o = list.get(k);
            f.put(String.format(Locale.ROOT, "%s_op_%02d", prefix, k + 1), String.format(Locale.ROOT,
                    "%s %.3f s (%.1f %% of the operators' time, %d calls)", o.name(), o.selfSeconds() / passes,
                    100 * o.selfSeconds() / ops.selfSeconds(), o.calls() / passes));
        }
    }

    /** The figures of {@code --model}: its checkpoint's weights, or random ones when it has only a config.json. */
    private LlmBenchmark.Figures measureModel(Map<String, Object> f, NDManager m) throws Exception {
        boolean random = !Files.isRegularFile(model.resolve(SafetensorsReader.SINGLE_FILE))
                && !Files.isRegularFile(model.resolve(SafetensorsReader.INDEX_FILE));
        LlamaConfig config = LlamaConfig.load(model);
        LlmBenchmark.Settings s = LlmBenchmark.Settings.demo(reps).fitting(config.maxPositionEmbeddings(), random);
        f.put("weights", random ? "random" : "checkpoint");
        f.put("decode_prefix", s.prefix());
        if (random) {
            return LlmBenchmark.run(config, s, m);
        }
        try (NDManager sm = m.newSubManager(); DecoderWeights w = DecoderWeights.load(model, sm)) {
            return LlmBenchmark.run(w, s, sm);
        }
    }

    private static void put(Map<String, Object> f, String suffix, LlmBenchmark.Figures r, double peak) {
        f.put("parameters" + suffix, r.parameters());
        if (!Double.isNaN(r.trainTokensPerSecond())) {
            f.put("train_tokens_per_s" + suffix, r.trainTokensPerSecond());
            f.put("train_mfu" + suffix, r.trainMfu(peak));
            f.put("train_gflops" + suffix, r.trainMfu(peak) * peak);
        }
        if (!Double.isNaN(r.loraTrainTokensPerSecond())) {
            f.put("lora_train_tokens_per_s" + suffix, r.loraTrainTokensPerSecond());
            f.put("lora_train_mfu" + suffix, r.loraTrainMfu(peak));
            f.put("lora_train_gflops" + suffix, r.loraTrainMfu(peak) * peak);
        }
        f.put("prefill_tokens_per_s" + suffix, r.prefillTokensPerSecond());
        f.put("prefill_mfu" + suffix, r.prefillMfu(peak));
        f.put("prefill_gflops" + suffix, r.prefillGflops());
        f.put("decode_full_recompute_tokens_per_s" + suffix, 1 / r.decodeFullSecondsPerToken());
        f.put("decode_cached_tokens_per_s" + suffix, 1 / r.decodeCachedSecondsPerToken());
        f.put("decode_speedup_256" + suffix, r.decodeSpeedup());
        f.put("yesno_prompts_per_s" + suffix, r.yesNoPromptsPerSecond());
        f.put("prefill_prompts_per_s" + suffix, r.prefillPromptsPerSecond());
        f.put("yesno_vs_prefill" + suffix, r.yesNoVsPrefill());
    }
}

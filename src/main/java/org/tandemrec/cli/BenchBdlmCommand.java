package org.tandemrec.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tandemrec.bench.BdlmBenchmark;
import org.tandemrec.llm.decoder.TorchThreads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code tandem bench bdlm}: BDLM's figures ({@link BdlmBenchmark}). The SFT step of the demo
 * model with 1k and with 100k ID tokens, LoRA + ID rows and full fine-tuning, each as the library
 * takes it and as it took it before (logits at every position, dense ID rows); keys name the table
 * sizes, {@code *_s_*} are mean step times, {@code *_ratio_*} the large table's mean over the
 * small one's ({@code *_median_ratio_*} of the medians).
 */
@Command(name = "bdlm", mixinStandardHelpOptions = true,
        description = "Time BDLM's SFT step with 1k and with 100k ID tokens (LoRA + ID rows, full fine-tuning; now and "
                + "with full logits and dense ID rows); a few minutes.")
public final class BenchBdlmCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    JsonOutput output;

    @Mixin
    TorchThreadsOption threads;

    @Option(names = "--steps", defaultValue = "8", description = "Timed steps per table size, after 2 warm-up steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--before-steps", defaultValue = "2",
            description = "Timed steps per table size of the steps as before, after 1 warm-up step (default ${DEFAULT-VALUE}).")
    int beforeSteps;

    @Option(names = "--no-before", description = "Skip the steps as taken before (full logits, dense ID rows): the slow part.")
    boolean noBefore;

    @Option(names = "--quick", description = "A tiny model and small tables, to check that it runs (keys then name those sizes).")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        if (steps <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be > 0, got " + steps);
        }
        if (beforeSteps <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--before-steps must be > 0, got " + beforeSteps);
        }
        threads.apply();
        BdlmBenchmark.Settings s = quick ? BdlmBenchmark.Settings.quick(steps) : BdlmBenchmark.Settings.demo(steps, beforeSteps);
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("threads", TorchThreads.get());
        f.put("load_average_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        f.put("hidden", s.model().hiddenSize());
        f.put("layers", s.model().numLayers());
        f.put("base_vocab", s.model().vocabSize());
        f.put("micro_batch", s.batch());
        f.put("prompt_tokens", s.promptTokens());
        f.put("id_tokens_per_prompt", s.idsPerPrompt());
        f.put("id_tokens_small", s.smallIds());
        f.put("id_tokens_large", s.largeIds());
        f.put("timed_steps", s.steps());
        f.put("timed_steps_before", noBefore ? 0 : s.beforeSteps());
        String small = size(s.smallIds());
        String large = size(s.largeIds());
        try (NDManager m = NDManager.newBaseManager()) {
            for (BdlmBenchmark.Mode mode : BdlmBenchmark.Mode.values()) {
                boolean before = mode == BdlmBenchmark.Mode.LORA_BEFORE || mode == BdlmBenchmark.Mode.FULL_BEFORE;
                if (before && noBefore) {
                    continue;
                }
                String key = mode.name().toLowerCase(Locale.ROOT) + "_step";
                err.println("bench bdlm: " + key + " ..."); // progress: the steps as before take minutes
                err.flush();
                BdlmBenchmark.StepTimes t = BdlmBenchmark.sftStep(mode, s, m);
                f.put(key + "_s_" + small, t.smallSeconds());
                f.put(key + "_s_" + large, t.largeSeconds());
                f.put(key + "_ratio_" + large + "_" + small, t.ratio());
                f.put(key + "_median_ratio_" + large + "_" + small, t.medianRatio());
            }
        }
        for (String mode : new String[] {"lora", "full"}) {
            if (f.get(mode + "_before_step_s_" + large) instanceof Double was && f.get(mode + "_step_s_" + large) instanceof Double now) {
                f.put(mode + "_speedup_" + large, was / now);
            }
        }
        f.put("load_average_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        output.print(spec.commandLine().getOut(), f, 36, "%.4g");
        return 0;
    }

    /** 1000 → "1k", 100000 → "100k", 500 → "500". */
    static String size(int n) {
        return n % 1000 == 0 ? n / 1000 + "k" : Integer.toString(n);
    }
}

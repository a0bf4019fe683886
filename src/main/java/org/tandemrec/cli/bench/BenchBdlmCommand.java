package org.tandemrec.cli.bench;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tandemrec.base.TensorDevice;
import org.tandemrec.bench.BdlmBenchmark;
import org.tandemrec.cli.JsonOutput;
import org.tandemrec.cli.TorchThreadsOption;
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
 * small one's ({@code *_median_ratio_*} of the medians). Then the LLM features of one user's 20
 * candidate prompts as BDLM-drs and GPT4SM read them, the shared history prefix computed once
 * against every prompt whole ({@code drs_prefix_speedup}; {@code drs_prefix_token_ratio} is its
 * bound in tokens).
 */
@Command(name = "bdlm", mixinStandardHelpOptions = true,
        description = "Time BDLM's SFT step with 1k and with 100k ID tokens (LoRA + ID rows, full fine-tuning; now and "
                + "with full logits and dense ID rows), and the drs features of 20 candidates with a shared prompt prefix "
                + "against whole prompts; a few minutes.")
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

    @Option(names = "--prefix-users", defaultValue = "6",
            description = "Users whose candidates' features are timed, shared prefix against whole prompts (default ${DEFAULT-VALUE}).")
    int prefixUsers;

    @Option(names = "--quick", description = "A tiny model and small tables, to check that it runs (keys then name those sizes).")
    boolean quick;

    private static final int CANDIDATES = 20;

    @Override
    public Integer call() throws Exception {
        if (steps <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be > 0, got " + steps);
        }
        if (prefixUsers <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--prefix-users must be > 0, got " + prefixUsers);
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
        try (NDManager m = TensorDevice.newManager()) {
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
        // BDLM-drs and GPT4SM read the LLM's feature of every (user, candidate) prompt of a top-K list.
        int prefix = quick ? 24 : 200;
        int suffix = quick ? 6 : 16;
        err.println("bench bdlm: drs features of " + CANDIDATES + " candidates ...");
        err.flush();
        try (NDManager m = TensorDevice.newManager()) {
            BdlmBenchmark.PrefixTimes p = BdlmBenchmark.prefixScoring(s.model(), prefix, suffix, CANDIDATES, prefixUsers, 1, m);
            f.put("drs_prefix_tokens", prefix);
            f.put("drs_suffix_tokens", suffix);
            f.put("drs_candidates", CANDIDATES);
            f.put("drs_features_shared_s", p.sharedSeconds());
            f.put("drs_features_whole_s", p.wholeSeconds());
            f.put("drs_prefix_speedup", p.speedup());
            f.put("drs_prefix_token_ratio", p.tokenRatio());
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

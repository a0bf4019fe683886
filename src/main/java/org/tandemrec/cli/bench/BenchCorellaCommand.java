package org.tandemrec.cli.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tandemrec.bench.CorellaBenchmark;
import org.tandemrec.bench.LlmBenchmark;
import org.tandemrec.cli.JsonOutput;
import org.tandemrec.cli.TorchThreadsOption;
import org.tandemrec.llm.decoder.TorchThreads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code tandem bench corella}: stage 2's joint step against the LoRA step alone, and the cascade against LLM-only scoring. */
@Command(name = "corella", mixinStandardHelpOptions = true,
        description = "Time CoReLLa's joint step (LLM + DCNv2 + alignment) against the LLM's LoRA step alone on the same "
                + "batch, and the cascade's scoring at a routing budget against scoring every request with the LLM.")
public final class BenchCorellaCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    JsonOutput output;

    @Mixin
    TorchThreadsOption threads;

    @Option(names = "--quick", description = "small sizes for a fast check (the figures keep their meaning only without it)")
    boolean quick;

    @Option(names = "--budget", paramLabel = "F", description = "share of requests the cascade routes to the LLM (default: 0.2)")
    Double budget;

    @Override
    public Integer call() throws Exception {
        threads.apply();
        CorellaBenchmark.Settings s = quick ? CorellaBenchmark.Settings.quick() : CorellaBenchmark.Settings.full();
        if (budget != null) {
            s = new CorellaBenchmark.Settings(s.batch(), s.promptTokens(), s.steps(), s.requests(), budget, s.users(),
                    s.items(), s.seed());
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("sizes", quick ? "quick" : "full");
        f.put("threads", TorchThreads.get());
        f.put("load_average_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        f.put("batch", s.batch());
        f.put("prompt_tokens", s.promptTokens());
        CorellaBenchmark.Figures r = CorellaBenchmark.run(LlmBenchmark.demoModel(), s);
        f.put("lora_step_s", r.loraStepSeconds());
        f.put("joint_step_s", r.jointStepSeconds());
        f.put("joint_over_lora", r.jointOverLora());
        f.put("requests", s.requests());
        f.put("budget", s.budget());
        f.put("llm_calls_per_1000", r.llmCallsPer1000());
        f.put("llm_only_s", r.llmOnlySeconds());
        f.put("cascade_s", r.cascadeSeconds());
        f.put("cascade_speedup", r.cascadeSpeedup());
        f.put("load_average_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        output.print(spec.commandLine().getOut(), f, 24, "%.4g");
        return 0;
    }
}

package org.tandemrec.cli.bench;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.tandemrec.bench.CrmBenchmark;
import org.tandemrec.cli.JsonOutput;
import org.tandemrec.crm.cf.NcfConfig;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.llm.decoder.TorchThreads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code tandem bench crm}: training throughput of the conventional models, each timed warm
 * after its setup (see {@link CrmBenchmark}), against the machine's matrix-multiply peak
 * measured in the same run. The peak is measured on every core ({@code peak_gflops}) and at
 * the models' {@code --threads} PyTorch intra-op threads ({@code peak_gflops_torch_threads});
 * a utilisation divides by the latter, the peak at the threads the model ran with. Small
 * tensors are faster with one thread; LightGCN's Java kernels run on every core.
 */
@Command(name = "crm", mixinStandardHelpOptions = true,
        description = "Time DCNv2, AutoInt, xDeepFM, FiBiNET, LightGCN, lazy Adam, MF, NeuMF and SASRec training, "
                + "each warm after its setup; peak heap on 1M interactions; "
                + "GFLOP/s against the matmul peak measured at the same thread count.")
public final class BenchCrmCommand implements Callable<Integer> {
    static final String HEAP_MODEL = "lightgcn exact, 64 dim, 3 layers, one epoch";
    static final String LIGHTGCN_TIMING = "seconds per step after the first step x steps per epoch (runs cut "
            + (int) CrmBenchmark.LIGHTGCN_BUDGET_SECONDS + " s after their first step)";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    JsonOutput output;

    @Option(names = "--quick", description = "small sizes for a fast check (the figures' names keep their full-size meaning only without it)")
    boolean quick;

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch intra-op threads for the models (default: ${DEFAULT-VALUE})")
    int threads = 1;

    @Override
    public Integer call() throws Exception {
        if (threads <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be > 0, got " + threads);
        }
        CrmBenchmark.Sizes s = quick ? CrmBenchmark.Sizes.quick() : CrmBenchmark.Sizes.full();
        int cores = Runtime.getRuntime().availableProcessors();
        int before = TorchThreads.get();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> f = new LinkedHashMap<>() {
            @Override
            public Object put(String key, Object value) {
                err.println("bench crm: " + key + " = " + value); // progress: a full run takes minutes
                err.flush();
                return super.put(key, value);
            }
        };
        f.put("sizes", quick ? "quick" : "full");
        f.put("cores", cores);
        f.put("torch_threads", threads);
        try {
            TorchThreads.set(cores);
            double peak = CrmBenchmark.matmulPeakGflops(s);
            f.put("peak_gflops", peak);
            TorchThreads.set(threads);
            // A utilisation compares like with like: the peak at the threads the models run with.
            double peakAtThreads = threads == cores ? peak : CrmBenchmark.matmulPeakGflops(s);
            f.put("peak_gflops_torch_threads", peakAtThreads);
            CrmBenchmark.DcnFigures dcn = CrmBenchmark.dcnV2(s);
            f.put("dcnv2_train_samples_per_s", dcn.samplesPerSecond());
            f.put("dcnv2_gflops", dcn.gflops());
            f.put("dcnv2_mfu", dcn.gflops() / peakAtThreads);
            for (String model : new String[] {"autoint", "xdeepfm", "fibinet"}) {
                f.put(model + "_train_samples_per_s", CrmBenchmark.clickModelSamplesPerSecond(model, s));
            }
            InteractionTable table = CrmBenchmark.randomInteractions(s.users(), s.items(), s.interactions(), 2);
            f.put("lightgcn_propagation_1m_s", CrmBenchmark.lightGcnPropagationSeconds(table, s, cores));
            // The batch `tandem train crm --model lightgcn` would use on this many interactions.
            int batch = CrmBenchmark.lightGcnDefaultBatch(table);
            CrmBenchmark.HeapFigures exact = CrmBenchmark.lightGcnEpoch(table, 1, batch, cores);
            f.put("lightgcn_epoch_1m_s", exact.seconds());
            f.put("lightgcn_epoch_1m_refresh4_s", CrmBenchmark.lightGcnEpoch(table, 4, batch, cores).seconds());
            f.put("lightgcn_epoch_1m_batch16384_s", batch == 16384 ? exact.seconds()
                    : CrmBenchmark.lightGcnEpoch(table, 1, 16384, cores).seconds());
            // The PyTorch peer's batch (peer_bench.py), for a side-by-side figure.
            f.put("lightgcn_epoch_1m_batch4096_s", batch == 4096 ? exact.seconds()
                    : CrmBenchmark.lightGcnEpoch(table, 1, 4096, cores).seconds());
            f.put("lightgcn_batch", batch);
            f.put("lightgcn_epoch_timing", LIGHTGCN_TIMING);
            f.put("peak_heap_1m_mb", exact.peakHeapMb());
            f.put("peak_heap_1m_model", HEAP_MODEL);
            f.put("lazy_adam_2m_step_ms", CrmBenchmark.lazyAdamStepMs(s, false));
            f.put("lazy_adam_2m_fresh_rows_step_ms", CrmBenchmark.lazyAdamStepMs(s, true));
            f.put("lazy_adam_rows", s.adamBatch());
            f.put("mf_bpr_samples_per_s", CrmBenchmark.mfBprSamplesPerSecond(table, s));
            InteractionTable ncf = CrmBenchmark.randomInteractions(s.users(), s.items(), s.ncfInteractions(), 3);
            f.put("neumf_samples_per_s", CrmBenchmark.neuMfPairsPerSecond(ncf, s));
            NcfConfig neuMf = CrmBenchmark.neuMfConfig();
            f.put("neumf_gmf_dim", neuMf.gmfDim());
            f.put("neumf_mlp_layers", neuMf.mlpLayers().stream().map(String::valueOf).collect(Collectors.joining("-")));
            double seqs = CrmBenchmark.sasRecSequencesPerSecond(s);
            f.put("sasrec_sequences_per_s", seqs);
            f.put("sasrec_tokens_per_s", seqs * 50);
        } finally {
            TorchThreads.set(before);
        }
        output.print(spec.commandLine().getOut(), f, 32, "%.4g");
        return 0;
    }
}

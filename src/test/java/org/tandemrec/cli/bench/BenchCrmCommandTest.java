package org.tandemrec.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.tandemrec.cli.Main;
import org.tandemrec.crm.CrmSpec;
import org.tandemrec.crm.cf.NcfConfig;
import picocli.CommandLine;

/** Runs the benchmark at its quick sizes; checks the figures are present and sane, never how fast they are. */
class BenchCrmCommandTest {
    static final String[] KEYS = {"peak_gflops", "dcnv2_train_samples_per_s", "dcnv2_gflops", "dcnv2_mfu",
        "autoint_train_samples_per_s", "xdeepfm_train_samples_per_s", "fibinet_train_samples_per_s",
        "lightgcn_propagation_1m_s", "lightgcn_epoch_1m_s", "lightgcn_epoch_1m_refresh4_s",
        "lightgcn_epoch_1m_batch16384_s", "lightgcn_epoch_1m_batch4096_s", "lazy_adam_2m_step_ms", "lazy_adam_2m_fresh_rows_step_ms", "lazy_adam_rows",
        "peak_gflops_torch_threads", "neumf_gmf_dim",
        "peak_heap_1m_mb", "mf_bpr_samples_per_s", "neumf_samples_per_s", "sasrec_sequences_per_s",
        "sasrec_tokens_per_s"};

    @Test
    void quickJsonHasEveryFigure() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute("bench", "crm", "--quick", "--json"), err.toString());
        JsonNode j = new ObjectMapper().readTree(out.toString());
        for (String k : KEYS) {
            assertTrue(j.hasNonNull(k) && j.get(k).isNumber(), k + " missing in " + j);
            double v = j.get(k).asDouble();
            assertTrue(Double.isFinite(v) && v > 0, k + " = " + v);
        }
        assertEquals(BenchCrmCommand.HEAP_MODEL, j.get("peak_heap_1m_model").asText());
        // The utilisation divides by the peak at the models' thread count, not the all-core one.
        assertEquals(j.get("dcnv2_gflops").asDouble() / j.get("peak_gflops_torch_threads").asDouble(),
                j.get("dcnv2_mfu").asDouble(), 1e-9);
        // The NeuMF labels are those of the configuration that ran: the defaults of train crm.
        NcfConfig neuMf = NcfConfig.neuMf(CrmSpec.defaults("neumf").dim());
        assertEquals(neuMf.gmfDim(), j.get("neumf_gmf_dim").asInt());
        assertEquals(neuMf.mlpLayers().get(0) + "-" + neuMf.mlpLayers().get(1) + "-" + neuMf.mlpLayers().get(2),
                j.get("neumf_mlp_layers").asText());
        assertEquals(512, j.get("lazy_adam_rows").asInt());
        assertEquals(BenchCrmCommand.LIGHTGCN_TIMING, j.get("lightgcn_epoch_timing").asText());
        assertEquals("quick", j.get("sizes").asText());
    }

    @Test
    void zeroThreadsIsAUsageError() {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(new StringWriter(), true));
        assertEquals(2, cl.execute("bench", "crm", "--threads", "0"));
    }
}

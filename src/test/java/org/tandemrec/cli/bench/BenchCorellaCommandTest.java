package org.tandemrec.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.tandemrec.cli.Main;
import picocli.CommandLine;

/** Runs the benchmark at its quick sizes; checks the figures are present and consistent, never how fast they are. */
class BenchCorellaCommandTest {
    @Test
    void quickJsonHasEveryFigure() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute("bench", "corella", "--quick", "--json"), err.toString());
        JsonNode j = new ObjectMapper().readTree(out.toString());
        for (String k : new String[] {"lora_step_s", "joint_step_s", "joint_over_lora", "llm_only_s", "cascade_s",
            "cascade_speedup"}) {
            assertTrue(j.hasNonNull(k) && j.get(k).asDouble() > 0, k + " in " + j);
        }
        // 24 requests at budget 0.25: the cascade sends the 6 least confident to the LLM, never more.
        assertEquals(250.0, j.get("llm_calls_per_1000").asDouble(), 1e-9);
        assertEquals(j.get("joint_step_s").asDouble() / j.get("lora_step_s").asDouble(), j.get("joint_over_lora").asDouble(),
                1e-9);
    }
}

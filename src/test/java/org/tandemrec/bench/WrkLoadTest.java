package org.tandemrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WrkLoadTest {
    /** wrk 4.1's report with --latency, as it prints it (the figures are made up). */
    private static final String REPORT = """
            Running 15s test @ http://127.0.0.1:18081/
              1 threads and 32 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.53ms    1.02ms  30.12ms   92.10%
                Req/Sec    21.93k     1.50k   24.01k    70.00%
              Latency Distribution
                 50%  850.00us
                 75%    1.50ms
                 90%    2.10ms
                 99%    3.16ms
              327421 requests in 15.01s, 98.32MB read
              Non-2xx or 3xx responses: 3
              Socket errors: connect 0, read 1, write 0, timeout 2
            Requests/sec:  21808.75
            Transfer/sec:      6.55MB
            """;

    @Test
    void readsRateQuantilesAndFailures() {
        WrkLoad.Result r = WrkLoad.parse(REPORT);
        assertEquals(327421, r.requests());
        assertEquals(21808.75, r.requestsPerSecond(), 1e-9);
        assertEquals(0.85, r.p50Ms(), 1e-12, "microseconds become milliseconds");
        assertEquals(3.16, r.p99Ms(), 1e-12);
        assertEquals(3 + 1 + 2, r.errors(), "non-2xx responses and socket errors");
        assertThrows(IllegalArgumentException.class, () -> WrkLoad.parse("unable to connect to 127.0.0.1:1"));
    }

    @Test
    void theScriptSendsOneItemCrmScoresOfServedIds() {
        String lua = WrkLoad.script(List.of("u1", "u\"2"), List.of("i1"), 3);
        assertTrue(lua.contains("'{\"user\":\"u1\",\"items\":[\"i1\"],\"mode\":\"crm\"}'"), lua);
        // a quote inside an id is escaped for JSON (\\u0022 in the Lua source is \u0022 in the body)
        assertTrue(lua.contains("\"u\\\\u00222\""), lua);
        assertEquals(1000, lua.lines().filter(l -> l.startsWith("  '{")).count());
        assertEquals(lua, WrkLoad.script(List.of("u1", "u\"2"), List.of("i1"), 3), "seeded");
    }
}

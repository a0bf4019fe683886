package org.tandemrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tandemrec.collab.corella.TinyCorellaRun;
import org.tandemrec.serve.ServeSettings;

/** The loopback load test runs both phases within its bounds, without errors, on a tiny run. */
class ServeBenchmarkTest {
    @Test
    void drivesBothPathsWithinTheirBounds() throws Exception {
        ServeBenchmark.Phase[] p = ServeBenchmark.run(TinyCorellaRun.shared(), ServeSettings.defaults(),
                new ServeBenchmark.Settings(60, 20, 30, 3, 5));
        assertEquals(60, p[0].requests());
        assertEquals(20, p[1].requests());
        for (ServeBenchmark.Phase x : p) {
            assertEquals(0, x.errors());
            assertTrue(x.requestsPerSecond() > 0 && x.p50Ms() > 0 && x.p50Ms() <= x.p99Ms(), x.toString());
            // Serving a request takes some CPU, and less than a second of it.
            assertTrue(x.cpuMicrosPerRequest() > 0 && x.cpuMicrosPerRequest() < 1e6, x.toString());
        }
        assertEquals(0, p[0].llmShare());
        assertTrue(p[1].llmShare() >= 0 && p[1].llmShare() <= 1);
    }
}

package org.tandemrec.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tandemrec.cli.CliRun;

/** {@code tandem bench serve}: its options (the load test itself is ServeBenchmarkTest's). */
class BenchServeCommandTest {
    @Test
    void anUnknownClientIsAUsageError() {
        CliRun r = CliRun.of("bench", "serve", "--client", "curl");
        assertEquals(2, r.code(), r.err());
        assertEquals("tandem: --client must be auto, java or wrk, got 'curl'\n", r.err().replace("\r", ""));
    }
}

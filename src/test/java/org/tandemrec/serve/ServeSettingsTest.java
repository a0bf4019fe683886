package org.tandemrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's settings file: keys applied over the defaults, and bad ones refused naming file and key. */
class ServeSettingsTest {
    @TempDir
    Path tmp;

    @Test
    void readsKeysAndRefusesBadOnes() throws Exception {
        Path f = tmp.resolve("serve.yaml");
        Files.writeString(f, "max_batch: 4\nmax_wait_ms: 2\nmax_llm_share: 0.25\n");
        ServeSettings s = ServeSettings.load(f);
        assertEquals(4, s.maxBatch());
        assertEquals(2, s.maxWaitMs());
        assertEquals(0.25, s.maxLlmShare());
        assertEquals(ServeSettings.defaults().maxInFlight(), s.maxInFlight());

        Files.writeString(f, "max_batchh: 4\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServeSettings.load(f));
        assertTrue(e.getMessage().startsWith(f + ": unknown setting 'max_batchh'"), e.getMessage());
        Files.writeString(f, "max_batch: 0\n");
        e = assertThrows(IllegalArgumentException.class, () -> ServeSettings.load(f));
        assertEquals(f + ": max_batch must be > 0, got 0", e.getMessage());
        Files.writeString(f, "max_in_flight: 100\nthreads: 50\n");
        e = assertThrows(IllegalArgumentException.class, () -> ServeSettings.load(f));
        assertTrue(e.getMessage().contains("threads must be >= max_in_flight + 8 = 108"), e.getMessage());
        Files.writeString(f, "max_llm_share: 2\n");
        e = assertThrows(IllegalArgumentException.class, () -> ServeSettings.load(f));
        assertTrue(e.getMessage().contains("max_llm_share must be in [0, 1]"), e.getMessage());
    }
}

package org.tandemrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.DataFormatException;

class OperatorProfileTest {
    private static String event(String name, int tid, double ts, double dur) {
        return String.format(java.util.Locale.ROOT, "{\"name\": \"%s\", \"ph\": \"X\", \"ts\": %.1f, \"dur\": %.1f, "
                + "\"tid\": %d, \"pid\": \"CPU Functions\"}", name, ts, dur, tid);
    }

    @Test
    void selfTimesSubtractDirectChildrenPerThread(@TempDir Path tmp) throws Exception {
        // Thread 1: linear [0, 100) calls matmul [10, 90) which calls mm [20, 80); then mm [100, 130).
        // Thread 2 (the backward's): mm [5, 45) and a metadata event that is not a complete one.
        String trace = "[" + String.join(",\n", event("aten::linear", 1, 0, 100), event("aten::matmul", 1, 10, 80),
                event("aten::mm", 1, 20, 60), event("aten::mm", 1, 100, 30), event("aten::mm", 2, 5, 40),
                "{\"name\": \"thread_name\", \"ph\": \"M\", \"tid\": 2}") + "]";
        Path f = Files.writeString(tmp.resolve("trace.json"), trace);
        OperatorProfile p = OperatorProfile.read(f);
        assertEquals(List.of("aten::mm", "aten::linear", "aten::matmul"), p.operators().stream()
                .map(OperatorProfile.Operator::name).toList());
        OperatorProfile.Operator mm = p.operators().get(0);
        assertEquals(3, mm.calls());
        assertEquals((60 + 30 + 40) / 1e6, mm.selfSeconds(), 1e-12);
        assertEquals(20 / 1e6, p.operators().get(1).selfSeconds(), 1e-12, "linear: 100 less matmul's 80");
        assertEquals(20 / 1e6, p.operators().get(2).selfSeconds(), 1e-12, "matmul: 80 less mm's 60");
        assertEquals(130 / 1e6, p.engineSeconds(), 1e-12, "[0, 100) and [100, 130) on one thread cover thread 2's [5, 45)");
        assertEquals((60 + 30 + 40 + 20 + 20) / 1e6, p.selfSeconds(), 1e-12);
        assertEquals(130 / 1e6, p.selfSeconds(List.of("aten::mm", "aten::bmm")), 1e-12);
    }

    @Test
    void aFileThatIsNotATraceIsOneLine(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("t.json"), "{\"a\": 1}");
        DataFormatException e = assertThrows(DataFormatException.class, () -> OperatorProfile.read(f));
        assertTrue(e.getMessage().startsWith(f + ": no trace events"), e.getMessage());
    }
}

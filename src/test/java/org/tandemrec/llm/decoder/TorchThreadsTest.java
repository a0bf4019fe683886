package org.tandemrec.llm.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class TorchThreadsTest {
    private static LlamaConfig hidden(int h) {
        return new LlamaConfig("llama", h, 4 * h, 2, 4, 2, h / 4, 1e-5, RopeScaling.plain(10000), false, true, 300, 1, 2,
                3, 512);
    }

    @Test
    void aModelOfHiddenSize256TakesEveryCoreUntilClosedUnlessTheUserChose() {
        assumeTrue(System.getenv(TorchThreads.ENV) == null || System.getenv(TorchThreads.ENV).isBlank(),
                TorchThreads.ENV + " is set: the user's count wins");
        int before = TorchThreads.get();
        int cores = Runtime.getRuntime().availableProcessors();
        TorchThreads.forgetChoice();
        try {
            try (TorchThreads.Scope s = TorchThreads.forModel(hidden(256))) {
                assertEquals(cores, s.threads());
                assertEquals(cores, TorchThreads.get());
            }
            assertEquals(before, TorchThreads.get(), "closing restores the count it found");
            try (TorchThreads.Scope s = TorchThreads.forModel(hidden(64))) {
                assertEquals(before, s.threads(), "a small model keeps the engine's count");
            }
            TorchThreads.choose(1);
            try (TorchThreads.Scope s = TorchThreads.forModel(hidden(256))) {
                assertEquals(1, s.threads(), "--threads wins");
            }
        } finally {
            TorchThreads.forgetChoice();
            TorchThreads.set(before);
        }
    }
}

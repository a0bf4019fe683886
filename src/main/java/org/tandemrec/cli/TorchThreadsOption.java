package org.tandemrec.cli;

import org.tandemrec.base.UsageException;
import org.tandemrec.llm.decoder.TorchThreads;
import picocli.CommandLine.Option;

/** {@code --threads}: the PyTorch intra-op thread count of the process, left to the engine unless given. */
public final class TorchThreadsOption {
    @Option(names = "--threads", description = "PyTorch intra-op threads (default: every core for a model of hidden "
            + "size 256 or more, else the engine's).")
    public Integer threads;

    /** Sets the engine's thread count when the option was given (it must be > 0). */
    public void apply() {
        if (threads != null) {
            if (threads <= 0) {
                throw new UsageException("--threads must be > 0, got " + threads);
            }
            TorchThreads.choose(threads);
        }
    }
}

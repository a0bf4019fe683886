package org.tandemrec.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out}, {@code --config} and {@code --resume} of a training run: where it goes, its settings, resuming. */
final class RunOptions {
    @Option(names = "--out", required = true, paramLabel = "RUNDIR", description = "run directory")
    Path out;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML/JSON settings overriding the defaults (see README)")
    Path config;

    @Option(names = "--resume", description = "continue from RUNDIR/checkpoint.bin when present")
    boolean resume;
}

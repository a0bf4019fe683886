package org.tandemrec.cli.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code tandem bench}: performance figures of the library; a subcommand is required. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure performance figures.",
        subcommands = {BenchDataCommand.class, BenchCrmCommand.class, BenchLlmCommand.class, BenchBdlmCommand.class,
            BenchCorellaCommand.class, BenchServeCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a bench subcommand is required");
    }
}

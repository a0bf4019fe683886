package org.tandemrec.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tandem data}: commands over data sets; a subcommand is required. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Inspect and prepare data sets.",
        subcommands = {DataStatsCommand.class, DataSynthCommand.class})
public final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a data subcommand is required");
    }
}

package org.tandemrec.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tandem train}: train a model from a split directory into a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train models from a split directory.",
        subcommands = {TrainCrmCommand.class})
public final class TrainCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a train subcommand is required");
    }
}

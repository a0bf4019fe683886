/**
 * The {@code tandem} command line (picocli), a thin layer over the library: {@link
 * org.tandemrec.cli.Main} is the root, one class per command ({@code *Command}; {@code data},
 * {@code train} and {@code llm} group their subcommands; {@code bench}'s are in {@link
 * org.tandemrec.cli.bench}), and the options several
 * commands share are declared once as mixins ({@link org.tandemrec.cli.DataSourceOptions}, {@link
 * org.tandemrec.cli.FilterAndLabelOptions}, {@link org.tandemrec.cli.RunOptions}, {@link
 * org.tandemrec.cli.SyntheticWorldOptions}, {@link org.tandemrec.cli.TorchThreadsOption}, {@link
 * org.tandemrec.cli.JsonOutput}). A command validates its options, calls the library and prints
 * its result. A failure is one line and an exit code ({@link org.tandemrec.cli.Failure}: 2 usage
 * error, 1 bad data or files, 3 internal fault; {@code --debug} adds the stack trace). {@link
 * org.tandemrec.cli.RunFiles} writes and reads a training run directory. {@code tandem run} reads
 * an experiment file ({@link org.tandemrec.cli.ExperimentFile} → {@link org.tandemrec.cli.Experiment})
 * and runs it ({@link org.tandemrec.cli.ExperimentRun}, {@link org.tandemrec.cli.RunManifest})
 * through the stages it shares with the demo ({@link org.tandemrec.cli.PipelineStages}).
 */
package org.tandemrec.cli;

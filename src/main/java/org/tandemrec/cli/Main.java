package org.tandemrec.cli;

import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.tandemrec.base.UnusableFileException;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.safetensors.SafetensorsFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tandem} command line: each subcommand is a thin layer over the library. Usage
 * errors exit with code 2 and a one-line message.
 */
@Command(name = "tandem", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Conventional recommenders and LLMs working together.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, DataCommand.class, SplitCommand.class,
            TrainCommand.class, EvalCommand.class, ReportCommand.class, RunCommand.class, LlmCommand.class,
            BdlmCommand.class, CorellaCommand.class, ServeCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (0 ok, 1 failure or bad data, 2 usage error). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof DataFormatException || ex instanceof SafetensorsFormatException
                    || ex instanceof FileNotFoundException || ex instanceof UnusableFileException) {
                // Bad data or files, not a bad command line: the message names the file and the problem.
                cmd.getErr().println("tandem: " + ex.getMessage());
                return 1;
            }
            if (ex instanceof NoSuchFileException e) {
                cmd.getErr().println("tandem: " + e.getFile() + ": no such file or directory");
                return 1;
            }
            if (ex instanceof AccessDeniedException e) {
                cmd.getErr().println("tandem: " + e.getFile() + ": permission denied");
                return 1;
            }
            if (ex instanceof IllegalArgumentException || ex instanceof CommandLine.ParameterException) {
                cmd.getErr().println("tandem: " + ex.getMessage());
                return 2;
            }
            cmd.getErr().println("tandem: " + ex);
            if (System.getenv("TANDEM_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }

    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("tandem: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
        return 2;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Version from the jar manifest, "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"tandem " + (v == null ? "dev" : v)};
        }
    }
}

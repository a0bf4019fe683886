package org.tandemrec.cli;

import java.io.PrintWriter;
import java.util.List;
import org.tandemrec.cli.bench.BenchCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/**
 * The {@code tandem} command line: each subcommand is a thin layer over the library. A failure
 * prints one line and exits with code 2 (usage error), 1 (bad data or files) or 3 (internal
 * fault); {@code --debug} or {@code TANDEM_DEBUG=1} adds the stack trace.
 */
@Command(name = "tandem", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Conventional recommenders and LLMs working together.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, DataCommand.class, SplitCommand.class,
            TrainCommand.class, EvalCommand.class, ReportCommand.class, RunCommand.class, LlmCommand.class,
            BdlmCommand.class, CorellaCommand.class, ServeCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // Read from the parse result by the exception handlers; inherited so it may follow any subcommand.
    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "After an error's one-line message, print its stack trace (as TANDEM_DEBUG=1 does).")
    boolean debug;

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (OutOfMemoryError e) {
            // Errors pass picocli's handler; the heap is a resource of this machine, not a fault of Tandem.
            System.err.println("tandem: out of memory (" + (e.getMessage() == null ? "Java heap" : e.getMessage())
                    + "): give the JVM more with TANDEM_JAVA_OPTS=-Xmx<size> (default -Xmx8g), or use smaller settings");
            if (debugAsked(args)) {
                e.printStackTrace();
            }
            code = Failure.DATA;
        }
        System.exit(code);
    }

    /** Runs the command line and returns its exit code (0 ok, 1 bad data or files, 2 usage error, 3 internal fault). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> report(ex, cmd.getErr(), debug(parseResult)));
        return cl;
    }

    /**
     * Prints {@code ex} as one line (a report of several problems, as an experiment file's, as one
     * line each), and its stack trace after it when debugging; returns the exit code: 2 usage, 1
     * bad data or files, 3 internal fault (see {@link Failure}).
     */
    static int report(Exception ex, PrintWriter err, boolean debug) {
        Failure f = Failure.of(ex);
        for (String line : f.message().split("\n")) {
            err.println("tandem: " + line);
        }
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return f.code();
    }

    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("tandem: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
        if (debugAsked(args)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return Failure.USAGE;
    }

    /** Whether {@code --debug} was given to any command on the line, or {@code TANDEM_DEBUG} is set. */
    private static boolean debug(CommandLine.ParseResult parsed) {
        if (debugEnv()) {
            return true;
        }
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether stack traces were asked for where the command line may not have been parsed:
     * {@code --debug} anywhere on it, or {@code TANDEM_DEBUG}.
     */
    private static boolean debugAsked(String[] args) {
        return debugEnv() || List.of(args).contains("--debug");
    }

    private static boolean debugEnv() {
        return debugValue(System.getenv("TANDEM_DEBUG"));
    }

    /** Whether a value of {@code TANDEM_DEBUG} asks for stack traces: set, and neither empty nor 0. */
    static boolean debugValue(String v) {
        return v != null && !v.isBlank() && !v.strip().equals("0");
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

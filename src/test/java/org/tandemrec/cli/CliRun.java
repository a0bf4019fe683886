package org.tandemrec.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** One command-line run in a test: its exit code and what it printed to stdout and stderr. */
public record CliRun(int code, String out, String err) {
    public static CliRun of(String... args) {
        return run(Main.commandLine(), args);
    }

    /**
     * A synthetic world of {@code users}, {@code items} and {@code interactions} in {@code dir}/world
     * and its global time split (CTR, rating >= 4 a click) in {@code dir}/time, which is returned.
     */
    public static Path syntheticTimeSplit(Path dir, int users, int items, int interactions) {
        Path world = dir.resolve("world");
        CliRun w = of("data", "synth", "--out", world.toString(), "--users", Integer.toString(users), "--items",
                Integer.toString(items), "--interactions", Integer.toString(interactions));
        Path time = dir.resolve("time");
        CliRun s = of("split", "--format", "tandem", world.toString(), "--out", time.toString(), "--protocol", "time",
                "--task", "ctr", "--label-rule", ">=4");
        if (w.code() != 0 || s.code() != 0) {
            throw new AssertionError("synthetic time split: " + w.err() + s.err());
        }
        return time;
    }

    /**
     * {@code command} (a subcommand built by the test, e.g. with a free-disk figure of its own) run
     * on {@code args}, its failures reported as {@code tandem} reports them.
     */
    static CliRun ofCommand(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> Main.report(ex, cmd.getErr(), false));
        return run(cl, args);
    }

    private static CliRun run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}

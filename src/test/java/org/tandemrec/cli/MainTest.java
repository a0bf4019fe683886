package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class MainTest {
    @TempDir
    Path tmp;

    @Test
    void everyCommandAnswersHelp() {
        List<CommandLine> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        assertTrue(all.size() > 10, "commands found: " + all.size());
        for (CommandLine c : all) {
            if (c.getCommandName().equals("help")) {
                continue;
            }
            String path = c.getCommandSpec().qualifiedName(" ");
            List<String> args = new ArrayList<>(List.of(path.split(" ")).subList(1, path.split(" ").length));
            args.add("--help");
            CommandLine root = Main.commandLine();
            StringWriter out = new StringWriter();
            root.setOut(new PrintWriter(out));
            assertEquals(0, root.execute(args.toArray(String[]::new)), path + " --help");
            assertTrue(out.toString().contains("Usage:"), path + " prints usage");
            assertTrue(out.toString().contains("--debug"), path + " lists the inherited --debug");
        }
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        CliRun r = CliRun.of("split", "--no-such-option");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("tandem: ") && r.err().contains("(see 'tandem split --help')"), r.err());
        assertNoJavaInternals(r.err());
    }

    @Test
    void aSettingOutOfRangeExitsTwoNamingTheKey() throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.yaml"), """
                dataset: {format: synthetic, users: 50, items: 40}
                models:
                  - {name: mf-bpr, settings: {epochs: 0}}
                """);
        CliRun r = CliRun.of("run", f.toString(), "--out", tmp.resolve("run").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("tandem: " + f + ":3: models[0].settings.epochs: must be > 0, got 0", r.err().strip());
    }

    @Test
    void malformedDataExitsOneNamingFileLineAndField() throws Exception {
        Path csv = Files.writeString(tmp.resolve("r.csv"), "user_id,item_id,rating,timestamp\nu,i,4,1\nu,j,good,2\n");
        CliRun r = CliRun.of("data", "stats", "--format", "csv", csv.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("tandem: " + csv + ":3: field 'rating': expected a number, got 'good'", r.err().strip());
    }

    @Test
    void aMissingFileExitsOne() {
        Path missing = tmp.resolve("missing.csv");
        CliRun r = CliRun.of("data", "stats", "--format", "csv", missing.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("tandem: " + missing), r.err());
        assertNoJavaInternals(r.err());

        Path settings = tmp.resolve("missing.yaml");
        CliRun s = CliRun.of("run", settings.toString());
        assertEquals(1, s.code(), s.err());
        assertEquals("tandem: " + settings + ": no such file or directory", s.err().strip());
    }

    @Test
    void anInternalFaultExitsThreeAsksForAReportAndNamesNoJavaClass() {
        Run r = withFault(new IllegalStateException("ranks out of order"));
        assertEquals(3, r.code, r.err);
        assertEquals("tandem: internal error: ranks out of order (a fault in Tandem; run with --debug or TANDEM_DEBUG=1"
                + " for the stack trace and report it)", r.err.strip());

        // An argument error raised by library code, not by the user's input, is a fault too.
        Run arg = withFault(new IllegalArgumentException("index 7 outside [0, 3)"));
        assertEquals(3, arg.code, arg.err);
        assertTrue(arg.err.startsWith("tandem: internal error: index 7 outside [0, 3) (a fault in Tandem;"), arg.err);

        // A helpful NullPointerException message quotes Java types: only --debug shows it.
        Run npe = withFault(new NullPointerException("Cannot invoke \"String.length()\" because \"s\" is null"));
        assertEquals(3, npe.code, npe.err);
        assertEquals(1, npe.err.strip().lines().count(), npe.err);
        assertFalse(npe.err.contains("String.length"), npe.err);
        assertNoJavaInternals(npe.err);
        Run arithmetic = withFault(new ArithmeticException());
        assertEquals(3, arithmetic.code, arithmetic.err);
        assertNoJavaInternals(arithmetic.err);
    }

    @Test
    void debugPrintsTheStackTraceAfterTheLineForEveryClass() {
        IllegalStateException fault = new IllegalStateException("ranks out of order");
        for (List<String> args : List.of(List.of("--debug", "fault"), List.of("fault", "--debug"))) {
            Run r = withFault(fault, args.toArray(String[]::new));
            assertEquals(3, r.code, r.err);
            List<String> lines = r.err.lines().toList();
            assertTrue(lines.get(0).startsWith("tandem: internal error: ranks out of order"), r.err);
            assertEquals("java.lang.IllegalStateException: ranks out of order", lines.get(1), r.err);
            assertTrue(lines.get(2).strip().startsWith("at org.tandemrec.cli.MainTest"), r.err);
        }

        CliRun missing = CliRun.of("--debug", "data", "stats", "--format", "csv", tmp.resolve("missing.csv").toString());
        assertEquals(1, missing.code(), missing.err());
        assertTrue(missing.err().lines().count() > 2, missing.err());
        assertTrue(missing.err().contains("NoSuchFileException"), missing.err());

        CliRun usage = CliRun.of("data", "stats", "--format", "nope", "x", "--debug");
        assertEquals(2, usage.code(), usage.err());
        assertTrue(usage.err().startsWith("tandem: unknown data set format 'nope'"), usage.err());
        assertTrue(usage.err().contains("UsageException") && usage.err().contains("\tat "), usage.err());

        CliRun badOption = CliRun.of("--debug", "split", "--no-such-option");
        assertEquals(2, badOption.code(), badOption.err());
        assertTrue(badOption.err().contains("\tat "), badOption.err());
    }

    @Test
    void anExperimentFilesProblemsAreOneLineEachAndDebugAddsTheTraceAfterThemAll() throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.yaml"), """
                dataset: {format: synthetic, users: many}
                colour: blue
                models:
                  - {name: pop}
                """);
        List<String> problems = List.of("tandem: " + f + ":1: dataset.users: must be an integer, got \"many\"",
                "tandem: " + f + ":2: colour: unknown key (known: [name, seed, seeds, dataset, filters, splits, llm, models])");

        CliRun plain = CliRun.of("run", f.toString(), "--out", tmp.resolve("run").toString());
        assertEquals(2, plain.code(), plain.err());
        assertEquals(problems, plain.err().lines().toList());
        assertNoJavaInternals(plain.err());

        for (List<String> args : List.of(List.of("--debug", "run", f.toString()), List.of("run", f.toString(), "--debug"))) {
            CliRun debug = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, debug.code(), debug.err());
            List<String> lines = debug.err().lines().toList();
            assertEquals(problems, lines.subList(0, 2), debug.err());
            assertTrue(lines.get(2).startsWith("org.tandemrec.cli.ExperimentFile$Invalid: "), debug.err());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("\tat org.tandemrec.cli.ExperimentFile")), debug.err());
        }
        assertFalse(Files.exists(tmp.resolve("run")), "nothing is written for a file with problems");
    }

    @Test
    void tandemDebugIsOnWhenSetToAnythingButEmptyOrZero() {
        assertTrue(Main.debugValue("1"));
        assertTrue(Main.debugValue("yes"));
        assertFalse(Main.debugValue(null));
        assertFalse(Main.debugValue(""));
        assertFalse(Main.debugValue("0"));
    }

    @Test
    void withoutDebugNoStackTraceOrClassNameAppears() {
        Run r = withFault(new IllegalStateException("ranks out of order"));
        assertEquals(1, r.err.strip().lines().count(), r.err);
        assertNoJavaInternals(r.err);
        CliRun usage = CliRun.of("data", "stats", "--format", "nope", "x");
        assertNoJavaInternals(usage.err());
    }

    @Test
    void theHandlerClassifiesWrappedAndIoFailures() {
        StringWriter err = new StringWriter();
        int code = Main.report(new java.util.concurrent.CompletionException(
                new org.tandemrec.data.DataFormatException(Path.of("x.csv"), 4, "item", "empty")), new PrintWriter(err), false);
        assertEquals(1, code);
        assertEquals("tandem: x.csv:4: field 'item': empty", err.toString().strip());

        err.getBuffer().setLength(0);
        code = Main.report(new java.io.UncheckedIOException(new java.nio.file.AccessDeniedException("/root/x")),
                new PrintWriter(err), false);
        assertEquals(1, code);
        assertEquals("tandem: /root/x: permission denied", err.toString().strip());

        err.getBuffer().setLength(0);
        code = Main.report(new org.tandemrec.base.UsageException("--port must be in [0, 65535], got -1"),
                new PrintWriter(err), false);
        assertEquals(2, code);
        assertEquals("tandem: --port must be in [0, 65535], got -1", err.toString().strip());
    }

    @Test
    void aConfigJsonThatDoesNotParseIsBadDataInOneLineNamingFileAndLine() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("model"));
        Path config = Files.writeString(model.resolve("config.json"), "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": \n");
        CliRun r = CliRun.of("llm", "check", "--model", model.toString(), "--golden", config.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("tandem: " + config + ": not valid JSON: "), r.err());
        assertTrue(r.err().strip().endsWith("(line 4, column 1)"), r.err());
        assertNoJavaInternals(r.err());
    }

    @Test
    void runningOutOfHeapIsOneLineSayingHowToGiveMore(@TempDir Path tmp) throws Exception {
        // A process of its own with a small heap, asked for a world far larger than it.
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx48m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "data", "synth", "--out",
                tmp.resolve("world").toString(), "--users", "3000000", "--items", "200000")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), out);
        assertEquals(1, p.exitValue(), out);
        String last = out.strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("tandem: out of memory (Java heap space): give the JVM more with TANDEM_JAVA_OPTS=-Xmx"),
                out);
        assertNoJavaInternals(out.lines().filter(l -> l.startsWith("tandem:")).findFirst().orElse(""));
    }

    private static void assertNoJavaInternals(String err) {
        assertFalse(err.contains("java."), err);
        assertFalse(err.contains("Exception"), err);
        assertFalse(err.contains("\tat "), err);
        assertFalse(err.contains("org.tandemrec"), err);
    }

    private record Run(int code, String err) {
    }

    /** The real command line with one command added here, in the test only, that fails with {@code fault}. */
    private static Run withFault(RuntimeException fault, String... args) {
        CommandLine cl = Main.commandLine();
        cl.addSubcommand("fault", new CommandLine(new Fault(fault)));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args.length == 0 ? new String[] {"fault"} : args);
        return new Run(code, err.toString());
    }

    @Command(name = "fault")
    private static final class Fault implements Callable<Integer> {
        private final RuntimeException fault;

        Fault(RuntimeException fault) {
            this.fault = fault;
        }

        @Override
        public Integer call() {
            throw fault;
        }
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        into.add(c);
        c.getSubcommands().values().forEach(s -> collect(s, into));
    }
}

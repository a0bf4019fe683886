package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
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
        }
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        CommandLine root = Main.commandLine();
        StringWriter err = new StringWriter();
        root.setErr(new PrintWriter(err));
        assertEquals(2, root.execute("split", "--no-such-option"));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        into.add(c);
        c.getSubcommands().values().forEach(s -> collect(s, into));
    }
}

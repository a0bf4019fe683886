package org.tandemrec.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --json}: a command's result as one JSON object instead of a table. */
public final class JsonOutput {
    @Option(names = "--json", description = "print one JSON object instead of a table")
    public boolean json;

    /**
     * Prints named figures: with {@code --json} one pretty-printed object, else a line per
     * figure, the name padded to {@code nameWidth} and doubles in {@code doubleFormat} (e.g.
     * {@code %.4g}).
     */
    public void print(PrintWriter out, Map<String, ?> figures, int nameWidth, String doubleFormat)
            throws JsonProcessingException {
        if (json) {
            ObjectMapper m = new ObjectMapper();
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(m.valueToTree(figures)));
        } else {
            String name = "%-" + nameWidth + "s ";
            figures.forEach((k, v) -> out.println(v instanceof Double d ? String.format(Locale.ROOT, name + doubleFormat, k, d)
                    : String.format(Locale.ROOT, name + "%s", k, v)));
        }
        out.flush();
    }
}

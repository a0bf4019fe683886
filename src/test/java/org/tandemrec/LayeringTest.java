package org.tandemrec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package tree reads as the architecture: a layer imports only the layers above it in
 * DESIGN.md's table ({@code base} under all of them; {@code bench}, the benchmarks, just above
 * {@code cli}, whose commands run them), and
 * {@code crm} and {@code llm} never import each other.
 */
class LayeringTest {
    private static final List<String> ORDER = List.of("base", "data", "split", "eval", "train", "prompt", "crm", "llm",
            "collab", "serve", "bench", "cli");
    private static final Path MAIN = Path.of("src/main/java/org/tandemrec");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?org\\.tandemrec\\.(\\w+)", Pattern.MULTILINE);

    @Test
    void everyImportPointsUpTheLayers() throws IOException {
        List<String> wrong = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(MAIN)) {
            for (Path f : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                String layer = MAIN.relativize(f).getName(0).toString();
                if (!ORDER.contains(layer)) {
                    wrong.add(f + " is in no layer");
                    continue;
                }
                files++;
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    String other = m.group(1);
                    boolean up = ORDER.indexOf(other) <= ORDER.indexOf(layer);
                    boolean apart = !(layer.equals("crm") && other.equals("llm")) && !(layer.equals("llm") && other.equals("crm"));
                    if (!up || !apart) {
                        wrong.add(MAIN.relativize(f) + " imports " + other);
                    }
                }
            }
        }
        assertTrue(files > 100, "read " + files + " source files: run from the project directory");
        assertEquals(List.of(), wrong);
    }

    /** A package that grows past ~30 files is split into sub-packages that show its parts. */
    @Test
    void noPackageHoldsMoreThan35Files() throws IOException {
        List<String> large = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(MAIN)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(d)) {
                    long n = files.filter(p -> p.toString().endsWith(".java")).count();
                    if (n > 35) {
                        large.add(MAIN.relativize(d) + " holds " + n + " files");
                    }
                }
            }
        }
        assertEquals(List.of(), large);
    }
}

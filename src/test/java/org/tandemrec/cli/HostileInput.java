package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * The corpus of malformed inputs (issue 13): one case is a hostile file run through the real
 * command line, and every refusal must look the same to a user whatever the file: the exit code
 * of its kind (1 bad data or files, 2 usage: bad settings or command line), one line on stderr
 * naming the file, the place and the problem, no stack trace or Java class name, no hang, and no
 * output directory that looks finished. The corpus tests beside each reader build their cases
 * from a valid input with {@link #refused}, each in its own {@link #caseDirectory}.
 */
public final class HostileInput {
    /** Exit code of bad data or files. */
    public static final int DATA = 1;
    /** Exit code of a usage error: a bad command line, settings or experiment value. */
    public static final int USAGE = 2;
    /** Each case's limit: a reader that loops or waits on a hostile file fails instead of hanging the build. */
    public static final Duration LIMIT = Duration.ofSeconds(20);

    private static final AtomicInteger CASES = new AtomicInteger();

    private HostileInput() {
    }

    /**
     * A new, empty directory under {@code root} for one case's files, named {@code case-N}. The
     * refusal names its file by path, so a directory named after the case (say {@code
     * invalid-UTF-8-in-a-prompt}) would satisfy the case's mentions through the path alone.
     */
    public static Path caseDirectory(Path root) throws IOException {
        return Files.createDirectories(root.resolve("case-" + CASES.incrementAndGet()));
    }

    /**
     * What to run and what the refusal must name: {@code args} of the command line, the strings
     * the one stderr line must contain (file name, then line / key / tensor), and the command's
     * output directory ({@code null} when it has none).
     */
    public record Invocation(List<String> args, List<String> mentions, Path out) {
        public Invocation {
            args = List.copyOf(args);
            mentions = List.copyOf(mentions);
        }

        public static Invocation of(List<String> mentions, String... args) {
            return new Invocation(List.of(args), mentions, null);
        }

        public Invocation withOut(Path out) {
            return new Invocation(args, mentions, out);
        }
    }

    /**
     * The cases of one kind of input under one name that says how many there are, e.g. {@code
     * safetensors truncated (25 cases)}; the count is also printed, so a build log shows the
     * corpus by kind.
     */
    public static Stream<DynamicNode> corpus(String kind, List<DynamicTest> cases) {
        System.out.println("malformed-input corpus: " + kind + ": " + cases.size() + " cases");
        return Stream.of(DynamicContainer.dynamicContainer(kind + " (" + cases.size() + " cases)", cases));
    }

    /** A named case: {@code prepare} writes the malformed input and says how to run it. */
    public static DynamicTest refused(String name, int code, ThrowingSupplier<Invocation> prepare) {
        return DynamicTest.dynamicTest(name, () -> {
            Invocation inv = prepare.get();
            assertRefused(code, inv);
        });
    }

    /** Runs {@code inv} and checks the refusal; returns the stderr line for further checks. */
    public static String assertRefused(int code, Invocation inv) {
        // A marker or metrics file the input already had (an input run directory) is not the command's.
        List<String> absent = inv.out() == null ? List.of() : List.of(ExperimentRun.COMPLETE, "metrics.json").stream()
                .filter(f -> !Files.exists(inv.out().resolve(f))).toList();
        CliRun r = assertTimeoutPreemptively(LIMIT, () -> CliRun.of(inv.args().toArray(String[]::new)),
                () -> "hung: tandem " + String.join(" ", inv.args()));
        String err = r.err().replace("\r", "");
        String what = "tandem " + String.join(" ", inv.args()) + "\nexit " + r.code() + "\nstderr: " + err + "\nstdout: "
                + r.out();
        assertEquals(code, r.code(), what);
        String line = err.endsWith("\n") ? err.substring(0, err.length() - 1) : err;
        assertFalse(line.isBlank(), "no message\n" + what);
        assertFalse(line.contains("\n"), "more than one line\n" + what);
        for (String banned : List.of("Exception", "java.", "javax.", "org.tandemrec", "com.fasterxml", "\tat ")) {
            assertFalse(line.contains(banned), "'" + banned + "' in what the user sees\n" + what);
        }
        for (String m : inv.mentions()) {
            assertTrue(line.contains(m), "the message does not name '" + m + "'\n" + what);
        }
        if (inv.out() != null) {
            for (String done : absent) {
                assertFalse(Files.exists(inv.out().resolve(done)), done + " left in " + inv.out() + "\n" + what);
            }
        }
        return line;
    }
}

package org.tandemrec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM of its own on the tests' class path, as a user's second process would
 * be: for tests that kill a run (SIGKILL) or hold a lock from another process.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** {@code java -cp <tests' class path> OPTIONS MAIN ARGS}, with Tandem's offline, quiet, one-thread settings. */
    static List<String> command(List<String> options, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx1g", "-XX:+UseSerialGC", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        cmd.addAll(options);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }
}

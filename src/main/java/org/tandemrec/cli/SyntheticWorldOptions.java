package org.tandemrec.cli;

import picocli.CommandLine.Option;

/** {@code --users} and {@code --items}: the size of the synthetic world; absent, the generator's defaults. */
final class SyntheticWorldOptions {
    @Option(names = "--users", paramLabel = "N", description = "synthetic users (default 2000)")
    Integer users;

    @Option(names = "--items", paramLabel = "M", description = "synthetic items (default 1500)")
    Integer items;
}

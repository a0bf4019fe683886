package org.tandemrec;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The reference fixtures the tests compare against, shipped in the test resources
 * ({@code fixtures/README.md} says how each was computed): tiny Hugging Face checkpoints with
 * golden outputs, a PEFT adapter, LightGCN, LoRA-step, vocabulary-extension and metric goldens.
 */
public final class Fixtures {
    private static final Path ROOT = root();

    private Fixtures() {
    }

    /** The fixture file or directory at {@code relative} (e.g. {@code hf/tiny-llama}). */
    public static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    /**
     * MovieLens 100K, which may not be redistributed and so is not shipped: {@code
     * -Dtandem.ml100k=DIR}, else {@code ../shared/data/ml-100k}. Tests that need it skip when it
     * is absent.
     */
    public static Path movieLens100k() {
        return Path.of(System.getProperty("tandem.ml100k", "../shared/data/ml-100k"));
    }

    private static Path root() {
        URL readme = Fixtures.class.getResource("/fixtures/README.md");
        if (readme == null) {
            throw new IllegalStateException("fixtures/README.md is not on the test class path");
        }
        try {
            return Path.of(readme.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("fixtures are not in a directory: " + readme, e);
        }
    }
}

package org.tandemrec.train;

import java.nio.file.Path;

/** A checkpoint or model file that cannot be used: wrong format, version, model, config, or damaged. */
public final class CheckpointException extends RuntimeException {
    private final Path file;

    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}

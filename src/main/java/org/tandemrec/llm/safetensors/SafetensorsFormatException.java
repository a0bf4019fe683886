package org.tandemrec.llm.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file or index that cannot be read as such; the message names the file and tensor. */
public final class SafetensorsFormatException extends IOException {
    private final transient Path file;

    public SafetensorsFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}

package org.tandemrec.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JSON file read as data (a checkpoint's {@code config.json}, a run's records): text that is
 * not JSON is a {@link DataFormatException} naming the file and line in the parser's words, not
 * a parser exception whose message runs over several lines.
 */
public final class JsonFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonFile() {
    }

    /** The document in {@code file}; a missing or unreadable file stays an {@link IOException}. */
    public static JsonNode read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (MalformedInputException e) {
            throw new DataFormatException(file, "not UTF-8 text");
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw problem(file, e);
        }
    }

    /** {@code e}, raised parsing {@code file}, as the line a user reads. */
    public static DataFormatException problem(Path file, JsonProcessingException e) {
        long line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
        String what = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage();
        int nl = what.indexOf('\n');
        return new DataFormatException(file, line, "(json)", "not valid JSON: " + (nl < 0 ? what : what.substring(0, nl)));
    }
}

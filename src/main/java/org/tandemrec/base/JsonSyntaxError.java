package org.tandemrec.base;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * What a JSON or YAML parser found wrong, in one line a user can act on: the parser's own words
 * without its multi-line source excerpt, then where ({@code line 3, column 7}). Jackson's {@code
 * getMessage()} spans several lines and quotes the parser's internals, which a one-line error
 * must not show.
 */
public final class JsonSyntaxError {
    private JsonSyntaxError() {
    }

    /** The problem and its place, e.g. {@code Unexpected end-of-input (line 1, column 9)}. */
    public static String describe(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage();
        // The original message may still carry a nested location ("start marker at [Source: …]").
        int source = m.indexOf(" (start marker at");
        if (source < 0) {
            source = m.indexOf("[Source:");
        }
        if (source >= 0) {
            m = m.substring(0, source);
        }
        // Data-binding messages name Java types ("bound as `com.fasterxml…JsonNode`"): not the user's concern.
        m = m.replaceAll(" ?\\(bound as `[^`]*`\\)", "");
        int binding = m.indexOf(": not allowed as per `");
        if (binding >= 0) {
            m = m.substring(0, binding);
        }
        m = m.replaceAll("\\s+", " ").strip();
        if (m.length() > 200) {
            m = m.substring(0, 200) + "…";
        }
        JsonLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            m += " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        return m;
    }
}

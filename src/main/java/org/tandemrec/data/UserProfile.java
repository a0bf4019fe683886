package org.tandemrec.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Profile fields of one user (e.g. MovieLens gender, age, occupation, zip code), in source
 * order. Users without a profile have no fields.
 */
public record UserProfile(Map<String, String> fields) {
    public static final UserProfile EMPTY = new UserProfile(Map.of());

    public UserProfile {
        Objects.requireNonNull(fields, "fields");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The field's value, or "" when the user has none. */
    public String get(String field) {
        return fields.getOrDefault(field, "");
    }
}

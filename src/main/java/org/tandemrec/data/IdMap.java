package org.tandemrec.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A bijection between raw identifiers as they appear in a source file (user ids, item ids,
 * ASINs, …) and dense indexes {@code 0..size-1} in order of first appearance.
 *
 * <p>Instances are built with {@link Builder} and are immutable afterwards.
 */
public final class IdMap {
    private final List<String> raw;
    private final Map<String, Integer> index;

    private IdMap(List<String> raw, Map<String, Integer> index) {
        this.raw = raw;
        this.index = index;
    }

    /** A map whose raw ids are the given strings in order; duplicates are refused. */
    public static IdMap of(List<String> rawIds) {
        Builder b = new Builder();
        for (String id : rawIds) {
            if (b.indexOf(id) >= 0) {
                throw new IllegalArgumentException("duplicate raw id '" + id + "'");
            }
            b.intern(id);
        }
        return b.build();
    }

    /** A map whose raw ids are {@code "0".."n-1"}, for data that comes with dense ids already. */
    public static IdMap identity(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        Builder b = new Builder();
        for (int i = 0; i < n; i++) {
            b.intern(Integer.toString(i));
        }
        return b.build();
    }

    public int size() {
        return raw.size();
    }

    /** The dense index of a raw id, or -1 when absent. */
    public int indexOf(String rawId) {
        Integer i = index.get(rawId);
        return i == null ? -1 : i;
    }

    /** The dense index of a raw id; absent ids are an error naming the id. */
    public int index(String rawId) {
        int i = indexOf(rawId);
        if (i < 0) {
            throw new IllegalArgumentException("unknown id '" + rawId + "'");
        }
        return i;
    }

    public String raw(int idx) {
        Objects.checkIndex(idx, raw.size());
        return raw.get(idx);
    }

    /** The raw ids in index order (unmodifiable). */
    public List<String> rawIds() {
        return Collections.unmodifiableList(raw);
    }

    /**
     * The map restricted to the kept indexes, renumbered densely in their old order.
     *
     * @param keep {@code keep[i]} true keeps old index i
     * @param remap filled with the new index of each old index, or -1 when dropped
     */
    public IdMap restrict(boolean[] keep, int[] remap) {
        if (keep.length != size() || remap.length != size()) {
            throw new IllegalArgumentException(
                    "keep/remap length must equal size " + size() + ", got " + keep.length + "/" + remap.length);
        }
        Builder b = new Builder();
        for (int i = 0; i < keep.length; i++) {
            remap[i] = keep[i] ? b.intern(raw.get(i)) : -1;
        }
        return b.build();
    }

    /** Mutable builder; {@link #intern} returns the existing index or assigns the next one. */
    public static final class Builder {
        private final List<String> raw = new ArrayList<>();
        private final Map<String, Integer> index = new HashMap<>();

        public int intern(String rawId) {
            Objects.requireNonNull(rawId, "rawId");
            Integer i = index.get(rawId);
            if (i != null) {
                return i;
            }
            int next = raw.size();
            raw.add(rawId);
            index.put(rawId, next);
            return next;
        }

        public int indexOf(String rawId) {
            Integer i = index.get(rawId);
            return i == null ? -1 : i;
        }

        public int size() {
            return raw.size();
        }

        public IdMap build() {
            return new IdMap(new ArrayList<>(raw), new HashMap<>(index));
        }
    }
}

package org.tandemrec.data.format;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tandemrec.data.IdMap;

/**
 * Assigns dense indexes to raw ids given as byte ranges, in order of first appearance, without
 * creating a String per lookup: the bytes of each distinct id are kept once in an arena and
 * found again through an open-addressing hash table. Strings are made only by {@link #toIdMap}.
 */
final class RawIdInterner {
    private byte[] arena = new byte[1 << 12];
    private int arenaSize;
    private int[] offsets = new int[257];
    private int[] hashes = new int[256];
    private int size;
    private int[] table = new int[512];
    private int mask = 511;

    int size() {
        return size;
    }

    /** The index of the id in {@code bytes[start, end)}, assigning the next one when new. */
    int intern(byte[] bytes, int start, int end) {
        int h = hash(bytes, start, end);
        int slot = probe(h, bytes, start, end);
        if (table[slot] != 0) {
            return table[slot] - 1;
        }
        int id = add(bytes, start, end, h);
        table[slot] = id + 1;
        if (size * 2 > table.length) {
            rehash();
        }
        return id;
    }

    int intern(String rawId) {
        byte[] b = rawId.getBytes(StandardCharsets.UTF_8);
        return intern(b, 0, b.length);
    }

    /** The index of the id, or -1 when it was never interned. */
    int indexOf(byte[] bytes, int start, int end) {
        return table[probe(hash(bytes, start, end), bytes, start, end)] - 1;
    }

    /** The slot holding the id (hash {@code h}), or the empty slot where it would go. */
    private int probe(int h, byte[] bytes, int start, int end) {
        int slot = h & mask;
        while (true) {
            int e = table[slot];
            if (e == 0 || (hashes[e - 1] == h && sameBytes(e - 1, bytes, start, end))) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    int indexOf(String rawId) {
        byte[] b = rawId.getBytes(StandardCharsets.UTF_8);
        return indexOf(b, 0, b.length);
    }

    /** The interned ids decoded with the given charset, in index order. */
    IdMap toIdMap(Charset charset) {
        List<String> ids = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            ids.add(new String(arena, offsets[i], offsets[i + 1] - offsets[i], charset));
        }
        return IdMap.of(ids);
    }

    private int add(byte[] bytes, int start, int end, int h) {
        int len = end - start;
        if (arenaSize + len > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaSize + len));
        }
        System.arraycopy(bytes, start, arena, arenaSize, len);
        arenaSize += len;
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size * 2);
            offsets = Arrays.copyOf(offsets, size * 2 + 1);
        }
        hashes[size] = h;
        offsets[size + 1] = arenaSize;
        return size++;
    }

    private boolean sameBytes(int id, byte[] bytes, int start, int end) {
        int off = offsets[id];
        int len = offsets[id + 1] - off;
        return len == end - start && Arrays.equals(arena, off, off + len, bytes, start, end);
    }

    private void rehash() {
        int cap = table.length * 2;
        int[] t = new int[cap];
        int m = cap - 1;
        for (int id = 0; id < size; id++) {
            int slot = hashes[id] & m;
            while (t[slot] != 0) {
                slot = (slot + 1) & m;
            }
            t[slot] = id + 1;
        }
        table = t;
        mask = m;
    }

    private static int hash(byte[] b, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + b[i];
        }
        // Spread the bits: short numeric ids differ mostly in the low bits of a polynomial hash.
        h *= 0x9E3779B9;
        return h ^ (h >>> 15);
    }
}

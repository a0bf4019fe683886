package org.tandemrec.llm.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Per-request state of incremental decoding: for each layer the rotated keys and the values of
 * every position seen so far, [B, K, S, D] (B batch, K key/value heads, S cached positions, D head
 * dimension), and the padding mask of those positions [B, S]. Separate from the immutable
 * weights so that one model serves many requests; close it to free its native memory.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private NDArray mask;

    public KvCache(NDManager parent, int numLayers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
    }

    /** Number of cached positions S. */
    public long length() {
        return mask == null ? 0 : mask.getShape().get(1);
    }

    NDArray keys(int layer) {
        return keys[layer];
    }

    NDArray values(int layer) {
        return values[layer];
    }

    NDArray mask() {
        return mask;
    }

    void set(int layer, NDArray k, NDArray v) {
        replace(keys, layer, k);
        replace(values, layer, v);
    }

    void setMask(NDArray m) {
        NDArray old = mask;
        m.attach(manager);
        mask = m;
        if (old != null && old != m) {
            old.close();
        }
    }

    /**
     * Turns a cache of one row (a prompt run once) into {@code times} identical rows, so that
     * that many continuations of the prompt run as one batch without recomputing it.
     */
    public void repeatRows(int times) {
        if (times <= 0) {
            throw new IllegalArgumentException("times must be > 0, got " + times);
        }
        if (mask == null) {
            throw new IllegalStateException("the cache is empty: run the prompt first");
        }
        if (mask.getShape().get(0) != 1) {
            throw new IllegalStateException("the cache holds " + mask.getShape().get(0) + " rows; only one can be repeated");
        }
        if (times == 1) {
            return;
        }
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != null) {
                set(l, keys[l].repeat(0, times), values[l].repeat(0, times));
            }
        }
        setMask(mask.repeat(0, times));
    }

    private void replace(NDArray[] arr, int layer, NDArray a) {
        NDArray old = arr[layer];
        a.attach(manager);
        arr[layer] = a;
        if (old != null && old != a) {
            old.close();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}

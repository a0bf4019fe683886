package org.tandemrec.crm;

import java.nio.file.Path;
import java.util.Locale;
import org.tandemrec.base.UnusableFileException;
import org.tandemrec.base.UsageException;

/**
 * What training a conventional model will take, known before any table is allocated: its
 * embedding tables (users × dim and items × dim floats, in Java arrays; two sets for NeuMF's GMF
 * and MLP halves, items only for the sequential models, none for random and pop), the Java heap
 * they need with the optimiser's state, and the disk its files need. Both are lower bounds (the
 * dense layers, a batch's activations and LightGCN's propagated copies come on top), so a run
 * refused by them could not have finished.
 *
 * @param model       the model's name
 * @param users       users of the split
 * @param items       items of the split
 * @param dim         embedding size
 * @param tableFloats floats in the model's id tables
 */
public record CrmFootprint(String model, long users, long items, int dim, long tableFloats) {
    /**
     * Copies of the tables in memory while training: the values and Adam's two moments (every
     * optimiser Tandem trains CRMs with keeps both, for every row); the gradient is row-sparse.
     */
    public static final int HEAP_COPIES = 3;
    /**
     * Copies of the tables on disk: model.bin (1), and checkpoint.bin (values and both moments, 3)
     * twice while a checkpoint is replaced, the new one written beside the old before the rename.
     */
    public static final int DISK_COPIES = 7;

    public CrmFootprint {
        if (users < 0 || items < 0 || dim < 0 || tableFloats < 0) {
            throw new IllegalArgumentException("users, items, dim and tableFloats must be >= 0");
        }
    }

    /** The footprint of {@code spec} on a split of {@code users} users and {@code items} items. */
    public static CrmFootprint of(CrmSpec spec, long users, long items) {
        long rows = switch (spec.model()) {
            case "random", "pop" -> 0;
            case "neumf" -> 2 * (users + items);
            case "sasrec", "gru4rec", "bert4rec" -> items;
            default -> users + items;
        };
        return new CrmFootprint(spec.model(), users, items, spec.dim(), rows * spec.dim());
    }

    public long tableBytes() {
        return tableFloats * Float.BYTES;
    }

    /** At least this much Java heap while training. */
    public long heapBytes() {
        return HEAP_COPIES * tableBytes();
    }

    /** At least this much free disk in the run directory. */
    public long diskBytes() {
        return DISK_COPIES * tableBytes();
    }

    /** Refuses, with both figures, a model whose tables and optimiser state exceed {@code freeHeap} bytes. */
    public void checkHeap(long freeHeap) {
        if (heapBytes() > freeHeap) {
            throw new UsageException(String.format(Locale.ROOT, "%s on %,d users and %,d items at dim %d needs at"
                    + " least %s of Java heap (its tables of %s, with Adam's two moments) but %s is free (raise -Xmx with"
                    + " TANDEM_JAVA_OPTS, or lower dim)", model, users, items, dim, gib(heapBytes()), gib(tableBytes()),
                    gib(freeHeap)));
        }
    }

    /** Refuses, with both figures, a run whose files would not fit in the {@code freeDisk} bytes of {@code out}. */
    public void checkDisk(Path out, long freeDisk) throws UnusableFileException {
        if (diskBytes() > freeDisk) {
            throw new UnusableFileException(String.format(Locale.ROOT, "%s: %s writes at least %s (model.bin, and"
                    + " checkpoint.bin twice while it is replaced: %d × its tables of %s) but the disk has %s free", out,
                    model, gib(diskBytes()), DISK_COPIES, gib(tableBytes()), gib(freeDisk)));
        }
    }

    /** The Java heap free now: the maximum less what is in use. */
    public static long freeHeapNow() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}

package org.tandemrec.base;

import java.util.Locale;

/** Byte counts as people read them in messages. */
public final class ByteSize {
    private ByteSize() {
    }

    /** A byte count in the largest binary unit that keeps it at least 1 ("512 bytes", "3.4 MiB", "1.47 GiB"). */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, u >= 2 ? "%.2f %s" : "%.1f %s", v, units[u]);
    }
}

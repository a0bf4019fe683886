package org.tandemrec.eval;

import java.util.Comparator;

/**
 * Orders segment names naturally: "all" first, then by name with digit runs compared as
 * numbers, so "entropy-q2" comes before "entropy-q10" and the order never depends on which
 * example came first.
 */
final class SegmentNames implements Comparator<String> {
    static final SegmentNames ORDER = new SegmentNames();

    private SegmentNames() {
    }

    @Override
    public int compare(String a, String b) {
        boolean aAll = MetricRecord.ALL.equals(a);
        boolean bAll = MetricRecord.ALL.equals(b);
        if (aAll || bAll) {
            return aAll == bAll ? 0 : aAll ? -1 : 1;
        }
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int ei = i;
                while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
                    ei++;
                }
                int ej = j;
                while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
                    ej++;
                }
                String na = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }
}

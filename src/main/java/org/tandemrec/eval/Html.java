package org.tandemrec.eval;

import java.util.Locale;

/** Escaping and number formatting shared by the report and its charts. */
final class Html {
    private Html() {
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Four decimals, '.' as separator whatever the default locale. */
    static String number(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Coordinates in SVG: two decimals are plenty. */
    static String coord(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Metrics where smaller is better (losses); all others are maximised. */
    static boolean lowerIsBetter(String metric) {
        return metric.contains("loss");
    }
}

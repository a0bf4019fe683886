package org.tandemrec.eval;

import java.util.List;

/**
 * Inline SVG charts for the HTML report: plain markup, no scripts, no external resources, so
 * the report stays one self-contained file.
 */
final class SvgCharts {
    static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
        "#7f7f7f", "#bcbd22", "#17becf"};

    private SvgCharts() {
    }

    /** A labelled value for a bar chart. */
    record Bar(String label, double value) {
    }

    /** A named polyline for a line chart; x and y have the same length. */
    record Series(String name, double[] x, double[] y) {
    }

    /** A labelled mark on the x axis at {@code position} in [0, 1]. */
    record Tick(double position, String label) {
    }

    /** Ticks at 0, 0.25, …, 1 labelled with their value: the axis of a fraction. */
    static List<Tick> fractionTicks() {
        List<Tick> t = new java.util.ArrayList<>();
        for (int k = 0; k <= 4; k++) {
            t.add(new Tick(k / 4.0, String.format(java.util.Locale.ROOT, "%.2f", k / 4.0)));
        }
        return t;
    }

    /** Horizontal bars, one per label; the axis starts at 0 and ends at max(1, largest value). */
    static String bars(String title, List<Bar> bars) {
        int labelWidth = 180;
        int plotWidth = 380;
        int row = 24;
        int height = 30 + row * bars.size() + 10;
        double max = 1.0;
        for (Bar b : bars) {
            max = Math.max(max, b.value());
        }
        StringBuilder s = new StringBuilder();
        open(s, labelWidth + plotWidth + 80, height, title);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = 30 + i * row;
            double w = Math.max(0, b.value()) / max * plotWidth;
            s.append("<text x=\"").append(labelWidth - 6).append("\" y=\"").append(Html.coord(y + 15))
                    .append("\" text-anchor=\"end\">").append(Html.escape(b.label())).append("</text>");
            s.append("<rect class=\"mark\" x=\"").append(labelWidth).append("\" y=\"").append(Html.coord(y + 2)).append("\" width=\"")
                    .append(Html.coord(w)).append("\" height=\"").append(row - 6).append("\" fill=\"")
                    .append(PALETTE[i % PALETTE.length]).append("\"/>");
            s.append("<text x=\"").append(Html.coord(labelWidth + w + 4)).append("\" y=\"").append(Html.coord(y + 15))
                    .append("\">").append(Html.number(b.value())).append("</text>\n");
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /** Lines over x in [0, 1] with the axis of a fraction. */
    static String lines(String title, String xLabel, String yLabel, List<Series> series) {
        return lines(title, xLabel, yLabel, series, fractionTicks());
    }

    /**
     * Lines over x in [0, 1] (the caller maps its values there and labels the axis with {@code
     * xTicks}); the y axis spans the data with a small margin.
     */
    static String lines(String title, String xLabel, String yLabel, List<Series> series, List<Tick> xTicks) {
        int w = 640;
        int h = 320;
        int left = 74;
        int right = 160;
        int top = 30;
        int bottom = 45;
        double pw = w - left - right;
        double ph = h - top - bottom;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series ser : series) {
            for (double v : ser.y()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!(hi > lo)) {
            lo -= 0.01;
            hi += 0.01;
        }
        double pad = (hi - lo) * 0.05;
        lo -= pad;
        hi += pad;
        StringBuilder s = new StringBuilder();
        open(s, w, h, title);
        s.append("<rect x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"").append(Html.coord(pw))
                .append("\" height=\"").append(Html.coord(ph)).append("\" fill=\"none\" stroke=\"#999\"/>\n");
        for (Tick tick : xTicks) {
            double x = left + Math.min(1, Math.max(0, tick.position())) * pw;
            s.append("<line x1=\"").append(Html.coord(x)).append("\" y1=\"").append(Html.coord(top + ph))
                    .append("\" x2=\"").append(Html.coord(x)).append("\" y2=\"").append(Html.coord(top + ph + 4))
                    .append("\" stroke=\"#999\"/><text x=\"").append(Html.coord(x)).append("\" y=\"")
                    .append(Html.coord(top + ph + 16)).append("\" text-anchor=\"middle\">")
                    .append(Html.escape(tick.label())).append("</text>\n");
        }
        for (int t = 0; t <= 4; t++) {
            double vy = lo + t / 4.0 * (hi - lo);
            double y = top + ph - t / 4.0 * ph;
            s.append("<line x1=\"").append(left - 4).append("\" y1=\"").append(Html.coord(y)).append("\" x2=\"")
                    .append(left).append("\" y2=\"").append(Html.coord(y)).append("\" stroke=\"#999\"/><text x=\"")
                    .append(left - 6).append("\" y=\"").append(Html.coord(y + 4)).append("\" text-anchor=\"end\">")
                    .append(Html.number(vy)).append("</text>\n");
        }
        s.append("<text x=\"").append(Html.coord(left + pw / 2)).append("\" y=\"").append(h - 8)
                .append("\" text-anchor=\"middle\">").append(Html.escape(xLabel)).append("</text>\n");
        s.append("<text x=\"12\" y=\"").append(Html.coord(top + ph / 2)).append("\" text-anchor=\"middle\" transform=\"rotate(-90 12 ")
                .append(Html.coord(top + ph / 2)).append(")\">").append(Html.escape(yLabel)).append("</text>\n");
        for (int i = 0; i < series.size(); i++) {
            Series ser = series.get(i);
            String color = PALETTE[i % PALETTE.length];
            StringBuilder pts = new StringBuilder();
            for (int k = 0; k < ser.x().length; k++) {
                double x = left + Math.min(1, Math.max(0, ser.x()[k])) * pw;
                double y = top + ph - (ser.y()[k] - lo) / (hi - lo) * ph;
                pts.append(k == 0 ? "" : " ").append(Html.coord(x)).append(',').append(Html.coord(y));
            }
            s.append("<polyline class=\"mark\" fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"")
                    .append(pts).append("\"/>\n");
            if (ser.x().length <= 20) {
                // Few points (a sweep): mark them, so a value between two is not read off the line.
                for (int k = 0; k < ser.x().length; k++) {
                    double x = left + Math.min(1, Math.max(0, ser.x()[k])) * pw;
                    double y = top + ph - (ser.y()[k] - lo) / (hi - lo) * ph;
                    s.append("<circle class=\"mark\" cx=\"").append(Html.coord(x)).append("\" cy=\"").append(Html.coord(y))
                            .append("\" r=\"3\" fill=\"").append(color).append("\"/>");
                }
                s.append('\n');
            }
            double ly = top + 10 + i * 18;
            s.append("<line x1=\"").append(w - right + 10).append("\" y1=\"").append(Html.coord(ly)).append("\" x2=\"")
                    .append(w - right + 30).append("\" y2=\"").append(Html.coord(ly)).append("\" stroke=\"").append(color)
                    .append("\" stroke-width=\"2\"/><text x=\"").append(w - right + 34).append("\" y=\"")
                    .append(Html.coord(ly + 4)).append("\">").append(Html.escape(ser.name())).append("</text>\n");
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /**
     * Vertical bars in groups (CoReLLa's confidence buckets): one group per {@code groups} entry,
     * in it one bar per series, the same colour for a series in every group; the axis starts at 0.
     *
     * @param values [S][G] value of series s in group g; NaN: no bar
     */
    static String groupedBars(String title, String yLabel, List<String> groups, List<String> series, double[][] values) {
        int left = 60;
        int top = 30;
        int bottom = 40;
        int bar = 14;
        int groupGap = 24;
        int legend = 170;
        int groupWidth = series.size() * bar + groupGap;
        double pw = Math.max(240, groups.size() * groupWidth);
        double ph = 200;
        int w = (int) (left + pw + legend);
        int h = (int) (top + ph + bottom);
        double max = 0;
        for (double[] row : values) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        max = niceCeiling(max);
        StringBuilder s = new StringBuilder();
        open(s, w, h, title);
        yAxis(s, left, top, pw, ph, 0, max);
        double slot = pw / groups.size();
        for (int g = 0; g < groups.size(); g++) {
            double x0 = left + g * slot + (slot - series.size() * bar) / 2;
            for (int k = 0; k < series.size(); k++) {
                double v = values[k][g];
                if (!Double.isFinite(v)) {
                    continue;
                }
                double bh = Math.max(0, v) / max * ph;
                s.append("<rect class=\"mark\" x=\"").append(Html.coord(x0 + k * bar)).append("\" y=\"")
                        .append(Html.coord(top + ph - bh)).append("\" width=\"").append(bar - 2).append("\" height=\"")
                        .append(Html.coord(bh)).append("\" fill=\"").append(PALETTE[k % PALETTE.length]).append("\"><title>")
                        .append(Html.escape(series.get(k) + ", " + groups.get(g) + ": " + Html.number(v)))
                        .append("</title></rect>");
            }
            s.append("<text x=\"").append(Html.coord(left + (g + 0.5) * slot)).append("\" y=\"")
                    .append(Html.coord(top + ph + 16)).append("\" text-anchor=\"middle\">").append(Html.escape(groups.get(g)))
                    .append("</text>\n");
        }
        s.append("<text x=\"14\" y=\"").append(Html.coord(top + ph / 2)).append("\" text-anchor=\"middle\" transform=\"rotate(-90 14 ")
                .append(Html.coord(top + ph / 2)).append(")\">").append(Html.escape(yLabel)).append("</text>\n");
        for (int k = 0; k < series.size(); k++) {
            double ly = top + 6 + k * 18;
            s.append("<rect x=\"").append(Html.coord(left + pw + 12)).append("\" y=\"").append(Html.coord(ly - 6))
                    .append("\" width=\"12\" height=\"12\" fill=\"").append(PALETTE[k % PALETTE.length])
                    .append("\"/><text x=\"").append(Html.coord(left + pw + 30)).append("\" y=\"").append(Html.coord(ly + 4))
                    .append("\">").append(Html.escape(series.get(k))).append("</text>\n");
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /**
     * A reliability diagram: observed positive rate against mean predicted probability per bin,
     * both axes [0, 1], the diagonal of perfect calibration dashed, each bin a dot whose area
     * follows its share of the examples.
     */
    static String reliability(String title, Calibration calibration) {
        int left = 44;
        int top = 30;
        int size = 190;
        int w = left + size + 16;
        int h = top + size + 40;
        StringBuilder s = new StringBuilder();
        open(s, w, h, title);
        yAxis(s, left, top, size, size, 0, 1);
        for (int t = 0; t <= 4; t++) {
            double x = left + t / 4.0 * size;
            s.append("<line x1=\"").append(Html.coord(x)).append("\" y1=\"").append(top + size).append("\" x2=\"")
                    .append(Html.coord(x)).append("\" y2=\"").append(top + size + 4).append("\" stroke=\"#999\"/><text x=\"")
                    .append(Html.coord(x)).append("\" y=\"").append(top + size + 16).append("\" text-anchor=\"middle\">")
                    .append(String.format(java.util.Locale.ROOT, "%.2f", t / 4.0)).append("</text>\n");
        }
        s.append("<text x=\"").append(Html.coord(left + size / 2.0)).append("\" y=\"").append(h - 6)
                .append("\" text-anchor=\"middle\">mean predicted probability</text>\n");
        s.append("<line x1=\"").append(left).append("\" y1=\"").append(top + size).append("\" x2=\"").append(left + size)
                .append("\" y2=\"").append(top).append("\" stroke=\"#aaa\" stroke-dasharray=\"4 3\"/>\n");
        long total = 0;
        long largest = 1;
        for (Calibration.Bin b : calibration.bins()) {
            total += b.count();
            largest = Math.max(largest, b.count());
        }
        StringBuilder pts = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (Calibration.Bin b : calibration.bins()) {
            double x = left + b.meanPredicted() * size;
            double y = top + size - b.observedRate() * size;
            pts.append(pts.length() == 0 ? "" : " ").append(Html.coord(x)).append(',').append(Html.coord(y));
            double r = 2 + 5 * Math.sqrt((double) b.count() / largest);
            dots.append("<circle class=\"mark\" cx=\"").append(Html.coord(x)).append("\" cy=\"").append(Html.coord(y))
                    .append("\" r=\"").append(Html.coord(r)).append("\" fill=\"").append(PALETTE[0]).append("\" fill-opacity=\"0.75\"><title>")
                    .append(Html.escape(String.format(java.util.Locale.ROOT, "predicted %.3f, observed %.3f, %d of %d examples",
                            b.meanPredicted(), b.observedRate(), b.count(), total)))
                    .append("</title></circle>");
        }
        if (calibration.bins().size() > 1) {
            s.append("<polyline class=\"mark\" fill=\"none\" stroke=\"").append(PALETTE[0]).append("\" stroke-width=\"1.5\" points=\"")
                    .append(pts).append("\"/>\n");
        }
        s.append(dots).append('\n');
        s.append("</svg>\n");
        return s.toString();
    }

    /** The opening tag (scalable: width and height with a viewBox) and the chart's title. */
    private static void open(StringBuilder s, int w, int h, String title) {
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" role=\"img\" aria-label=\"")
                .append(Html.escape(title)).append("\">\n");
        s.append("<text x=\"0\" y=\"16\" class=\"ctitle\">").append(Html.escape(title)).append("</text>\n");
    }

    /** A plot frame with five labelled ticks on the y axis from {@code lo} to {@code hi}. */
    private static void yAxis(StringBuilder s, int left, int top, double pw, double ph, double lo, double hi) {
        s.append("<rect x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"").append(Html.coord(pw))
                .append("\" height=\"").append(Html.coord(ph)).append("\" fill=\"none\" stroke=\"#999\"/>\n");
        for (int t = 0; t <= 4; t++) {
            double y = top + ph - t / 4.0 * ph;
            s.append("<line x1=\"").append(left - 4).append("\" y1=\"").append(Html.coord(y)).append("\" x2=\"")
                    .append(Html.coord(left + pw)).append("\" y2=\"").append(Html.coord(y)).append("\" stroke=\"")
                    .append(t == 0 ? "#999" : "#eee").append("\"/><text x=\"").append(left - 6).append("\" y=\"")
                    .append(Html.coord(y + 4)).append("\" text-anchor=\"end\">")
                    .append(tickText(lo + t / 4.0 * (hi - lo))).append("</text>\n");
        }
    }

    /** The smallest of 1, 2, 5 times a power of ten at or above {@code v}, and at least 1 (axes of steps and epochs). */
    static double niceStep(double v) {
        if (!(v > 1)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5}) {
            if (m * p >= v * (1 - 1e-12)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** A tick value with at most four decimals and no trailing zeros: 0.25, 1.5, 2. */
    static String tickText(double v) {
        return java.math.BigDecimal.valueOf(Math.round(v * 10_000) / 10_000.0).stripTrailingZeros().toPlainString();
    }

    /**
     * The smallest of 1, 2, 4, 6, 8 times a power of ten at or above {@code v} (1 for v ≤ 0): a
     * quarter of it, the tick step, is then a round number.
     */
    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 4, 6, 8, 10}) {
            if (m * p >= v * (1 - 1e-12)) {
                return m * p;
            }
        }
        return 10 * p;
    }
}

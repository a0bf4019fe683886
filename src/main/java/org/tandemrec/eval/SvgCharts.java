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
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(labelWidth + plotWidth + 80)
                .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"").append(Html.escape(title))
                .append("\">\n");
        s.append("<text x=\"0\" y=\"16\" class=\"ctitle\">").append(Html.escape(title)).append("</text>\n");
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = 30 + i * row;
            double w = Math.max(0, b.value()) / max * plotWidth;
            s.append("<text x=\"").append(labelWidth - 6).append("\" y=\"").append(Html.coord(y + 15))
                    .append("\" text-anchor=\"end\">").append(Html.escape(b.label())).append("</text>");
            s.append("<rect x=\"").append(labelWidth).append("\" y=\"").append(Html.coord(y + 2)).append("\" width=\"")
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
        int left = 60;
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
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" role=\"img\" aria-label=\"").append(Html.escape(title)).append("\">\n");
        s.append("<text x=\"0\" y=\"16\" class=\"ctitle\">").append(Html.escape(title)).append("</text>\n");
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
        s.append("<text x=\"14\" y=\"").append(Html.coord(top + ph / 2)).append("\" text-anchor=\"middle\" transform=\"rotate(-90 14 ")
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
            s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"")
                    .append(pts).append("\"/>\n");
            if (ser.x().length <= 20) {
                // Few points (a sweep): mark them, so a value between two is not read off the line.
                for (int k = 0; k < ser.x().length; k++) {
                    double x = left + Math.min(1, Math.max(0, ser.x()[k])) * pw;
                    double y = top + ph - (ser.y()[k] - lo) / (hi - lo) * ph;
                    s.append("<circle cx=\"").append(Html.coord(x)).append("\" cy=\"").append(Html.coord(y))
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
}

package org.tandemrec.eval;

import java.util.Objects;

/**
 * A value traced over a run (a training loss by step, a metric by λ): one line of the chart
 * named {@code group} in the report, kept in {@code metrics.json} beside the metric records so
 * that the report can be rebuilt from that file alone.
 *
 * @param group  the chart it belongs to ("LLM loss", …); curves of one group share their axes
 * @param name   the line's label (the model or variant)
 * @param xLabel the x axis ("step")
 * @param yLabel the y axis ("loss")
 * @param x      x values, strictly increasing, finite
 * @param y      y values, as many as x, finite
 */
public record Curve(String group, String name, String xLabel, String yLabel, double[] x, double[] y) {
    public Curve {
        for (String[] f : new String[][] {{"group", group}, {"name", name}, {"xLabel", xLabel}, {"yLabel", yLabel}}) {
            if (f[1] == null || f[1].isBlank()) {
                throw new IllegalArgumentException("curve " + f[0] + " must be a non-empty string");
            }
        }
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length != y.length) {
            throw new IllegalArgumentException("curve '" + name + "': x has " + x.length + " values, y has " + y.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("curve '" + name + "': point " + i + " is not finite");
            }
            if (i > 0 && !(x[i] > x[i - 1])) {
                throw new IllegalArgumentException("curve '" + name + "': x must increase, point " + i + " does not");
            }
        }
        x = x.clone();
        y = y.clone();
    }

    @Override
    public double[] x() {
        return x.clone();
    }

    @Override
    public double[] y() {
        return y.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Curve c && group.equals(c.group) && name.equals(c.name) && xLabel.equals(c.xLabel)
                && yLabel.equals(c.yLabel) && java.util.Arrays.equals(x, c.x) && java.util.Arrays.equals(y, c.y);
    }

    @Override
    public int hashCode() {
        return Objects.hash(group, name, xLabel, yLabel, java.util.Arrays.hashCode(x), java.util.Arrays.hashCode(y));
    }

    @Override
    public String toString() {
        return "Curve[" + group + "/" + name + ", " + x.length + " points]";
    }

    /**
     * The curve with at most {@code points} points: consecutive values averaged in equal runs
     * (a loss by step is noisy, and a report needs its trend, not thousands of vertices).
     */
    public Curve averagedTo(int points) {
        if (points <= 0) {
            throw new IllegalArgumentException("points must be > 0, got " + points);
        }
        if (x.length <= points) {
            return this;
        }
        double[] ax = new double[points];
        double[] ay = new double[points];
        for (int b = 0; b < points; b++) {
            int from = (int) ((long) b * x.length / points);
            int to = (int) ((long) (b + 1) * x.length / points);
            double sx = 0;
            double sy = 0;
            for (int i = from; i < to; i++) {
                sx += x[i];
                sy += y[i];
            }
            ax[b] = sx / (to - from);
            ay[b] = sy / (to - from);
        }
        return new Curve(group, name, xLabel, yLabel, ax, ay);
    }
}

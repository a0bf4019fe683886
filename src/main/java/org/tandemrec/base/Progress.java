package org.tandemrec.base;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of long work: a bar with rate and ETA on an interactive terminal, a log line every
 * {@code logEverySeconds} otherwise (CI logs, redirected output). Close it when the work ends.
 */
public final class Progress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final String task;
    private final long total;
    private final ProgressBar bar;
    private final long startNanos = System.nanoTime();
    private long done;
    private long lastLogNanos = startNanos;
    private String extra = "";

    private Progress(String task, long total, boolean terminal) {
        this.task = task;
        this.total = total;
        this.bar = terminal
                ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).showSpeed().build()
                : null;
    }

    /** A bar when stderr is a terminal and TANDEM_PROGRESS is not "log", log lines otherwise. */
    public static Progress start(String task, long total) {
        boolean terminal = System.console() != null && !"log".equals(System.getenv("TANDEM_PROGRESS"));
        return new Progress(task, total, terminal);
    }

    /** Log lines only: for tests and nested work. */
    public static Progress quiet(String task, long total) {
        return new Progress(task, total, false);
    }

    public void step(long n) {
        done += n;
        if (bar != null) {
            bar.stepBy(n);
            return;
        }
        long now = System.nanoTime();
        if (now - lastLogNanos >= LOG_EVERY_NANOS) {
            lastLogNanos = now;
            LOG.info(line(now));
        }
    }

    /** Shown after the counts, e.g. the current loss. */
    public void setExtra(String text) {
        this.extra = text;
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    public long done() {
        return done;
    }

    private String line(long now) {
        double s = (now - startNanos) / 1e9;
        double rate = done / Math.max(s, 1e-9);
        String eta = total > 0 && rate > 0 ? String.format(Locale.ROOT, "%.0fs", (total - done) / rate) : "?";
        return String.format(Locale.ROOT, "%s: %d/%d (%.1f/s, eta %s) %s", task, done, total, rate, eta, extra);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}

package org.tandemrec.split;

import java.util.Locale;

/**
 * Not part of the test suite: measures text-similarity negatives on synthetic item texts.
 * Run with {@code java -Dai.djl.offline=true -cp target/classes:target/test-classes:<deps>
 * org.tandemrec.split.TextNegativesBench [items]}.
 */
public final class TextNegativesBench {
    private TextNegativesBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        TextNegativesBenchmark.Result r;
        try (MiniLmTextEncoder encoder = new MiniLmTextEncoder()) {
            r = TextNegativesBenchmark.run(n, 50, 42L, encoder);
        }
        System.out.printf(Locale.ROOT, "%s items=%d embed=%.2fs neighbours=%.2fs sample=%.2fs total=%.2fs%n",
                TextNegativesBenchmark.KEY, r.items(), r.embedSeconds(), r.neighbourSeconds(), r.sampleSeconds(),
                r.totalSeconds());
    }
}

package io.openelb.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * A benchmark's result table: figure, ours, baseline, ratio, the target. Appended to the file named
 * by {@code OPENELB_BENCH_REPORT}, which {@code hack/bench/run.sh} prints and puts into docs/benchmarks.md
 * with the machine's description; printed when that is not set.
 *
 * <p>The ratio is always our speed relative to the baseline's (the baseline's time over ours, or our rate
 * over its rate): 1.0 as fast, above faster, below slower.
 */
final class BenchReport {
    static final String NONE = "-";
    private final StringBuilder table = new StringBuilder();

    /** @param caption one line saying what was measured and against which baseline */
    BenchReport(String caption) {
        table.append(caption).append("\n\n| figure | OpenELB JVM | baseline | ratio | target |\n")
                .append("|---|---|---|---|---|\n");
    }

    BenchReport row(String figure, String ours, String baseline, String ratio, String target) {
        table.append("| ").append(String.join(" | ", figure, ours, baseline, ratio, target)).append(" |\n");
        return this;
    }

    /** A row of two times: the ratio is the baseline's over ours. */
    BenchReport times(String figure, double oursMillis, double baselineMillis, String target) {
        return row(figure, millis(oursMillis), millis(baselineMillis), ratio(baselineMillis / oursMillis), target);
    }

    /** Appends a note under the table (where the time goes, what a figure includes). */
    BenchReport note(String text) {
        table.append('\n').append(text).append('\n');
        return this;
    }

    void emit() throws IOException {
        String text = table.toString();
        String file = System.getenv("OPENELB_BENCH_REPORT");
        if (file == null) {
            System.out.println();
            System.out.print(text);
        } else {
            Path path = Path.of(file);
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.writeString(path, (Files.exists(path) ? "\n" : "") + text, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    static String millis(double millis) {
        if (millis >= 10_000) {
            return format("%.1f s", millis / 1e3);
        }
        return format(millis >= 10 ? "%.1f ms" : millis >= 1 ? "%.2f ms" : "%.3f ms", millis);
    }

    static String mib(long kib) {
        return format("%d MiB", kib / 1024);
    }

    static String ratio(double ratio) {
        return format("%.2f", ratio);
    }

    /** "< 30 ms: met" or "< 30 ms: missed". */
    static String under(double valueMillis, double barMillis) {
        return "< " + millis(barMillis).replace(".0 ", " ") + (valueMillis < barMillis ? ": met" : ": missed");
    }

    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}

package io.flotilla.bench;

import java.util.Arrays;
import java.util.List;

/** Latencies in nanoseconds, and the percentiles of them a table shows. */
final class Stats {

    private final long[] sorted;

    Stats(List<Long> nanos) {
        this.sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
    }

    Stats(long[] nanos) {
        this.sorted = nanos.clone();
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    /** The nearest-rank percentile, in milliseconds. */
    double percentileMs(double percentile) {
        int rank = Math.max(0, (int) Math.ceil(percentile * sorted.length) - 1);
        return sorted[rank] / 1e6;
    }

    double p50Ms() {
        return percentileMs(0.50);
    }

    double p99Ms() {
        return percentileMs(0.99);
    }

    /** "p50 0.42 ms, p99 1.10 ms (n=1000)". */
    String summary() {
        return String.format("p50 %s ms, p99 %s ms (n=%d)", Report.ms(p50Ms()), Report.ms(p99Ms()), count());
    }
}

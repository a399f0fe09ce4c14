package io.flotilla.core.internal.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The CPU time of the calling thread, where the JVM measures it (HotSpot on Linux, macOS and
 * Windows does, at about a microsecond a call); 0 where it does not, so that nothing is charged.
 */
final class CpuTime {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean MEASURED = THREADS.isCurrentThreadCpuTimeSupported() && enabled();

    private CpuTime() {
    }

    /** Nanoseconds of CPU the calling thread has used, or 0 where the JVM does not say. */
    static long ofCurrentThread() {
        if (!MEASURED) {
            return 0;
        }
        long nanos = THREADS.getCurrentThreadCpuTime();
        return Math.max(nanos, 0);
    }

    private static boolean enabled() {
        try {
            if (!THREADS.isThreadCpuTimeEnabled()) {
                THREADS.setThreadCpuTimeEnabled(true);
            }
            return THREADS.isThreadCpuTimeEnabled();
        } catch (UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
